// A server's request loop on its endpoint. Every request runs inside
// catch_unwind on the server's heap: a fault unwinds (RAII frees what the
// request allocated) and the request is tried again, up to the policy's
// number of tries; a fault on every try is persistent, and the client gets
// a reply with Error::server_fault -- never silence. After every request
// the server checks its state (Server::state_ok); if it finds it corrupt,
// the loop ends without replying, and the supervisor (supervisor.h)
// replaces the server -- the client then gets Error::server_restarted.
#pragma once
#include "runtime/server.h"

namespace tas {

struct RetryPolicy {
  unsigned tries = 3;
};

// Serves `endpoint` on the calling thread; returns only if the endpoint
// fails (the error), or with Error::server_restarted when the server's
// state check failed (the last request's reply still owed).
Error serve(rebound_handle endpoint, Server& server, RetryPolicy policy = {});

// One request through the policy (the loop's body; also for tests).
rb_message handle_with_retries(Server& server, rb_message& request, RetryPolicy policy);

// A reply with just a status.
inline rb_message status_reply(Error e) {
  return rb_message{{static_cast<uint64_t>(e), 0, 0, 0, 0, 0}, 0};
}
inline rb_message ok_reply(uint64_t v1 = 0, uint64_t v2 = 0, uint64_t v3 = 0, uint64_t v4 = 0,
                           uint64_t v5 = 0) {
  return rb_message{{0, v1, v2, v3, v4, v5}, 0};
}

}  // namespace tas
