// The interrupt descriptor table (traps.cpp).
#pragma once

namespace arch::x86_64 {
// Loads the IDT: the 32 exception vectors, each through its stub in vectors.S.
void idt_init();
}  // namespace arch::x86_64
