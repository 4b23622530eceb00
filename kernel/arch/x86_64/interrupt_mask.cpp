// Masking this CPU's interrupts (RFLAGS.IF).
#include "arch/arch.h"

namespace arch {
void interrupts_enable() { asm volatile("sti" ::: "memory"); }
void interrupts_disable() { asm volatile("cli" ::: "memory"); }
bool interrupts_enabled() {
  uint64_t flags;
  asm volatile("pushfq\n pop %0" : "=r"(flags)::"memory");
  return (flags & (1 << 9)) != 0;  // RFLAGS.IF
}
}  // namespace arch
