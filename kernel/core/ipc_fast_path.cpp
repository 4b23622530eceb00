#include "core/ipc_fast_path.h"

#include "arch/ipc_registers.h"
#include "core/activity.h"
#include "core/endpoint.h"
#include "core/scheduler.h"
#include "core/syscalls/ipc.h"

namespace core {

using namespace syscalls;

namespace {

// No reference is taken: the endpoint outlives what the fast path does
// with it through this process's handle, and after the switch the thread
// never touches it again.
[[gnu::always_inline]] inline Endpoint* endpoint(Thread& self, Args a, uint32_t rights) {
  return self.process()->handles().peek<Endpoint>(static_cast<rebound_handle>(a[0]), rights);
}

}  // namespace

// Endpoint::call() when a server thread waits and no handle goes along.
[[gnu::always_inline]] inline Result<Values> IpcFastPath::call(Args a) {
  Scheduler& here = Scheduler::current();
  Thread& self = here.running();
  Endpoint* ep = endpoint(self, a, REBOUND_RIGHT_CALL);
  if (ep == nullptr || a[arch::kIpcHandleArg] != 0 || ep->closed_ || ep->receivers_.empty())
      [[unlikely]]
    return ipc_call_slow(a);
  Thread& server = *ep->receivers_.dequeue();
  ++activity::ipc_fast_paths;
  IpcState& s = server.ipc();
  words_in(a, s.message);
  s.reply_to = Ref<Thread>(&self);
  IpcState& me = self.ipc();
  me.failed = false;
  const Result<void> waited = here.wake_and_block(server);
  if (!waited || me.failed) [[unlikely]] {
    me.handle = {};  // a reply's, as in Endpoint::call
    return fail(waited ? me.error : waited.error());
  }
  return message_out(a, me.message, self);
}

// Endpoint::reply_receive() when the caller still waits, no other call does
// and no handle goes with the reply. While this thread then waits on the
// endpoint, nobody can end the endpoint's life: one with a waiting receiver
// is open, so a RECEIVE handle to it exists, which holds a reference.
[[gnu::always_inline]] inline Result<Values> IpcFastPath::reply_receive(Args a) {
  Scheduler& here = Scheduler::current();
  Thread& self = here.running();
  IpcState& me = self.ipc();
  Endpoint* ep = endpoint(self, a, REBOUND_RIGHT_RECEIVE);
  Thread* caller = me.reply_to.get();
  if (ep == nullptr || caller == nullptr || a[arch::kIpcHandleArg] != 0 || ep->closed_ ||
      !ep->callers_.empty() || caller->interrupted()) [[unlikely]]
    return ipc_reply_receive_slow(a);
  ++activity::ipc_fast_paths;
  words_in(a, caller->ipc().message);
  me.reply_to.reset();  // the caller keeps itself while it is blocked
  me.failed = false;
  ep->receivers_.add(self);
  const Result<void> waited = here.wake_and_block(*caller);
  if (!waited) [[unlikely]] {
    me.handle = {};  // a request's, as in Endpoint::receive
    return fail(waited.error());
  }
  if (me.failed) [[unlikely]]
    return fail(me.error);
  return request_out(a, me.message, self);
}

Result<Values> syscalls::sys_ipc_call(Args a) { return IpcFastPath::call(a); }
Result<Values> syscalls::sys_ipc_reply_receive(Args a) { return IpcFastPath::reply_receive(a); }

}  // namespace core
