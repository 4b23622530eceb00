// The TAS's servers and how they are put together: the supervisor starts
// each (its heap, its object, an endpoint registered with the name service,
// a thread) and replaces it when it must; the first thread serves the name
// service itself, once every other server is up (so the kernel's first ping
// means "all up").
#include "lib/log.h"
#include "runtime/start.h"
#include "runtime/supervisor.h"
#include "servers/echo/echo_server.h"
#include "servers/faults/faults_server.h"
#include "servers/names/name_server.h"

namespace {

tas::NameServer g_names;
tas::Supervisor g_supervisor(g_names);

tas::Server* make_echo(tas::NameServer& names) { return new tas::EchoServer(names); }
tas::Server* make_faults(tas::NameServer&) { return new tas::FaultsServer; }

}  // namespace

int tas_main(rebound_handle names, bool test_build) {
  if (auto r = tas::Server::init(g_names, "names"); !r) return tas::kExitBroken;
  unsigned started = 0;
  auto start = [&](const char* name, tas::Supervisor::Factory make) {
    if (auto r = g_supervisor.start(name, make); !r)
      KLOG_ERROR("tas: %s not started: %s", name, rebound::to_string(r.error()));
    else
      ++started;
  };
  start("echo", make_echo);
  if (test_build) start("faults", make_faults);
  if (auto r = g_supervisor.watch(); !r) {
    KLOG_ERROR("tas: no supervisor: %s", rebound::to_string(r.error()));
    return tas::kExitBroken;
  }
  while (g_supervisor.serving() < started) rb_yield();
  KLOG_INFO("tas: %u servers up%s", started + 1,
            test_build ? " (test build: fault injection)" : "");
  const Error e = tas::serve(names, g_names);
  KLOG_ERROR("tas: the name service stopped: %s", rebound::to_string(e));
  return static_cast<int>(e);
}
