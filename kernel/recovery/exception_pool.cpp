#include "recovery/exception_pool.h"

namespace recovery {
namespace {
// Not __builtin_popcount: on aarch64 that calls libgcc's __popcountdi2, which
// uses SIMD registers, and the kernel has none.
size_t count_bits(uint32_t v) {
  size_t n = 0;
  for (; v != 0; v &= v - 1) ++n;
  return n;
}
}  // namespace

void* ExceptionPool::claim() {
  uint32_t used = used_.load(std::memory_order_relaxed);
  for (;;) {
    if (used == ~uint32_t{0}) return nullptr;
    const int slot = __builtin_ctz(~used);
    if (used_.compare_exchange_weak(used, used | (uint32_t{1} << slot),
                                    std::memory_order_acquire)) {
      const size_t n = count_bits(used) + 1;
      size_t hw = high_water_.load(std::memory_order_relaxed);
      while (n > hw && !high_water_.compare_exchange_weak(hw, n)) {
      }
      __builtin_memset(slots_[slot], 0, kSlotSize);
      return slots_[slot];
    }
  }
}

void ExceptionPool::release(void* slot_address) {
  const auto offset = static_cast<size_t>(static_cast<unsigned char*>(slot_address) - slots_[0]);
  const size_t slot = offset / kSlotSize;
  used_.fetch_and(~(uint32_t{1} << slot), std::memory_order_release);
}

void* ExceptionPool::allocate_object(size_t size) {
  if (size > kMaxObject) return nullptr;
  auto* slot = static_cast<unsigned char*>(claim());
  return slot != nullptr ? slot + kHeaderReserve : nullptr;
}

void ExceptionPool::free_object(void* object) {
  release(static_cast<unsigned char*>(object) - kHeaderReserve);
}

void* ExceptionPool::allocate_dependent() { return claim(); }

void ExceptionPool::free_dependent(void* p) { release(p); }

size_t ExceptionPool::in_use() const { return count_bits(used_.load(std::memory_order_relaxed)); }

}  // namespace recovery
