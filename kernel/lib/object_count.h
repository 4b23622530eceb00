// Live-object counters per kernel object type, for leak accounting: a member
// `lib::Counted<REBOUND_OBJECT_X> counted_;` counts every live instance,
// copies and moves included.
#pragma once
#include <atomic>
#include <cstdint>

#include "rebound/diagnostics.h"

namespace lib {

inline std::atomic<int64_t> g_live_objects[REBOUND_OBJECT_TYPES];

template <unsigned Type>
class Counted {
  static_assert(Type < REBOUND_OBJECT_TYPES);

 public:
  Counted() { g_live_objects[Type].fetch_add(1, std::memory_order_relaxed); }
  Counted(const Counted&) : Counted() {}
  Counted& operator=(const Counted&) = default;
  ~Counted() { g_live_objects[Type].fetch_sub(1, std::memory_order_relaxed); }
};

// For owners that count by hand (move-only types that count only when owning).
inline void count_object(unsigned type, int delta) {
  g_live_objects[type].fetch_add(delta, std::memory_order_relaxed);
}

inline int64_t live_objects(unsigned type) {
  return g_live_objects[type].load(std::memory_order_relaxed);
}

}  // namespace lib
