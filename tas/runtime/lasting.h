// Handles a server keeps across its restarts: what must outlive one
// generation of it -- the RAM disk's memory, say, so that what was written
// before a restart is there after it. Kept in the supervisor's slot, next
// to the generation's holdings (holdings.h), which do not last.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"

namespace tas {

class Lasting {
 public:
  static constexpr unsigned kMax = 4;

  struct Kept {
    rebound_handle handle = 0;
    uint64_t value = 0;  // what the maker wants to remember with it (a size)
  };

  // The handle kept under `key` (< kMax), made by make() -> Result<Kept>
  // the first time (or again after a failure).
  template <class F>
  Result<Kept> get(unsigned key, F&& make) {
    if (key >= kMax) return fail(Error::invalid_argument);
    if (kept_[key].handle == 0) {
      TRY(made, make());
      kept_[key] = made;
    }
    return kept_[key];
  }

 private:
  Kept kept_[kMax] = {};
};

}  // namespace tas
