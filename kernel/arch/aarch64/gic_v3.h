// The GICv3 interrupt controller: the distributor (shared; SPIs), one
// redistributor per CPU (its SGIs and PPIs) and the CPU interface through
// system registers (ICC_*_EL1). Everything is Group 1 (IRQ, not FIQ), one
// priority, EOImode 0 (an EOI both drops priority and deactivates).
#pragma once
#include <cstdint>

#include "lib/result.h"

namespace arch::aarch64::gic {

// Interrupt IDs: 0-15 SGIs (software, per CPU), 16-31 PPIs (per CPU),
// 32-1019 SPIs (shared), 1020-1023 special.
constexpr uint32_t kFirstPpi = 16, kFirstSpi = 32, kFirstSpecial = 1020;
// The SGIs the kernel reserves for inter-processor interrupts.
constexpr uint32_t kSgiReschedule = 0, kSgiTlbShootdown = 1;

// Maps the distributor and the redistributors (physical ranges from the
// device tree) and resets the distributor: every SPI disabled, Group 1.
// Halts on failure (no memory for the mappings, a register stuck busy).
void init(uint64_t distributor, uint64_t distributor_size, uint64_t redistributors,
          uint64_t redistributors_size);
// This CPU's part: wakes its redistributor, disables its PPIs, enables the
// IPI SGIs, and turns the system-register CPU interface on. Records this
// CPU's affinity so that other CPUs can send it SGIs.
void init_this_cpu();
bool this_cpu_ready();

// Enables or disables a PPI of this CPU at its redistributor (and, when
// disabling, drops a pending edge so that it does not fire later).
void set_ppi_enabled(uint32_t intid, bool enabled);

// Reads ICC_IAR1_EL1: the highest-priority pending interrupt, now active.
uint32_t acknowledge();
inline bool is_spurious(uint32_t intid) { return intid >= kFirstSpecial; }
// Writes ICC_EOIR1_EL1: the interrupt is done (priority drop and deactivate).
void end_of_interrupt(uint32_t intid);
// Disables an interrupt nobody handles, wherever it comes from.
void disable(uint32_t intid);

// SPIs (device lines): the number of interrupt IDs the distributor has (SPIs
// are kFirstSpi up to it, below kFirstSpecial); routing an SPI to the boot
// CPU (CpuLocal::id 0); enabling one (disable() masks it); whether it is
// enabled; and making one pending as if its device had raised it (tests).
uint32_t lines();
void route_spi_to_boot_cpu(uint32_t intid);
void enable_spi(uint32_t intid);
bool spi_enabled(uint32_t intid);
void set_spi_pending(uint32_t intid);

// Sends SGI `intid` to `cpu` (an index of core::CpuLocal::id).
// Error::not_found if that CPU has not run init_this_cpu.
Result<void> send_sgi(unsigned cpu, uint32_t intid);

}  // namespace arch::aarch64::gic
