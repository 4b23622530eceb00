// The echo service ("echo"): answers with what it was sent, for tests and
// benchmarks of user -> TAS IPC, of request recovery (WORK allocates on its
// heap, then passes the fault site "echo.work"), and of in-TAS calls
// (PEER_CALLS calls the name server directly and reports the kernel's
// counters across the calls). Protocol: abi/rebound/services.h.
#pragma once
#include "runtime/serve.h"
#include "servers/names/name_server.h"

namespace tas {

class EchoServer final : public Server {
 public:
  static constexpr uint64_t kMaxWork = 4096;

  explicit EchoServer(NameServer& peer) : peer_(peer) {}
  rb_message handle(rb_message& request) override;

 private:
  rb_message work(uint64_t n);
  rb_message stats();
  rb_message peer_calls(uint64_t n);

  NameServer& peer_;
};

}  // namespace tas
