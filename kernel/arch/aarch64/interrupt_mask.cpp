// Masking this CPU's interrupts (IRQs: the DAIF.I bit).
#include "arch/arch.h"

namespace arch {
void interrupts_enable() { asm volatile("msr daifclr, #2" ::: "memory"); }
void interrupts_disable() { asm volatile("msr daifset, #2" ::: "memory"); }
}  // namespace arch
