#include "core/big_kernel_lock.h"

#include <atomic>

#include "arch/arch.h"
#include "core/cpu_local.h"
#include "recovery/panic.h"

namespace core::bkl {
namespace {

constexpr unsigned kFree = ~0u;
std::atomic<unsigned> g_owner{kFree};  // the holder's CpuLocal::id
std::atomic<unsigned long> g_contended{0};

}  // namespace

void acquire() {
  const unsigned self = this_cpu().id;
  unsigned expected = kFree;
  if (g_owner.compare_exchange_strong(expected, self, std::memory_order_acquire)) return;
  if (expected == self) recovery::panic("big kernel lock: taken twice by cpu %u", self);
  g_contended.fetch_add(1, std::memory_order_relaxed);
  for (;;) {
    while (g_owner.load(std::memory_order_relaxed) != kFree) arch::serve_tlb_shootdown();
    expected = kFree;
    if (g_owner.compare_exchange_weak(expected, self, std::memory_order_acquire)) return;
  }
}

void release() {
  const unsigned self = this_cpu().id;
  if (g_owner.load(std::memory_order_relaxed) != self)
    recovery::panic("big kernel lock: released by cpu %u, which does not hold it", self);
  g_owner.store(kFree, std::memory_order_release);
}

bool held_here() { return g_owner.load(std::memory_order_relaxed) == this_cpu().id; }

unsigned long contended() { return g_contended.load(std::memory_order_relaxed); }

}  // namespace core::bkl
