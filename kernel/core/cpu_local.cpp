#include "core/cpu_local.h"

#include <cstddef>

#include "arch/arch.h"
#include "core/interrupt_context.h"

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace core {
static_assert(offsetof(CpuLocal, self) == 0);  // this_cpu() on x86_64 reads %gs:0
static_assert(offsetof(CpuLocal, id) == 8);    // this_cpu_id() on x86_64 reads %gs:8
static_assert(offsetof(CpuLocal, recovery) == recovery::kCpuLocalRecoveryOffset);
static_assert(offsetof(CpuLocal, scheduler) == 80);  // this_cpu_scheduler() on x86_64

namespace {
CpuLocal g_boot_cpu;
recovery::RecoveryState g_boot_recovery;
}  // namespace

void run_global_constructors() {
  for (auto* ctor = __init_array_start; ctor != __init_array_end; ++ctor) (*ctor)();
}

void init_boot_cpu() {
  g_boot_cpu.self = &g_boot_cpu;
  g_boot_cpu.id = 0;
  g_boot_cpu.recovery = &g_boot_recovery;
  arch::set_cpu_local(&g_boot_cpu);
}

bool in_interrupt() { return this_cpu().interrupt_depth > 0; }

}  // namespace core
