// Secondary CPUs on x86_64: each CPU's own set-up.
#include "arch/arch.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/user_entry.h"

namespace arch {

void init_this_cpu() {
  using namespace x86_64;
  gdt_init();
  idt_load();
  user_mode_init();
  mmu_init_this_cpu();
}

}  // namespace arch
