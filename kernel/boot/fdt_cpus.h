// The CPUs of a flattened device tree (aarch64): the /cpus/cpu@N nodes and
// the /psci node, through the same bounds-checked walk as boot/fdt.h.
#pragma once
#include <cstddef>

#include "boot/cpu_list.h"
#include "boot/fdt.h"

namespace boot {

// Fills `cpus` (emptied first) from `blob` (at most `limit` bytes):
//  - one entry per child of /cpus whose device_type is "cpu" (or that is named
//    cpu@...), in tree order: its "reg" (decoded with /cpus' #address-cells, 1
//    or 2; the first id if it lists several threads) is the MPIDR affinity,
//    its "enable-method" the start method. A CPU whose status is "fail..." is
//    left out; "disabled" CPUs are kept: for a CPU that status means stopped
//    and startable through its enable-method (device tree specification).
//  - the conduit ("method" = "hvc" or "smc") of the first enabled node
//    compatible with "arm,psci", "arm,psci-0.2" or "arm,psci-1.0", and its
//    CPU_ON function id: kPsciCpuOn64 for PSCI 0.2 and later, else the node's
//    "cpu_on" property (PSCI 0.1), else 0.
// Errors: a malformed blob (as fdt_parse); FdtError::bad_structure for a CPU
// without a usable "reg" or whose id has bits outside the affinity fields;
// FdtError::not_found if there is no CPU at all. On failure `cpus` is empty.
bool fdt_find_cpus(const void* blob, size_t limit, CpuList& cpus, FdtError& error);

}  // namespace boot
