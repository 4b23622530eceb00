// The TAS's servers and how they are put together: each gets its heap and an
// endpoint, is registered with the name service, and serves on a thread of
// its own; the first thread serves the name service itself, once every
// other server is up (so the kernel's first ping means "all up").
#include <atomic>

#include "lib/log.h"
#include "runtime/start.h"
#include "runtime/thread.h"
#include "servers/echo/echo_server.h"
#include "servers/faults/faults_server.h"
#include "servers/names/name_server.h"

namespace {

tas::NameServer g_names;
tas::EchoServer g_echo(g_names);
tas::FaultsServer g_faults;
std::atomic<unsigned> g_serving{0};

struct Served {
  tas::Server& server;
  rebound_handle endpoint;
};

void serve_thread(void* arg) {
  auto& s = *static_cast<Served*>(arg);
  g_serving.fetch_add(1);
  const Error e = tas::serve(s.endpoint, s.server);
  KLOG_ERROR("tas: %s stopped serving: %s", s.server.name(), rebound::to_string(e));
}

// Gives `server` its heap and an endpoint, registers it as `name` and
// starts its thread.
Result<void> start_server(const char* name, tas::Server& server) {
  TRY_VOID(tas::Server::init(server, name));
  TRY(endpoint, tas::value(RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE)));
  const auto ep = static_cast<rebound_handle>(endpoint);
  TRY_VOID(g_names.add(name, ep));
  auto* served = new Served{server, ep};
  TRY_VOID(tas::start_thread(name, &server.heap(), serve_thread, served));
  return {};
}

}  // namespace

int tas_main(rebound_handle names, bool test_build) {
  if (auto r = tas::Server::init(g_names, "names"); !r) return tas::kExitBroken;
  unsigned servers = 0;
  auto start = [&](const char* name, tas::Server& s) {
    if (auto r = start_server(name, s); !r) {
      KLOG_ERROR("tas: %s not started: %s", name, rebound::to_string(r.error()));
      return;
    }
    ++servers;
  };
  start("echo", g_echo);
  if (test_build) start("faults", g_faults);
  while (g_serving.load() < servers) rb_yield();
  KLOG_INFO("tas: %u servers up%s", servers + 1,
            test_build ? " (test build: fault injection)" : "");
  const Error e = tas::serve(names, g_names);
  KLOG_ERROR("tas: the name service stopped: %s", rebound::to_string(e));
  return static_cast<int>(e);
}
