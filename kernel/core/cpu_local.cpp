#include "core/cpu_local.h"

#include "arch/arch.h"
#include "core/interrupt_context.h"

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace core {
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

CpuLocal& this_cpu() { return *static_cast<CpuLocal*>(arch::cpu_local()); }

bool in_interrupt() { return this_cpu().interrupt_depth > 0; }

}  // namespace core

namespace recovery {
RecoveryState& current_state() { return *core::this_cpu().recovery; }
}  // namespace recovery
