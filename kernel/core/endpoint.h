// An IPC endpoint: synchronous calls from clients to the server threads that
// receive on it. A call blocks its thread until a server thread has received
// it and replied; a server thread owes a reply to one caller at a time, and
// only that caller can get it. Nobody waits forever for a server that is
// gone: when no handle with REBOUND_RIGHT_RECEIVE is left, the endpoint
// closes and every call waiting on it, and every later one, ends with
// Error::peer_closed; a server thread that ends, or receives again, without
// replying fails its caller the same way. A thread whose process is killed
// stops waiting here (Error::interrupted, core/scheduler.h); a reply to a
// caller that has so left goes nowhere.
//
// A message that does not arrive (a failed call, a caller that died before
// its reply) is dropped with the handle it carried, which closes it.
//
// A thread may give its calls a timeout (set_call_timeout, IPC_TIMEOUT_SET):
// a call with no reply within it fails with Error::timed_out, whether it
// still waited in the queue or a server had taken it. Then the server's
// reply capability is handed to a stand-in that has left for good, so the
// reply goes nowhere, as one to a killed caller does -- never to this
// thread's next call -- and what the call lent (IPC_CALL_GRANT) is unmapped
// from the server before the caller runs again.
//
// Runs under the big kernel lock, as the scheduler does.
#pragma once
#include "core/ipc_state.h"
#include "core/kernel_object.h"
#include "core/wait_queue.h"
#include "lib/object_count.h"

namespace core {

class Endpoint final : public KernelObject {
 public:
  static Result<Ref<Endpoint>> create();
  ~Endpoint() override;

  // The calling thread sends `m` (and `handle`, if any) and waits for the
  // reply, which it returns; a handle that came with the reply is left in
  // its IpcState::handle.
  Result<Message> call(const Message& m, MovedHandle&& handle);
  // The calling (server) thread waits for a call and returns its message
  // (its handle, if any, in IpcState::handle); it then owes the caller a
  // reply (reply()). A reply still owed fails first.
  Result<Message> receive();
  // The calling thread replies `m` to the caller it owes; Error::not_found if
  // it owes none.
  static Result<void> reply(const Message& m, MovedHandle&& handle);
  // reply() to the caller this thread owes, if any, then receive(). When
  // the caller still waits and no other call does, the caller runs at once
  // while this thread waits (Scheduler::wake_and_block).
  Result<Message> reply_receive(const Message& m, MovedHandle&& handle);
  // The current thread is ending or giving up its call: a reply it owes
  // fails its caller with Error::peer_closed.
  static void abandon_reply(IpcState& state);

  // `t`'s later calls fail with Error::timed_out once `ns` passed without a
  // reply; 0: they wait for as long as it takes (the default). Returns the
  // previous timeout; Error::invalid_argument above REBOUND_IPC_TIMEOUT_MAX.
  static Result<uint64_t> set_call_timeout(Thread& t, uint64_t ns);
  // The timeout of blocked `caller` ran out while a server holds its reply
  // capability (IpcState::reply_slot): the capability now names a stand-in
  // that has left, and what the call lent is out of the server's reach.
  // (Scheduler::time_out, which then fails the call.)
  static void give_up_call(Thread& caller);
  // Makes that stand-in: once, at boot.
  static void init();

  // Closes the endpoint now, whatever handles are left: every call waiting
  // on it, and every later one, fails with `reason` (Error::peer_closed, or
  // Error::server_restarted from the TAS's supervisor) -- also a call whose
  // server thread was received and then ends without replying.
  void close(Error reason);
  bool closed() const { return closed_; }
  void handles_changed(int delta, uint32_t rights) override;

 private:
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  friend class IpcFastPath;  // its common case, step for step (core/ipc_fast_path.h)
  Endpoint() = default;
  // Gives the reply to the caller `me` owes and returns it, still blocked,
  // for the caller of this to wake; nullptr if none is owed or it has left.
  static Thread* give_reply(IpcState& me, const Message& m, MovedHandle handle);

  WaitQueue callers_;    // calls not yet received
  WaitQueue receivers_;  // server threads waiting for a call
  unsigned receive_handles_ = 0;
  bool closed_ = false;
  Error close_reason_ = Error::peer_closed;
  lib::Counted<REBOUND_OBJECT_ENDPOINT> counted_;
};

}  // namespace core
