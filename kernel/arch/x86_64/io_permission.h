// I/O ports for user mode (core/io_port_set.h), through the I/O permission
// bitmap of each CPU's TSS (gdt.h). Every switch of the user address space
// turns the bitmap off (io_permission_revoke), so no process ever runs with
// another's ports. A process with ports then faults on its first port
// access (#GP, error code 0), and io_permission_fault loads its ports into
// this CPU's bitmap -- rewriting it only if the CPU last held another set
// -- and lets the instruction run again. Processes without ports pay
// nothing but that one store per switch; the TAS pays one fault per switch
// to it that uses a port. Runs under the big kernel lock.
#pragma once
#include "core/io_port_set.h"

namespace arch::x86_64 {

// This CPU's user mode may use no port (from switch_user_space).
void io_permission_revoke();

// A #GP with error code 0 from user mode of a process whose ports are
// `ports` (nullptr: none): true if this CPU's bitmap was not that set's and
// now is (the instruction runs again), false if the fault is the process's
// own.
bool io_permission_fault(const core::IoPortSet* ports);

}  // namespace arch::x86_64
