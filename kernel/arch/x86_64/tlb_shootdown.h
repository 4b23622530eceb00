// TLB shootdown on x86_64: invlpg acts on this CPU only, so a change to a
// live mapping is also sent, as an IPI, to every other CPU that may cache it
// -- all of them for a kernel (global) mapping, those whose CR3 holds the
// address space for a user one -- and the sender waits until each has
// flushed. The sender holds the big kernel lock, so one shootdown at most is
// in flight. A target flushes in the IPI's handler, or, if it is spinning
// for the lock with interrupts masked, in the spin loop
// (arch::serve_tlb_shootdown): it never waits for the sender.
#pragma once
#include <cstdint>

#include "arch/arch.h"
#include "core/cpu_local.h"

namespace arch::x86_64 {

// Flushes `va` (tagged `asid`, 0 for a kernel mapping) on the other CPUs
// that may cache it, and waits until they have.
void tlb_shootdown(uintptr_t va, uint16_t asid);

// The address space (ASID) each CPU's CR3 holds, 0 for none: written by
// that CPU when it loads one, read by senders, both under the big kernel
// lock.
extern uint16_t g_loaded_asid[kMaxCpus];

// Records the address space this CPU's CR3 now holds (0: none).
inline void note_loaded_space(uint16_t asid) { g_loaded_asid[core::this_cpu_id()] = asid; }
// The same, with this CPU's block at hand.
inline void note_loaded_space(const core::CpuLocal& cpu, uint16_t asid) {
  g_loaded_asid[cpu.id] = asid;
}

// Shootdowns sent by this kernel (for tests).
uint64_t tlb_shootdowns_sent();

}  // namespace arch::x86_64
