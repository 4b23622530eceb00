#include "core/big_kernel_lock.h"

#include <atomic>

#include "arch/arch.h"
#include "core/cpu_local.h"
#include "recovery/panic.h"

namespace core::bkl {
using detail::kFree;

detail::Lock detail::g_lock;

void detail::acquire_contended(unsigned self, unsigned holder) {
  if (holder == self) recovery::panic("big kernel lock: taken twice by cpu %u", self);
  for (;;) {
    while (detail::g_lock.owner.load(std::memory_order_relaxed) != kFree)
      arch::serve_tlb_shootdown();
    unsigned expected = kFree;
    if (detail::g_lock.owner.compare_exchange_weak(expected, self, std::memory_order_acquire))
      return;
  }
}

void detail::release_not_held(unsigned self) {
  recovery::panic("big kernel lock: released by cpu %u, which does not hold it", self);
}

bool held_here() { return detail::g_lock.owner.load(std::memory_order_relaxed) == this_cpu_id(); }

}  // namespace core::bkl
