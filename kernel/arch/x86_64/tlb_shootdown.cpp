#include "arch/x86_64/tlb_shootdown.h"

#include <atomic>

#include "arch/arch.h"
#include "arch/x86_64/interrupt_vectors.h"
#include "arch/x86_64/local_apic.h"
#include "core/cpu_local.h"

namespace arch::x86_64 {
namespace {

// The request: written by the sender before it raises the targets' flags.
uintptr_t g_va;
std::atomic<bool> g_pending[kMaxCpus];
std::atomic<uint64_t> g_sent{0};

void invlpg(uintptr_t va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }

}  // namespace

void tlb_shootdown(uintptr_t va, uint16_t asid) {
  // Only CPUs whose local APIC is set up: the others run no kernel code yet
  // and have cached nothing that changes.
  const uint32_t others = lapic::ready_mask() & ~(1u << core::this_cpu().id);
  if (others == 0) return;
  g_va = va;
  uint32_t waiting = 0;
  for (uint32_t m = others; m != 0; m &= m - 1) {
    const unsigned cpu = static_cast<unsigned>(__builtin_ctz(m));
    if (asid != 0 && g_loaded_asid[cpu] != asid) continue;
    g_pending[cpu].store(true, std::memory_order_release);
    if (!lapic::send_ipi(cpu, kIpiTlbShootdownVector)) {
      g_pending[cpu].store(false, std::memory_order_relaxed);
      continue;
    }
    waiting |= 1u << cpu;
    g_sent.fetch_add(1, std::memory_order_relaxed);
  }
  for (; waiting != 0; waiting &= waiting - 1) {
    const unsigned cpu = static_cast<unsigned>(__builtin_ctz(waiting));
    while (g_pending[cpu].load(std::memory_order_acquire)) asm volatile("pause");
  }
}

uint16_t g_loaded_asid[kMaxCpus];

uint64_t tlb_shootdowns_sent() { return g_sent.load(std::memory_order_relaxed); }

}  // namespace arch::x86_64

namespace arch {

void serve_tlb_shootdown() {
  std::atomic<bool>& pending = x86_64::g_pending[core::this_cpu().id];
  if (!pending.load(std::memory_order_acquire)) {
    asm volatile("pause");
    return;
  }
  x86_64::invlpg(x86_64::g_va);
  pending.store(false, std::memory_order_release);
}

}  // namespace arch
