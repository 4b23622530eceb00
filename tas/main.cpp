// The TAS's servers and how they are put together: the supervisor starts
// the console, time, block, fs, echo and (test builds) faults -- each its
// heap, its object, what it takes besides (the console: the UART and its
// interrupt; time: a reading of the RTC; block: the disk; fs: the volume
// on it, through the block server, which therefore starts first), an
// endpoint registered with the name service, a thread -- and replaces them
// when they must -- the name service too, on the endpoint the kernel gave
// (every process holds it). The first thread receives the kernel's ping on
// that endpoint first: it brings the device capability, which drivers need
// to start; it answers it once every server serves (so the ping means "all
// up"), has the process server start /bin/init if the kernel asks, and then
// runs the supervisor's watch.
#include "lib/log.h"
#include "runtime/call.h"
#include "runtime/start.h"
#include "runtime/supervisor.h"
#include "servers/block/block_server.h"
#include "servers/console/console_server.h"
#include "servers/echo/echo_server.h"
#include "servers/faults/faults_server.h"
#include "servers/fs/fs_server.h"
#include "servers/names/name_server.h"
#include "servers/process/process_server.h"
#include "servers/time/time_server.h"

namespace {

tas::Supervisor g_supervisor;

tas::Server* make_names(const tas::Services&) { return new tas::NameServer; }
tas::Server* make_echo(const tas::Services& s) { return new tas::EchoServer(s); }
tas::Server* make_console(const tas::Services& s) { return new tas::ConsoleServer(s.devices); }
tas::Server* make_time(const tas::Services& s) { return new tas::TimeServer(s.devices); }
tas::Server* make_block(const tas::Services& s) { return new tas::BlockServer(s); }
tas::Server* make_fs(const tas::Services& s) { return new tas::FsServer(s); }
tas::Server* make_process(const tas::Services& s) { return new tas::ProcessServer(s); }
tas::Server* make_faults(const tas::Services&) { return new tas::FaultsServer; }

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

// /bin/init, through the process server (an in-TAS call).
void start_init(const tas::TasOptions& options) {
  auto process = g_supervisor.ref<tas::ProcessServer>();
  if (!process) {
    KLOG_ERROR("tas: no process server to start /bin/init");
    return;
  }
  const tas::process::Strings args{options.init_args, options.init_args_length};
  auto started = tas::call(*process, [&](tas::ProcessServer& p) { return p.start_init(args); });
  if (started && !*started) started = fail(started->error());
  if (!started) KLOG_ERROR("tas: /bin/init not started: %s", rebound::to_string(started.error()));
}

}  // namespace

int tas_main(rebound_handle names, const tas::TasOptions& options) {
  const bool test_build = options.test_build;
  g_supervisor.give_devices(receive_ping(names));
  g_supervisor.set_test_build(test_build);
  if (auto r = g_supervisor.start_names(names, make_names); !r) {
    KLOG_ERROR("tas: no name service: %s", rebound::to_string(r.error()));
    return tas::kExitBroken;
  }
  unsigned servers = 1;
  auto start = [&](const char* name, tas::Supervisor::Factory make) {
    if (auto r = g_supervisor.start(name, make); !r) {
      KLOG_ERROR("tas: %s not started: %s", name, rebound::to_string(r.error()));
      return;
    }
    ++servers;
  };
  start("console", make_console);
  start("time", make_time);
  start("block", make_block);
  start("fs", make_fs);  // on the block server's disk: after it
  start("process", make_process);
  start("echo", make_echo);
  if (test_build) start("faults", make_faults);
  while (g_supervisor.serving() < servers) rb_yield();
  KLOG_INFO("tas: %u servers up%s", servers, test_build ? " (test build: fault injection)" : "");
  // The ping's answer (status 0) tells the kernel that all are up.
  rb_message up{};
  if (const uint64_t e = rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &up); e != 0)
    KLOG_ERROR("tas: the ping's answer failed: %s", rebound::to_string(static_cast<Error>(e)));
  if (options.init) start_init(options);
  g_supervisor.watch();
}
