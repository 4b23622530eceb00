#include "runtime/serve.h"

#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "recovery/fault_injection.h"
#include "runtime/thread.h"

namespace tas {

rb_message handle_with_retries(Server& owner, rb_message& request, RetryPolicy policy) {
  HeapScope scope(&owner.heap());
  for (unsigned attempt = 1; attempt <= policy.tries; ++attempt) {
    auto r = recovery::catch_unwind([&] {
      recovery::fault_point("tas.request");
      return owner.handle(request);
    });
    if (r) [[likely]]
      return *r;
    ++owner.faults().tries_failed;
    KLOG_WARN("tas: %s: request %lu faulted (try %u of %u): %s", owner.name(),
              static_cast<unsigned long>(request.w[0]), attempt, policy.tries, r.error().message);
  }
  ++owner.faults().requests_failed;
  return status_reply(Error::server_fault);
}

Error serve(rebound_handle endpoint, Server& owner, RetryPolicy policy) {
  rb_message m{};
  // Nothing is owed yet: the first REPLY_RECEIVE only receives.
  for (;;) {
    const uint64_t error = rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, endpoint, &m);
    if (error != 0) {
      const auto e = static_cast<Error>(error);
      if (m.handle == 0) return e;  // the endpoint itself failed
      // The reply's handle was refused: the client still gets an answer.
      KLOG_WARN("tas: %s: reply handle refused (%s)", owner.name(), rebound::to_string(e));
      m = status_reply(Error::server_fault);
      continue;
    }
    rb_message reply = handle_with_retries(owner, m, policy);
    if (m.handle != 0) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, m.handle);
    m = reply;
  }
}

}  // namespace tas
