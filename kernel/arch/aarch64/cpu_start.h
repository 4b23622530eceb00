// Starting secondary CPUs on aarch64 through PSCI CPU_ON (cpu_start.cpp).
#pragma once

#include "boot/cpu_list.h"

namespace arch::aarch64 {
// Keeps how to call PSCI CPU_ON (the device tree's /psci node, found at boot
// in `cpus`) for arch::start_cpu. Called once by arch_boot.
void psci_init(const boot::CpuList& cpus);
}  // namespace arch::aarch64
