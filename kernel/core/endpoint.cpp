#include "core/endpoint.h"

#include <utility>

#include "arch/arch.h"
#include "core/ipc_bulk.h"
#include "core/scheduler.h"
#include "core/thread.h"
#include "recovery/panic.h"

namespace core {
namespace {

// Whom a server's reply capability names once its caller gave up the call
// (give_up_call): a thread that has left, like a killed caller.
Ref<Thread> g_departed;

// A call's timeout, armed for as long as the call waits.
class CallTimeout {
 public:
  explicit CallTimeout(Thread& self) : self_(self) {
    const uint64_t ns = self.ipc().timeout_ns;
    if (ns == 0) [[likely]]
      return;
    armed_ = true;
    Scheduler::current().arm_timeout(arch::monotonic_ns() + ns);  // (ns: at most 2^62)
  }
  ~CallTimeout() {
    if (armed_) [[unlikely]]
      Scheduler::disarm_timeout(self_);
  }
  CallTimeout(const CallTimeout&) = delete;
  CallTimeout& operator=(const CallTimeout&) = delete;

 private:
  Thread& self_;
  bool armed_ = false;
};

// A caller that a server has received is blocked on no queue: only the reply
// (or its failure) wakes it -- unless its process was killed meanwhile, and
// Scheduler::interrupt woke it already. Then it has left (it may be dead; the
// server's reference keeps the thread): what it is owed goes nowhere.
bool still_waiting(const Thread& caller) { return !caller.interrupted(); }

void fail_call(Thread& t) {
  bulk::answered(t);  // what it lent is out of the server's reach first
  if (!still_waiting(t)) return;
  t.ipc().failed = true;
  t.ipc().error = Error::peer_closed;
  Scheduler::wake(t);
}

// How the wait of a receive ended: a request, or why not. Interrupted after
// a caller filled in the request, the thread still owes the reply (its end
// fails the caller: abandon_reply); the request's handle closes now.
Result<Message> request_received(Result<void> waited) {
  IpcState& me = current_thread().ipc();
  if (!waited) [[unlikely]] {
    me.handle = {};
    return fail(waited.error());
  }
  if (me.failed) [[unlikely]]
    return fail(me.error);
  return me.message;
}

}  // namespace

Result<Ref<Endpoint>> Endpoint::create() { return make_object<Endpoint>(); }

// Every waiter holds a reference through its handle lookup, so none is left.
Endpoint::~Endpoint() = default;

Result<Message> Endpoint::call(const Message& m, MovedHandle&& handle) {
  if (closed_) return fail(close_reason_);
  Thread& self = current_thread();
  IpcState& me = self.ipc();
  me.failed = false;
  const CallTimeout timeout(self);
  Result<void> waited;
  if (Thread* server = receivers_.dequeue()) {
    // A server thread waits: hand it the call and wait for the reply.
    IpcState& s = server->ipc();
    s.message = m;
    if (handle) s.handle = std::move(handle);
    s.reply_to = Ref<Thread>(&self);
    me.reply_slot = &s.reply_to;
    waited = Scheduler::current().wake_and_block(*server);
  } else {
    me.message = m;
    if (handle) me.handle = std::move(handle);
    waited = callers_.wait();  // received later, then replied to
  }
  if (!waited || me.failed) {
    // A call never received, or whose caller is interrupted: the handle
    // with it (or with the reply) closes now.
    me.handle = {};
    const Error e = waited ? me.error : waited.error();
    // Its server went with the endpoint: the caller hears why.
    return fail(e == Error::peer_closed && closed_ ? close_reason_ : e);
  }
  return me.message;
}

Result<Message> Endpoint::receive() {
  IpcState& me = current_thread().ipc();
  abandon_reply(me);
  if (closed_) return fail(close_reason_);
  if (Thread* caller = callers_.dequeue()) {
    me.reply_to = Ref<Thread>(caller);  // it stays blocked until the reply
    IpcState& c = caller->ipc();
    c.reply_slot = &me.reply_to;
    if (c.handle) me.handle = std::move(c.handle);
    return c.message;
  }
  me.failed = false;
  return request_received(receivers_.wait());  // a caller fills in message, handle, reply_to
}

Thread* Endpoint::give_reply(IpcState& me, const Message& m, MovedHandle handle) {
  if (!me.reply_to) return nullptr;
  const Ref<Thread> caller = std::move(me.reply_to);
  bulk::answered(*caller);                      // what it lent is out of the server's reach first
  if (!still_waiting(*caller)) return nullptr;  // (the handle closes on the way out)
  caller->ipc().message = m;
  if (handle) caller->ipc().handle = std::move(handle);
  return caller.get();  // kept by its own reference while it lives: it is blocked
}

Result<void> Endpoint::reply(const Message& m, MovedHandle&& handle) {
  IpcState& me = current_thread().ipc();
  if (!me.reply_to) return fail(Error::not_found);
  if (Thread* caller = give_reply(me, m, std::move(handle))) Scheduler::wake_here(*caller);
  return {};
}

Result<Message> Endpoint::reply_receive(const Message& m, MovedHandle&& handle) {
  IpcState& me = current_thread().ipc();
  Thread* caller = give_reply(me, m, std::move(handle));
  if (caller == nullptr) return receive();
  if (closed_ || !callers_.empty()) [[unlikely]] {
    // The next call is taken at once (or fails): no wait to hand off in.
    Scheduler::wake_here(*caller);
    return receive();
  }
  me.failed = false;
  receivers_.add(current_thread());
  return request_received(Scheduler::current().wake_and_block(*caller));
}

void Endpoint::abandon_reply(IpcState& state) {
  if (!state.reply_to) return;
  const Ref<Thread> caller = std::move(state.reply_to);
  fail_call(*caller);
}

Result<uint64_t> Endpoint::set_call_timeout(Thread& t, uint64_t ns) {
  if (ns > REBOUND_IPC_TIMEOUT_MAX) return fail(Error::invalid_argument);
  return std::exchange(t.ipc().timeout_ns, ns);
}

void Endpoint::give_up_call(Thread& caller) {
  Ref<Thread>* slot = caller.ipc().reply_slot;
  KASSERT(slot != nullptr && slot->get() == &caller && g_departed);
  bulk::answered(caller);  // unmapped from the server before the caller hears of it
  *slot = g_departed;
}

void Endpoint::init() {
  auto departed = Thread::create_departed("departed caller");
  if (!departed)
    recovery::panic("ipc: no stand-in for callers that gave up (%s)",
                    rebound::to_string(departed.error()));
  g_departed = std::move(*departed);
}

void Endpoint::close(Error reason) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = reason;
  while (Thread* t = callers_.dequeue()) fail_call(*t);
  while (Thread* t = receivers_.dequeue()) fail_call(*t);
}

void Endpoint::handles_changed(int delta, uint32_t rights) {
  if ((rights & REBOUND_RIGHT_RECEIVE) == 0) return;
  receive_handles_ += delta;
  if (receive_handles_ == 0 && delta < 0) close(Error::peer_closed);
}

}  // namespace core
