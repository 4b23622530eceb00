// The IPC fast path: the common call and reply. A call to an endpoint where
// a server thread already waits in receive, and a reply to a caller that
// still waits when no other call is queued, both without a moved handle:
// the endpoint is found without taking a reference (HandleTable::peek), the
// words go from the registers to the partner, the results straight into the
// registers (no handler table, no Result in between), and the CPU goes
// straight to the partner (Scheduler::wake_and_wait hands off) while this
// thread waits in the partner's place.
//
// It is the slow path's common case (core/endpoint.h), step for step, with
// the same state left behind (IpcState, the endpoint's queues, the reply
// capability), so either path may wake a thread that waits in the other.
// Everything else -- a handle to move, an error to report, no partner
// waiting, a closed endpoint, more callers queued, a caller with a timeout
// (its deadline, and where its reply capability is, are the slow path's to
// keep: core/endpoint.h) -- goes to the slow path
// (syscalls::sys_ipc_call, sys_ipc_reply_receive); where the scheduler
// cannot hand off (a partner pinned to another CPU, a ready thread that
// outranks it, an interrupted caller), it wakes the partner and blocks, as
// the slow path does.
//
// The arch layer sends IPC_CALL and IPC_REPLY_RECEIVE to ipc_call_syscall()
// and ipc_reply_receive_syscall() instead of syscall()
// (core/user_boundary.h), each from an entry function of its own: this
// code is inline there, and the other system calls keep their small frame.
// Taken fast paths are counted in activity::ipc_fast_paths.
#pragma once
#include <cstdint>

#include "arch/ipc_registers.h"
#include "core/activity.h"
#include "core/endpoint.h"
#include "core/ipc_bulk.h"
#include "core/scheduler.h"
#include "core/syscalls/ipc.h"
#include "core/user_boundary.h"

namespace core {

class IpcFastPath {
 public:
  static void call(uint64_t* a, SyscallResultRegs out);
  static void reply_receive(uint64_t* a, SyscallResultRegs out);

 private:
  static Endpoint* endpoint(Thread& self, const uint64_t* a, uint32_t rights);
  static void give(const uint64_t* a, IpcState& to);
};

// syscall() for IPC_CALL and for IPC_REPLY_RECEIVE, each from an entry of
// its own. (The lambdas are inline too: their bodies are the fast path.)
[[gnu::always_inline]] inline void ipc_call_syscall(uint64_t* args, SyscallResultRegs out,
                                                    recovery::RecoveryState& state) {
  detail::run_syscall(
      REBOUND_SYS_IPC_CALL, out,
      state, [&]() __attribute__((always_inline)) { IpcFastPath::call(args, out); });
}
[[gnu::always_inline]] inline void ipc_reply_receive_syscall(uint64_t* args, SyscallResultRegs out,
                                                             recovery::RecoveryState& state) {
  detail::run_syscall(
      REBOUND_SYS_IPC_REPLY_RECEIVE, out,
      state, [&]() __attribute__((always_inline)) { IpcFastPath::reply_receive(args, out); });
}

// No reference is taken: the endpoint outlives what the fast path does
// with it through this process's handle, and after the switch the thread
// never touches it again.
[[gnu::always_inline]] inline Endpoint* IpcFastPath::endpoint(Thread& self, const uint64_t* a,
                                                              uint32_t rights) {
  return self.process()->handles().peek<Endpoint>(static_cast<rebound_handle>(a[0]), rights);
}

// The message in the registers `a` to a partner: straight into its
// registers if it waits in the fast path (it returns with them as they
// are), else into its IpcState, as the slow path does.
[[gnu::always_inline]] inline void IpcFastPath::give(const uint64_t* a, IpcState& to) {
  if (to.regs != nullptr) [[likely]] {
    syscalls::words_across(a, to.regs);
    to.regs = nullptr;
  } else {
    syscalls::words_in(a, to.message);
  }
}

// Endpoint::call() when a server thread waits and no handle goes along.
[[gnu::always_inline]] inline void IpcFastPath::call(uint64_t* a, SyscallResultRegs out) {
  Scheduler& here = Scheduler::current();
  Thread& self = here.running();
  Endpoint* ep = endpoint(self, a, REBOUND_RIGHT_CALL);
  // A handle to move, or a timeout (core/endpoint.h), in one test.
  if (ep == nullptr || (a[arch::kIpcHandleArg] | self.ipc().timeout_ns) != 0 || ep->closed_ ||
      ep->receivers_.empty()) [[unlikely]] {
    detail::put_result(out, syscalls::sys_ipc_call(a));
    return;
  }
  Thread& server = *ep->receivers_.dequeue();
  ++activity::ipc_fast_paths;
  IpcState& s = server.ipc();
  give(a, s);
  s.reply_to = Ref<Thread>(&self);
  // Its receive record, if it has one, says this call's (IPC_CALL lends
  // nothing -- only IPC_CALL_GRANT does, on the slow path -- so it cannot fail).
  (void)bulk::received(server, self);
  IpcState& me = self.ipc();
  me.failed = false;
  me.regs = a;
  const bool woken = here.wake_and_wait(server);
  if (me.regs == nullptr && woken) [[likely]]
    return;  // the server's fast path put the reply into the registers
  me.regs = nullptr;
  if (!woken || me.failed) [[unlikely]] {
    me.handle = {};  // a reply's, as in Endpoint::call
    Error e = woken ? me.error : Error::interrupted;
    // Its server went with the endpoint: the caller hears why, as in
    // Endpoint::call. (`ep` was not held: found again, if its handle is.)
    if (e == Error::peer_closed) {
      if (Endpoint* again = endpoint(self, a, REBOUND_RIGHT_CALL); again && again->closed_)
        e = again->close_reason_;
    }
    detail::put_result(out, fail(e));
    return;
  }
  detail::put_result(out, syscalls::message_out(a, me.message, self));
}

// Endpoint::reply_receive() when the caller still waits, no other call does
// and no handle goes with the reply. While this thread then waits on the
// endpoint, nobody can end the endpoint's life: one with a waiting receiver
// is open, so a RECEIVE handle to it exists, which holds a reference.
[[gnu::always_inline]] inline void IpcFastPath::reply_receive(uint64_t* a, SyscallResultRegs out) {
  Scheduler& here = Scheduler::current();
  Thread& self = here.running();
  IpcState& me = self.ipc();
  Endpoint* ep = endpoint(self, a, REBOUND_RIGHT_RECEIVE);
  Thread* caller = me.reply_to.get();
  if (ep == nullptr || caller == nullptr || a[arch::kIpcHandleArg] != 0 || ep->closed_ ||
      !ep->callers_.empty() || caller->interrupted()) [[unlikely]] {
    detail::put_result(out, syscalls::sys_ipc_reply_receive(a));
    return;
  }
  ++activity::ipc_fast_paths;
  bulk::answered(*caller);  // what it lent is out of this thread's reach first
  give(a, caller->ipc());
  me.reply_to.reset();  // the caller keeps itself while it is blocked
  me.failed = false;
  me.regs = a;
  ep->receivers_.add(self);
  const bool woken = here.wake_and_wait(*caller);
  if (me.regs == nullptr && woken) [[likely]]
    return;  // a caller's fast path put the request into the registers
  me.regs = nullptr;
  if (!woken) [[unlikely]] {
    me.handle = {};  // a request's, as in Endpoint::receive
    detail::put_result(out, fail(Error::interrupted));
    return;
  }
  if (me.failed) [[unlikely]] {
    detail::put_result(out, fail(me.error));
    return;
  }
  detail::put_result(out, syscalls::request_out(a, me.message, self));
}

}  // namespace core
