// Masking this CPU's interrupts (RFLAGS.IF).
#include "arch/arch.h"

namespace arch {
void interrupts_enable() { asm volatile("sti" ::: "memory"); }
void interrupts_disable() { asm volatile("cli" ::: "memory"); }
}  // namespace arch
