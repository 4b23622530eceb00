// The TAS's servers and how they are put together: the supervisor starts
// echo and faults (each its heap, its object, an endpoint registered with the
// name service, a thread) and replaces them when they must; the console is
// started here, once (its driver holds the UART and its interrupt, which a
// restart would have to hand over: not yet). The first thread serves the
// name service itself, once every other server is up (so the kernel's first
// ping means "all up"). That ping brings the device capability, which the
// console needs before it serves: it is received first, and answered when
// the name service starts serving.
#include <atomic>

#include "lib/log.h"
#include "runtime/start.h"
#include "runtime/supervisor.h"
#include "runtime/thread.h"
#include "servers/console/console_server.h"
#include "servers/echo/echo_server.h"
#include "servers/faults/faults_server.h"
#include "servers/names/name_server.h"

namespace {

tas::NameServer g_names;
tas::Supervisor g_supervisor(g_names);
tas::ConsoleServer g_console;
std::atomic<unsigned> g_console_serving{0};

tas::Server* make_echo(tas::NameServer& names) { return new tas::EchoServer(names); }
tas::Server* make_faults(tas::NameServer&) { return new tas::FaultsServer; }

// The kernel's ping, the first call on the name service: the device
// capability comes with it (0 if it does not). The reply stays owed.
rebound_handle receive_ping(rebound_handle names) {
  rb_message m{};
  if (const uint64_t e = rb_ipc(REBOUND_SYS_IPC_RECEIVE, names, &m); e != 0) {
    KLOG_ERROR("tas: no ping from the kernel: %s", rebound::to_string(static_cast<Error>(e)));
    return 0;
  }
  if (m.w[0] != REBOUND_NAMES_PING) KLOG_ERROR("tas: the kernel's first call is not the ping");
  return m.handle;
}

struct Served {
  tas::Server& server;
  rebound_handle endpoint;
};

void serve_console(void* arg) {
  auto& s = *static_cast<Served*>(arg);
  g_console_serving.fetch_add(1);
  const Error e = tas::serve(s.endpoint, s.server);
  KLOG_ERROR("tas: %s stopped serving: %s", s.server.name(), rebound::to_string(e));
}

Result<void> start_console(rebound_handle devices) {
  TRY_VOID(tas::Server::init(g_console, "console"));
  TRY_VOID(g_console.take_devices(devices));
  TRY(endpoint, tas::value(RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE)));
  const auto ep = static_cast<rebound_handle>(endpoint);
  TRY_VOID(g_names.add("console", ep));
  auto* served = new Served{g_console, ep};
  TRY_VOID(tas::start_thread("console", &g_console.heap(), serve_console, served));
  return {};
}

}  // namespace

int tas_main(rebound_handle names, bool test_build) {
  if (auto r = tas::Server::init(g_names, "names"); !r) return tas::kExitBroken;
  const rebound_handle devices = receive_ping(names);
  unsigned supervised = 0, servers = 0;
  auto start = [&](const char* name, tas::Supervisor::Factory make) {
    if (auto r = g_supervisor.start(name, make); !r) {
      KLOG_ERROR("tas: %s not started: %s", name, rebound::to_string(r.error()));
      return;
    }
    ++supervised;
    ++servers;
  };
  start("echo", make_echo);
  if (test_build) start("faults", make_faults);
  if (auto r = start_console(devices); !r)
    KLOG_ERROR("tas: console not started: %s", rebound::to_string(r.error()));
  else
    ++servers;
  if (auto r = g_supervisor.watch(); !r) {
    KLOG_ERROR("tas: no supervisor: %s", rebound::to_string(r.error()));
    return tas::kExitBroken;
  }
  while (g_supervisor.serving() < supervised || g_console_serving.load() < servers - supervised)
    rb_yield();
  KLOG_INFO("tas: %u servers up%s", servers + 1,
            test_build ? " (test build: fault injection)" : "");
  // Its first REPLY_RECEIVE answers the ping (status 0).
  const Error e = tas::serve(names, g_names);
  KLOG_ERROR("tas: the name service stopped: %s", rebound::to_string(e));
  return static_cast<int>(e);
}
