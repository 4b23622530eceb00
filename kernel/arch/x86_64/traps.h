// The interrupt descriptor table (traps.cpp).
#pragma once
#include <cstdint>

namespace arch::x86_64 {
// Loads the IDT: the 32 exception vectors, each through its stub in vectors.S.
void idt_init();
// Installs the gate of interrupt vector `vector` (32-255), through its stub
// in vectors.S, which calls x86_64_interrupt (interrupts.cpp).
void idt_set_interrupt_gate(uint8_t vector);
}  // namespace arch::x86_64
