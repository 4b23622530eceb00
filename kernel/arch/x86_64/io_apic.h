// The I/O APICs: where device interrupt lines (global system interrupts,
// GSIs) become interrupt vectors sent to a local APIC. The kernel learns
// them from the ACPI MADT at boot (with the ISA interrupt source overrides)
// and masks every input; device lines (arch.h, device_lines.cpp) route and
// unmask inputs one at a time, under the big kernel lock -- except mask(),
// which the interrupt handler calls without it (a lock of the registers
// serialises them).
#pragma once
#include <cstdint>

#include "boot/acpi.h"
#include "lib/result.h"

namespace arch::x86_64::io_apic {

// At boot, before mmu_init (the tables are read through the early map): what
// the MADT says, kept for init().
void set_routing(const boot::InterruptRouting& routing);
// Once, after mm::init: maps every I/O APIC, reads how many inputs it has
// and masks them all. Without routing (no ACPI, no I/O APIC in the MADT) it
// does nothing, and route() says not_supported.
void init();
unsigned count();  // I/O APICs in use

// Where ISA IRQ `irq` (< 16) arrives.
const boot::IsaRoute& isa_route(unsigned irq);

// Programs the input of `gsi`: `vector`, fixed delivery to local APIC
// `apic_id` (physical), trigger mode and polarity; masked.
// Error::not_supported without I/O APICs or for an APIC id beyond 8 bits,
// Error::out_of_range if no I/O APIC has the GSI.
Result<void> route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level_triggered,
                   bool active_low);
void mask(uint32_t gsi);
void unmask(uint32_t gsi);
bool masked(uint32_t gsi);

}  // namespace arch::x86_64::io_apic
