// The IPC fast path: the common call and reply, taken by IPC_CALL and
// IPC_REPLY_RECEIVE before their slow path (core/endpoint.h). A call to an
// endpoint where a server thread already waits in receive, and a reply to a
// caller that still waits when no other call is queued, both without a
// moved handle: the endpoint is found without taking a reference
// (HandleTable::peek), the words go from the registers to the partner, and
// the CPU goes straight to the partner (Scheduler::wake_and_block hands
// off) while this thread waits in the partner's place.
//
// It is the slow path's common case, step for step, with the same state
// left behind (IpcState, the endpoint's queues, the reply capability), so
// either path may wake a thread that waits in the other. Everything else
// -- a handle to move, an error to report, no partner waiting, a closed
// endpoint, more callers queued -- goes to the slow path, and so does
// everything the scheduler cannot hand off (a partner pinned to another
// CPU, a ready thread that outranks it, an interrupted caller).
#pragma once
#include "core/syscalls/syscall.h"

namespace core {

// The fast paths are the entries of the two system calls themselves,
// syscalls::sys_ipc_call and sys_ipc_reply_receive (ipc_fast_path.cpp);
// they fall back to ipc_call_slow and ipc_reply_receive_slow
// (core/syscalls/ipc.h). Their hits are counted in activity::ipc_fast_paths.
class IpcFastPath {
 private:
  friend Result<syscalls::Values> syscalls::sys_ipc_call(syscalls::Args);
  friend Result<syscalls::Values> syscalls::sys_ipc_reply_receive(syscalls::Args);
  static Result<syscalls::Values> call(syscalls::Args a);
  static Result<syscalls::Values> reply_receive(syscalls::Args a);
};

}  // namespace core
