// The IPC fast path (core/ipc_fast_path.h): plain calls and replies take it
// and hand the CPU straight to the partner; calls that move a handle, a
// reply with another call queued, a partner pinned to another CPU, a
// caller killed while it waits there and a server killed while a caller
// waits there all take the slow way or end as the slow path would. The
// user side is user/programs/ipc_paths.c (every reply checked); here the
// kernel's counters say which path each took.
#include "core/activity.h"
#include "core/cpu_local.h"
#include "core/endpoint.h"
#include "core/process.h"
#include "core/scheduler.h"
#include "core/smp.h"
#include "ktest/ktest.h"
#include "ktest/objects.h"
#include "ktest/snapshot.h"
#include "ktest/user_programs.h"
#include "ktest/wait.h"

namespace {

using ktest::leaves_no_trace;
using ktest::new_endpoint;
using ktest::within_5s;

using core::Endpoint;
using core::ExitStatus;
using core::Message;
using core::Process;
using core::Ref;
using core::Scheduler;
using core::Thread;

const ExitStatus kKill = ExitStatus::killed_on_request();  // as PROCESS_KILL does

uint64_t fast_paths() { return core::activity::ipc_fast_paths; }

uint64_t hand_offs() {
  uint64_t n = 0;
  for (uint32_t m = Scheduler::online_mask(); m != 0; m &= m - 1)
    n += Scheduler::of(static_cast<unsigned>(__builtin_ctz(m))).hand_offs();
  return n;
}

// All of p's threads (one) are blocked in the kernel.
bool blocked(const Process& p) {
  bool all = true;
  p.for_each_thread([&](Thread& t) { all = all && t.state() == Thread::State::blocked; });
  return all && !p.ended();
}

bool killed_promptly(Process& p) {
  p.kill(kKill);
  const bool ended = within_5s([&] { return p.ended(); });
  KEXPECT(ended);
  return ended && p.wait()->killed;
}

Ref<Process> spawn(const char* name, const char* how, Ref<Endpoint> ep, uint32_t rights) {
  return ktest::spawn_program(name, how, {ep, rights});
}

ExitStatus run(const char* how) { return ktest::run_program("ipc_paths", how); }

}  // namespace

KTEST(ipc_fast_path_takes_plain_calls_and_replies_and_hands_off) {
  leaves_no_trace([] {
    const uint64_t fast = fast_paths(), switches = hand_offs();
    const ExitStatus s = run("plain=1000");
    KEXPECT(!s.killed && s.code == 0);
    // Every call and every reply after the server's first receive; the
    // server's last reply is IPC_REPLY (slow).
    const uint64_t taken = fast_paths() - fast;
    KEXPECT(taken >= 2 * 1000 - 2 && taken <= 2 * 1000 + 2);
    KEXPECT(hand_offs() - switches >= 1000);
  });
}

KTEST(ipc_calls_moving_handles_take_the_slow_path_which_hands_off_too) {
  leaves_no_trace([] {
    const uint64_t fast = fast_paths(), switches = hand_offs();
    const ExitStatus s = run("handle=200");
    KEXPECT(!s.killed && s.code == 0);
    KEXPECT(fast_paths() - fast <= 2);  // the exit command's call, at most
    KEXPECT(hand_offs() - switches >= 200);
  });
}

KTEST(ipc_a_reply_with_another_call_queued_takes_the_slow_path) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    Ref<Process> server =
        spawn("echo_server", nullptr, ep, REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE);
    if (!server) return;
    KEXPECT(within_5s([&] { return blocked(*server); }));
    const uint64_t fast = fast_paths();
    Ref<Process> client = spawn("ipc_paths", "queued", ep, REBOUND_RIGHT_CALL);
    if (!client) return;
    const ExitStatus s = *client->wait();
    KEXPECT(!s.killed && s.code == 0);
    // Fast: the held call, and the reply to the queued one (nothing queued
    // any more). Slow: the queued call (the server was busy) and the reply
    // to the held call (a call was queued).
    KEXPECT_EQ(fast_paths() - fast, 2u);
    KEXPECT(killed_promptly(*server));
  });
}

KTEST(ipc_fast_path_call_to_a_server_pinned_to_another_cpu_wakes_it_there) {
  if (core::cpus_online() < 2) return;  // (one CPU: nothing is pinned elsewhere)
  // A kernel thread pinned to this CPU serves one echo call; the client
  // starts on the least loaded CPU, the other one.
  struct Server {
    Ref<Endpoint> ep;
    bool served = false;
    static void run(void* self) {
      auto* s = static_cast<Server*>(self);
      auto request = s->ep->receive();
      if (!request) return;
      Message reply = *request;
      for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i) reply.words[i] += i + 1;
      s->served = Endpoint::reply(reply, core::MovedHandle()).has_value();
    }
  } server{new_endpoint()};
  auto t = Thread::create("pinned server", Server::run, &server);
  KEXPECT(t.has_value());
  if (!t) return;
  const unsigned here = core::this_cpu().id;
  Scheduler::start_pinned(**t, here);
  KEXPECT(within_5s([&] { return (*t)->state() == Thread::State::blocked; }));
  const uint64_t fast = fast_paths(), switches = hand_offs();
  const uint64_t remote = Scheduler::of(here).remote_wakeups();
  Ref<Process> client = spawn("ipc_paths", "call", server.ep, REBOUND_RIGHT_CALL);
  if (!client) return;
  const ExitStatus s = *client->wait();
  (void)(*t)->join();
  KEXPECT(!s.killed && s.code == 0);
  KEXPECT(server.served);
  KEXPECT_EQ(fast_paths() - fast, 1u);  // the call's fast path...
  KEXPECT_EQ(hand_offs(), switches);    // ...made the server ready over there
  KEXPECT(Scheduler::of(here).remote_wakeups() > remote);
}

KTEST(ipc_caller_killed_waiting_in_the_fast_path_ends_and_the_reply_goes_nowhere) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    Ref<Process> server =
        spawn("echo_server", nullptr, ep, REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE);
    if (!server) return;
    KEXPECT(within_5s([&] { return blocked(*server); }));
    const uint64_t fast = fast_paths();
    // Held for 50 ms: the server sleeps on it while the caller waits.
    Ref<Process> caller = spawn("ipc_paths", "hold", ep, REBOUND_RIGHT_CALL);
    if (!caller) return;
    KEXPECT(within_5s([&] { return blocked(*caller) && blocked(*server); }));
    KEXPECT_EQ(fast_paths() - fast, 1u);
    KEXPECT(killed_promptly(*caller));
    // The server's reply finds the caller gone (the slow path drops it) and
    // it serves on.
    const ExitStatus s =
        *ktest::spawn_program("ipc_paths", "call", {ep, REBOUND_RIGHT_CALL})->wait();
    KEXPECT(!s.killed && s.code == 0);
    KEXPECT(killed_promptly(*server));
  });
}

KTEST(ipc_server_killed_while_a_caller_waits_in_the_fast_path_fails_the_call) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    // blocker serve: receives one call, then sleeps owing the reply.
    Ref<Process> server = spawn("blocker", "serve", ep, REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE);
    if (!server) return;
    KEXPECT(within_5s([&] { return blocked(*server); }));
    const uint64_t fast = fast_paths();
    Ref<Process> caller = spawn("blocker", "call", ep, REBOUND_RIGHT_CALL);
    if (!caller) return;
    KEXPECT(within_5s([&] { return blocked(*caller) && blocked(*server); }));
    KEXPECT_EQ(fast_paths() - fast, 1u);
    KEXPECT(killed_promptly(*server));
    // The call returns peer_closed: blocker exits with 100 + the error.
    const ExitStatus s = *caller->wait();
    KEXPECT(!s.killed && s.code == 100 + static_cast<int>(Error::peer_closed));
  });
}
