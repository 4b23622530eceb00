#include "runtime/serve.h"

#include <new>

#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "recovery/fault_injection.h"
#include "runtime/bulk.h"
#include "runtime/thread.h"

namespace tas {

rb_message handle_with_retries(Server& owner, rb_message& request, RetryPolicy policy) {
  ThreadBlock& thread = this_thread();
  HeapScope scope(thread, &owner.heap());
  rb_message reply;  // written in place: the reply is not copied through catch_unwind's result
  for (unsigned attempt = 1; attempt <= policy.tries; ++attempt) {
    auto r = recovery::catch_unwind(thread.recovery, [&] {
      recovery::fault_point("tas.request");
      reply = owner.handle(request);
    });
    if (r) [[likely]]
      return reply;
    ++owner.faults().tries_failed;
    KLOG_WARN("tas: %s: request %lu faulted (try %u of %u): %s", owner.name(),
              static_cast<unsigned long>(request.w[0]), attempt, policy.tries, r.error().message);
  }
  ++owner.faults().requests_failed;
  reply = status_reply(Error::server_fault);
  return reply;
}

Error serve(rebound_handle endpoint, Server& owner, RetryPolicy policy) {
  // Requests may come with a payload page or a grant (bulk.h); without a
  // buffer this thread could not find them, but it serves the rest.
  if (auto b = enable_bulk(); !b)
    KLOG_WARN("tas: %s: no message buffer (%s)", owner.name(), rebound::to_string(b.error()));
  // Two messages take turns: the reply goes out from one and the next
  // request comes into it, while the other takes the next reply.
  rb_message messages[2]{};
  rb_message* m = &messages[0];
  // Nothing is owed yet: the first REPLY_RECEIVE only receives.
  for (;;) {
    const uint64_t error = rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, endpoint, m);
    if (error != 0) {
      const auto e = static_cast<Error>(error);
      if (m->handle == 0) return e;  // the endpoint itself failed
      // The reply's handle was refused: the client still gets an answer.
      KLOG_WARN("tas: %s: reply handle refused (%s)", owner.name(), rebound::to_string(e));
      *m = status_reply(Error::server_fault);
      continue;
    }
    // Only this thread writes it: plain stores, no atomic read-modify-write.
    std::atomic<uint64_t>& beats = owner.heartbeat().beats;
    const uint64_t beat = beats.load(std::memory_order_relaxed);
    beats.store(beat + 1, std::memory_order_relaxed);
    rb_message* reply = m == &messages[0] ? &messages[1] : &messages[0];
    // Made in place (a prvalue initializing the object: no copy, as an
    // assignment would make); rb_message is plain data.
    ::new (static_cast<void*>(reply)) rb_message(handle_with_retries(owner, *m, policy));
    beats.store(beat + 2, std::memory_order_relaxed);
    if (m->handle != 0) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, m->handle);
    if (!owner.state_ok()) [[unlikely]] {
      // Nothing it says can be trusted now, this reply included: the loop
      // ends owing it, and the supervisor's restart fails the call with
      // Error::server_restarted once the new generation is there.
      KLOG_WARN("tas: %s: state check failed: the supervisor replaces it", owner.name());
      // A handle the reply would have moved stays the TAS's: close it.
      if (reply->handle != 0) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, reply->handle);
      owner.heartbeat().suspect.store(true, std::memory_order_release);
      return Error::server_restarted;
    }
    m = reply;
  }
}

}  // namespace tas
