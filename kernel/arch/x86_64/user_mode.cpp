// User mode on x86_64: ring 3, CR3 per address space.
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "recovery/panic.h"

namespace arch {

void switch_user_space(uint64_t root, uint16_t) {
  // One root for both halves: "no user space" is the kernel's own root.
  x86_64::write_cr3(root != 0 ? root : kernel_table_root());
}

void set_kernel_entry_stack(uintptr_t) {}

void enter_user(uintptr_t, uintptr_t, uintptr_t, uint64_t, uint64_t) {
  recovery::panic("user mode: not implemented on x86_64 yet");
}

}  // namespace arch
