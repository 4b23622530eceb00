// The local APIC of each CPU: its timer is the CPU's tick, its ICR sends
// inter-processor interrupts, and every interrupt it delivers ends with an
// EOI. x2APIC (MSRs) when CPUID offers it, else xAPIC (registers mapped at
// the physical address in IA32_APIC_BASE); the rest of the kernel cannot
// tell which.
#pragma once
#include <cstdint>

#include "lib/result.h"

namespace arch::x86_64::lapic {

// Once, on the boot CPU: picks the mode, maps the xAPIC registers if needed,
// and calibrates the timer against the TSC clock (monotonic_ns). Halts on
// failure (no memory for the mapping).
void init();
// This CPU's part: enables its APIC with the spurious vector, masks every
// local interrupt source (timer included), and records its APIC ID so that
// other CPUs can send it IPIs.
void init_this_cpu();
bool this_cpu_ready();
// The CPUs (core::CpuLocal::id) that ran init_this_cpu, as a bit mask.
uint32_t ready_mask();
bool x2apic();

// Every delivered interrupt but a spurious one needs this before another of
// the same or a lower priority class is delivered.
void end_of_interrupt();

// This CPU's timer in periodic mode. Error::out_of_range if the period is
// below one count or beyond the 32-bit counter, Error::not_supported if
// calibration failed.
Result<void> timer_start(uint64_t period_ns);
void timer_stop();
bool timer_running();
uint64_t timer_period_ns();  // 0 while stopped
// Whether a timer interrupt is a tick to handle: false if it came less than
// a quarter period after the last tick's handler returned (that handler took
// longer than the period, and the periodic timer fired meanwhile). Dropping
// it keeps slow handlers from starving the interrupted code.
bool timer_tick_due();
// After a tick's handler: when the interrupted code got the CPU back.
void timer_tick_done();

// A fixed interrupt with `vector` to `cpu` (an index of core::CpuLocal::id).
// Error::out_of_range for cpu >= kMaxCpus, Error::not_found if that CPU has
// not run init_this_cpu.
Result<void> send_ipi(unsigned cpu, uint8_t vector);

// This CPU's local APIC id (after init_this_cpu), and CPU `cpu`'s (an
// index of core::CpuLocal::id; 0 before it ran init_this_cpu).
uint32_t this_cpu_apic_id();
uint32_t apic_id_of(unsigned cpu);
// Whether `apic_id` names one CPU in physical destination mode (the
// all-ones id is the broadcast: 0xff for xAPIC, 0xffffffff for x2APIC).
bool addressable(uint64_t apic_id);
// Starting another CPU (cpu_start.cpp), by local APIC id, not by index: it
// has not run init_this_cpu. An INIT (assert, then de-assert on xAPIC) puts
// that CPU in its wait-for-SIPI state; a STARTUP IPI then starts it in real
// mode at physical page `page` (address page * 4096). Both return once the
// command has left this APIC; neither says whether a CPU accepted it.
void send_init(uint32_t apic_id);
void send_startup(uint32_t apic_id, uint8_t page);

}  // namespace arch::x86_64::lapic
