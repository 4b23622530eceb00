// Masking this CPU's interrupts (IRQs: the DAIF.I bit). FIQs stay masked:
// the kernel configures every interrupt as Group 1, which is an IRQ.
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"

namespace arch {
void interrupts_enable() { asm volatile("msr daifclr, #2" ::: "memory"); }
void interrupts_disable() { asm volatile("msr daifset, #2" ::: "memory"); }
bool interrupts_enabled() { return (READ_SYSREG(daif) & (1 << 7)) == 0; }
}  // namespace arch
