#include "runtime/serve.h"

#include <new>

#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "recovery/fault_injection.h"
#include "runtime/bulk.h"
#include "runtime/thread.h"

namespace tas {

namespace {

// One try of `request`: the handler's reply made in *reply (in place: a
// prvalue initializing the object, not copied through catch_unwind's
// result or assigned from a temporary).
[[gnu::always_inline]] inline recovery::FaultOr<void> try_request(ThreadBlock& thread,
                                                                  Server& owner,
                                                                  rb_message& request,
                                                                  rb_message* reply) {
  return recovery::catch_unwind(thread.recovery, [&] {
    recovery::fault_point("tas.request");
    ::new (static_cast<void*>(reply)) rb_message(owner.handle(request));
  });
}

void count_fault(Server& owner, const rb_message& request, unsigned attempt, RetryPolicy policy,
                 const recovery::Fault& fault) {
  ++owner.faults().tries_failed;
  KLOG_WARN("tas: %s: request %lu faulted (try %u of %u): %s", owner.name(),
            static_cast<unsigned long>(request.w[0]), attempt, policy.tries, fault.message);
}

// After try `attempt` faulted (0: none was made): the tries the policy
// still allows, then, if every one faults, the server_fault reply. Out of
// line: the request loop's own code is the first try.
[[gnu::noinline, gnu::cold]] void retry_request(ThreadBlock& thread, Server& owner,
                                                rb_message& request, rb_message* reply,
                                                RetryPolicy policy, unsigned attempt) {
  while (++attempt <= policy.tries) {
    auto r = try_request(thread, owner, request, reply);
    if (r) return;
    count_fault(owner, request, attempt, policy, r.error());
  }
  ++owner.faults().requests_failed;
  *reply = status_reply(Error::server_fault);
}

// One request through the policy on the running thread (`thread`, its
// block), the reply made in *reply. Inline: the request loop's body, with
// the block found once.
[[gnu::always_inline]] inline void handle_on(ThreadBlock& thread, Server& owner,
                                             rb_message& request, rb_message* reply,
                                             RetryPolicy policy) {
  HeapScope scope(thread, &owner.heap());
  if (policy.tries == 0) [[unlikely]] {
    retry_request(thread, owner, request, reply, policy, 0);
    return;
  }
  auto r = try_request(thread, owner, request, reply);
  if (!r) [[unlikely]] {
    count_fault(owner, request, 1, policy, r.error());
    retry_request(thread, owner, request, reply, policy, 1);
  }
}

}  // namespace

rb_message handle_with_retries(Server& owner, rb_message& request, RetryPolicy policy) {
  rb_message reply;
  handle_on(this_thread(), owner, request, &reply, policy);
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
  ThreadBlock& thread = this_thread();
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
    owner.heartbeat().beat();  // odd: inside a request
    rb_message* reply = m == &messages[0] ? &messages[1] : &messages[0];
    handle_on(thread, owner, *m, reply, policy);
    owner.heartbeat().beat();
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
