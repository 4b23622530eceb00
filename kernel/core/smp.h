// Starting the other CPUs. The boot CPU starts them one at a time, each on a
// kernel stack of its own (plus, for aarch64's stack-overflow reports, a
// second one), with a CPU-local block and a recovery state of its own. A
// started CPU sets itself up (arch::init_this_cpu, its part of the interrupt
// controller), takes the big kernel lock, becomes a scheduler like the boot
// CPU's (a boot thread that ends at once, and an idle thread), starts its
// tick and reports in; from then on it runs whatever threads are ready.
#pragma once
#include "boot/cpu_list.h"

namespace core {

// Starts every CPU of `cpus` but the boot CPU, at most `limit` CPUs in all
// (the boot CPU counted), and waits for each to report in (a CPU that does
// not within a second is reported and left out). Called on the boot CPU with
// the big kernel lock held and its scheduler running. Returns the number of
// CPUs online afterwards.
unsigned start_secondary_cpus(const boot::CpuList& cpus, unsigned limit);

// CPUs running the kernel (1 until start_secondary_cpus), and CPUs it
// tried to have (the boot CPU and every CPU it asked to start).
unsigned cpus_online();
unsigned cpus_wanted();

}  // namespace core
