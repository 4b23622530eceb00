// Killing a process whose threads are blocked in the kernel -- in IPC
// (receive, a call queued or waiting for its reply), asleep, waiting for a
// process or joining a thread: each stops waiting and ends at once, the
// process ends with the kill's status, and nothing it held is left, also
// when a server later replies to a caller that has left. Each case fails
// (instead of hanging the suite) if the process does not end within 5 s.
#include <initializer_list>

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
using recovery::FaultKind;

const ExitStatus kKill = ExitStatus::killed_on_request();  // as PROCESS_KILL does

// `p` has `threads` threads and all of them are blocked in the kernel.
bool blocked(const Process& p, unsigned threads = 1) {
  unsigned n = 0, waiting = 0;
  p.for_each_thread([&](Thread& t) {
    ++n;
    if (t.state() == Thread::State::blocked) ++waiting;
  });
  return n == threads && waiting == threads;
}

bool ends_promptly(const Process& p) {
  const bool ended = within_5s([&] { return p.ended(); });
  KEXPECT(ended);
  return ended;
}

// Kills `p` once its threads are blocked; true if it then ended, killed.
bool kill_blocked(Process& p, unsigned threads = 1) {
  KEXPECT(within_5s([&] { return blocked(p, threads); }));
  p.kill(kKill);
  if (!ends_promptly(p)) return false;
  const ExitStatus s = *p.wait();
  return s.killed && s.fault == FaultKind::killed;
}

// blocker (user/programs/blocker.c) blocking the way `how` says, with
// `gift` as its startup handle.
Ref<Process> blocker(const char* how, const core::HandleTable::Gift& gift = {}) {
  return ktest::spawn_program("blocker", how, gift);
}

// A kernel thread's call on an endpoint.
struct KernelCall {
  Ref<Endpoint> endpoint;
  Message message;
  Result<Message> reply = fail(Error::not_found);

  static void run(void* self) {
    auto* c = static_cast<KernelCall*>(self);
    c->reply = c->endpoint->call(c->message, core::MovedHandle());
  }
  Ref<Thread> start() {
    auto t = Thread::create("kernel caller", run, this);
    KEXPECT(t.has_value());
    if (!t) return {};
    Scheduler::start_pinned(**t, core::this_cpu().id);
    return *t;
  }
};

}  // namespace

KTEST(kill_ends_a_server_blocked_in_receive) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    Ref<Process> p = blocker("receive", {ep, REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE});
    if (!p) return;
    KEXPECT(kill_blocked(*p));
    KEXPECT(ep->closed());  // its only receive handle went with it
  });
}

KTEST(kill_ends_a_caller_queued_on_an_endpoint_and_takes_it_off_the_queue) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    Ref<Process> p = blocker("call", {ep, REBOUND_RIGHT_CALL});
    if (!p) return;
    const bool killed = kill_blocked(*p);
    KEXPECT(killed);
    if (!killed) return;  // (its call would be the one received below)
    // The queue holds the next caller alone: it is the one received.
    KernelCall call{ep, {{0xca11, 1, 2, 3, 4, 5}}};
    Ref<Thread> t = call.start();
    KEXPECT(within_5s([&] { return t->state() == Thread::State::blocked; }));
    auto request = ep->receive();
    KEXPECT(request.has_value() && request->words[0] == 0xca11);
    KEXPECT(Endpoint::reply({{0x5e4d}}, core::MovedHandle()).has_value());
    (void)t->join();
    KEXPECT(call.reply.has_value() && call.reply->words[0] == 0x5e4d);
  });
}

KTEST(kill_ends_a_caller_waiting_for_its_reply_and_the_late_reply_goes_nowhere) {
  // This thread serves: it receives the call, so that the caller waits for
  // a reply, and still owes that reply when the caller has gone.
  for (const bool abandon : {false, true}) {
    leaves_no_trace([abandon] {
      Ref<Endpoint> ep = new_endpoint();
      Ref<Process> p = blocker("call", {ep, REBOUND_RIGHT_CALL});
      if (!p) return;
      KEXPECT(ep->receive().has_value());
      KEXPECT(kill_blocked(*p));
      core::IpcState& me = core::current_thread().ipc();
      KEXPECT(me.reply_to && me.reply_to->state() == Thread::State::dead);
      if (abandon)
        Endpoint::abandon_reply(me);
      else
        KEXPECT(Endpoint::reply({{1}}, core::MovedHandle()).has_value());
      KEXPECT(!me.reply_to);
    });
  }
}

KTEST(kill_of_a_server_that_owes_a_reply_fails_the_call_with_peer_closed) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    Ref<Process> p = blocker("serve", {ep, REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE});
    if (!p) return;
    KernelCall call{ep, {{7}}};
    Ref<Thread> t = call.start();
    // Both blocked: the server has received the call and sleeps.
    KEXPECT(within_5s([&] { return t->state() == Thread::State::blocked && blocked(*p); }));
    KEXPECT(kill_blocked(*p));
    // (Without the failure the caller would wait for good: no join.)
    KEXPECT(within_5s([&] { return t->state() == Thread::State::dead; }));
    KEXPECT(!call.reply.has_value() && call.reply.error() == Error::peer_closed);
  });
}

KTEST(kill_ends_a_sleeping_process) {
  leaves_no_trace([] {
    Ref<Process> p = blocker("sleep");
    if (p) KEXPECT(kill_blocked(*p));
  });
}

KTEST(kill_ends_a_process_waiting_for_another_which_goes_on) {
  leaves_no_trace([] {
    Ref<Process> child = blocker("sleep");
    if (!child) return;
    Ref<Process> parent = blocker("wait", {child, REBOUND_RIGHT_WAIT});
    if (!parent) return;
    KEXPECT(within_5s([&] { return blocked(*child); }));
    KEXPECT(kill_blocked(*parent));
    KEXPECT(!child->ended());  // the kill was the parent's alone
    KEXPECT(kill_blocked(*child));
  });
}

KTEST(kill_ends_a_process_whose_threads_join_and_sleep) {
  leaves_no_trace([] {
    Ref<Process> p = blocker("join");
    if (p) KEXPECT(kill_blocked(*p, 2));
  });
}

KTEST(process_exit_and_faults_end_threads_blocked_in_the_kernel) {
  // One thread ends the process while the other sleeps.
  leaves_no_trace([] {
    Ref<Process> exits = blocker("exit");
    if (!exits || !ends_promptly(*exits)) return;
    const ExitStatus s = *exits->wait();
    KEXPECT(!s.killed && s.code == 5);
    Ref<Process> faults = blocker("fault");
    if (!faults || !ends_promptly(*faults)) return;
    const ExitStatus f = *faults->wait();
    KEXPECT(f.killed && f.fault == FaultKind::page_fault && f.address == 0);
  });
}

KTEST(kill_wakes_a_thread_blocked_on_another_cpu) {
  if (core::cpus_online() < 2) return;  // (one CPU: the cases above cover it)
  // A new process starts on the least loaded CPU: an idle one, not this one
  // -- unless a TAS thread (the supervisor's poll) ran there just then: one
  // that lands here is killed and another is made, a few times at most.
  Ref<Process> p;
  unsigned cpu = core::this_cpu().id;
  for (int tries = 0; tries < 10 && cpu == core::this_cpu().id; ++tries) {
    if (p) (void)kill_blocked(*p);
    p = blocker("sleep");
    if (!p) return;
    KEXPECT(within_5s([&] { return blocked(*p); }));
    p->for_each_thread([&](Thread& t) { cpu = t.cpu(); });
  }
  KEXPECT(cpu != core::this_cpu().id);
  const uint64_t remote = Scheduler::of(cpu).remote_wakeups();
  KEXPECT(kill_blocked(*p));
  KEXPECT(Scheduler::of(cpu).remote_wakeups() > remote);  // made ready there, with an IPI
}

KTEST(user_kills_of_blocked_processes_leave_no_trace) {
  leaves_no_trace([] {
    const ExitStatus s = ktest::run_program("kill_blocked");
    KEXPECT(!s.killed && s.code == 0);
  });
}

// THREAD_KILL and ENDPOINT_CLOSE (user program thread_kill): killed threads,
// a hung server's caller and the closed endpoint leave nothing behind.
KTEST(user_thread_kills_and_endpoint_closes_leave_no_trace) {
  leaves_no_trace([] {
    const ExitStatus s = ktest::run_program("thread_kill");
    KEXPECT(!s.killed && s.code == 0);
  });
}
