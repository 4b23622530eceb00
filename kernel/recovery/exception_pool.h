// The fixed pool that C++ exception objects come from. A throw never touches
// a general heap: it works when a heap is exhausted or corrupt, and costs no
// lock. Slots are claimed with one atomic bitmap, so it is interrupt- and
// SMP-safe.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace recovery {

class ExceptionPool {
 public:
  static constexpr size_t kSlots = 32;
  static constexpr size_t kSlotSize = 1024;
  // Room kept in front of each thrown object for libsupc++'s exception header
  // (__cxa_refcounted_exception, 128 bytes on LP64 targets).
  static constexpr size_t kHeaderReserve = 256;
  static constexpr size_t kMaxObject = kSlotSize - kHeaderReserve;

  // For __cxa_allocate_exception: a zeroed header followed by room for a
  // thrown object of `size` bytes; returns the object, or nullptr if full or
  // too large.
  void* allocate_object(size_t size);
  void free_object(void* object);
  // For __cxa_allocate_dependent_exception: one zeroed slot.
  void* allocate_dependent();
  void free_dependent(void* p);

  size_t in_use() const;
  size_t high_water() const { return high_water_.load(std::memory_order_relaxed); }

 private:
  void* claim();
  void release(void* slot_address);

  alignas(64) unsigned char slots_[kSlots][kSlotSize];
  std::atomic<uint32_t> used_{0};
  std::atomic<size_t> high_water_{0};
};
static_assert(ExceptionPool::kSlots <= 32, "bitmap is one 32-bit word");

}  // namespace recovery
