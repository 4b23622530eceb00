// The echo service ("echo"): answers with what it was sent, for tests and
// benchmarks of user -> TAS IPC, of request recovery (WORK allocates on its
// heap, then passes the fault site "echo.work"), and of in-TAS calls
// (PEER_CALLS calls the name server directly and reports the kernel's
// counters across the calls), and of bulk data: the caller's message buffer
// (BUFFER) and memory lent with a call (GRANT_SUM, GRANT_FILL), read and
// written in place; SAY writes on the console through a reference to one
// generation of it (server_ref.h), renewed when the console was restarted. Its state -- a count of
// requests kept twice, and memory it was asked to keep -- is what the supervisor's tests corrupt
// and watch being released. Protocol: abi/rebound/services.h.
#pragma once
#include "runtime/checked_count.h"
#include "runtime/serve.h"
#include "runtime/supervisor.h"
#include "servers/console/console_server.h"
#include "servers/names/name_server.h"

namespace tas {

class EchoServer final : public Server {
 public:
  static constexpr uint64_t kMaxWork = 4096;
  static constexpr uint64_t kMaxKeepKiB = 8192;

  explicit EchoServer(const Services& services) : supervisor_(services.supervisor) {}
  rb_message handle(rb_message& request) override;
  bool state_ok() const override { return requests_.ok(); }

 private:
  static rb_message words(const rb_message& request);
  rb_message work(uint64_t n);
  rb_message stats();
  rb_message peer_calls(uint64_t n);
  rb_message keep(uint64_t kib);
  rb_message buffer(uint64_t n);
  rb_message grant_sum();
  rb_message grant_fill(uint64_t byte);
  rb_message say(const rb_message& request);

  template <class T>
  Result<bool> renew(ServerRef<T>& ref);

  Supervisor& supervisor_;
  ServerRef<NameServer> names_;       // PEER_CALLS' callee; none until then
  ServerRef<ConsoleServer> console_;  // none until the first SAY
  uint64_t console_refs_ = 0;         // references to the console made
  // Requests handled (the fault site "echo.work" armed with CORRUPT breaks
  // the count).
  CheckedCount requests_;
  char* kept_ = nullptr;  // on the server's heap; dropped with it
};

}  // namespace tas
