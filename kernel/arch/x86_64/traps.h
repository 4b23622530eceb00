// The interrupt descriptor table (traps.cpp).
#pragma once
#include <cstdint>

namespace arch::x86_64 {
// Builds the IDT all CPUs share (once, on the boot CPU): the 32 exception
// vectors, each through its stub in vectors.S.
void idt_init();
// Loads it on this CPU (every CPU, the boot CPU included, after idt_init).
void idt_load();
// Installs the gate of interrupt vector `vector` (32-255), through its stub
// in vectors.S, which calls x86_64_interrupt (interrupts.cpp).
void idt_set_interrupt_gate(uint8_t vector);
}  // namespace arch::x86_64
