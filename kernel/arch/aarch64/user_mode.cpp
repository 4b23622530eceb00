// User mode on aarch64: EL0, TTBR0 with an ASID.
#include "arch/aarch64/sysreg.h"
#include "arch/arch.h"
#include "recovery/panic.h"

namespace arch {

void switch_user_space(uint64_t root, uint16_t asid) {
  constexpr uint64_t kTcrEpd0 = 1 << 7;  // no walks through TTBR0: no user half
  if (root == 0) {
    WRITE_SYSREG(tcr_el1, READ_SYSREG(tcr_el1) | kTcrEpd0);
    WRITE_SYSREG(ttbr0_el1, 0);
  } else {
    WRITE_SYSREG(ttbr0_el1, root | uint64_t{asid} << 48);
    WRITE_SYSREG(tcr_el1, READ_SYSREG(tcr_el1) & ~kTcrEpd0);
  }
  aarch64::isb();
}

// SP_EL1 at the moment of eret is where entries from EL0 save their frame:
// the thread's own kernel stack, whichever thread it is.
void set_kernel_entry_stack(uintptr_t) {}

void enter_user(uintptr_t, uintptr_t, uintptr_t, uint64_t, uint64_t) {
  recovery::panic("user mode: not implemented on aarch64 yet");
}

}  // namespace arch
