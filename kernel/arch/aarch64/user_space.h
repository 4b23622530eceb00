// arch/user_space.h on aarch64.
#pragma once
#include <cstdint>

#include "arch/aarch64/sysreg.h"
#include "core/cpu_local.h"

namespace arch {

// SP_EL1 at the moment of eret is where entries from EL0 save their frame:
// every return to user mode leaves it at the top of the thread's own
// kernel stack, whichever thread it is. Nothing to do.
inline void set_kernel_entry_stack(core::CpuLocal&, uintptr_t) {}

// switch_user_space(root, asid) on this CPU (`cpu`, its block) when it
// holds `previous` (0: none): between two user spaces only TTBR0 changes
// (TCR_EL1.EPD0, which turns walks through TTBR0 off, stays clear).
inline void load_user_space(core::CpuLocal&, uint64_t root, uint16_t asid, uint64_t previous) {
  if (root == 0 || previous == 0) [[unlikely]] {
    switch_user_space(root, asid);
    return;
  }
  WRITE_SYSREG(ttbr0_el1, root | uint64_t{asid} << 48);
  aarch64::isb();
}

}  // namespace arch
