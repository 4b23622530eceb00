// Timeouts on IPC calls (Endpoint::set_call_timeout, IPC_TIMEOUT_SET): a
// call that nobody receives, or whose server never replies, fails with
// timed_out about on time; a reply that comes too late goes nowhere -- not
// to the caller's next call -- and succeeds for the server; a reply in time
// still answers; 0 waits for as long as it takes; what a call lent leaves
// the server's window when it times out; nothing is left behind.
#include "arch/arch.h"
#include "core/endpoint.h"
#include "core/grant.h"
#include "core/ipc_bulk.h"
#include "core/process.h"
#include "core/reply.h"
#include "core/scheduler.h"
#include "core/timer.h"
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
using core::Message;
using core::MovedHandle;
using core::Ref;
using core::Reply;
using core::Scheduler;
using core::Thread;

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kTimeout = 50 * kMs;
// How late a timeout may fire under QEMU (a tick is 10 ms; the host is shared).
constexpr uint64_t kSlack = 500 * kMs;

bool timed_out(const Result<Message>& r) { return !r && r.error() == Error::timed_out; }

// Sleeps `ns` (the tick wakes the test thread, and fires timeouts).
void sleep_for(uint64_t ns) { (void)Scheduler::current().sleep_until(arch::monotonic_ns() + ns); }

// A kernel thread that makes up to two calls on `endpoint`, each with its
// own timeout (0: none), then ends. With a grant, the first call lends it.
struct TimedCaller {
  struct Call {
    Call(uint64_t word, uint64_t timeout) : message{{word}}, timeout_ns(timeout) {}
    Message message;
    uint64_t timeout_ns;
    Result<Message> reply = fail(Error::not_found);
    uint64_t took_ns = 0;
    bool done = false;
  };

  TimedCaller(Ref<Endpoint> e, Call a, Call b = {0, 0}, unsigned n = 1)
      : endpoint(std::move(e)), calls{a, b}, count(n) {}

  Ref<Endpoint> endpoint;
  Call calls[2];
  unsigned count;
  uint64_t previous_timeout = ~uint64_t{0};  // what set_call_timeout returned first
  Ref<core::AddressSpace> lender;            // the first call lends from it, if set
  core::GrantDescriptor lent{};
  Ref<Thread> thread;

  static void run(void* self) {
    auto* c = static_cast<TimedCaller*>(self);
    Thread& me = core::current_thread();
    for (unsigned i = 0; i < c->count; ++i) {
      Call& call = c->calls[i];
      auto previous = Endpoint::set_call_timeout(me, call.timeout_ns);
      KEXPECT(previous.has_value());
      if (i == 0 && previous) c->previous_timeout = *previous;
      if (i == 0 && c->lender) {
        // As IPC_CALL_GRANT does (syscalls/sys_ipc_bulk.cpp).
        auto bulk = me.make_bulk();
        auto grant = core::Grant::offer(c->lender, c->lent);
        KEXPECT(bulk.has_value() && grant.has_value());
        if (!bulk || !grant) return;
        (*bulk)->grant = std::move(*grant);
      }
      const uint64_t start = arch::monotonic_ns();
      call.reply = c->endpoint->call(call.message, MovedHandle());
      call.took_ns = arch::monotonic_ns() - start;
      // As IPC_CALL_GRANT: an offer no server took ends here; one a server
      // holds is the kernel's to end.
      if (me.bulk() != nullptr && !me.bulk()->grant.lent()) me.bulk()->grant.end();
      call.done = true;
    }
  }
  bool start() {
    KEXPECT(arch::timer_start(core::kTickPeriodNs).has_value());  // timeouts fire on the tick
    auto t = Thread::create("timed caller", run, this);
    KEXPECT(t.has_value());
    if (!t) return false;
    thread = *t;
    Scheduler::start_pinned(*thread, core::this_cpu().id);
    return blocked();
  }
  // Until it blocks in a call (false after 5 s).
  bool blocked() const {
    return within_5s([&] { return thread->state() == Thread::State::blocked; });
  }
  bool ended() const {
    return within_5s([&] { return thread->state() == Thread::State::dead; });
  }
  bool on_time(unsigned i) const {
    return calls[i].took_ns >= calls[i].timeout_ns &&
           calls[i].took_ns < calls[i].timeout_ns + kSlack;
  }
};

}  // namespace

KTEST(ipc_timeout_set_returns_the_previous_and_refuses_huge_values) {
  Thread& me = core::current_thread();
  KEXPECT_EQ(me.ipc().timeout_ns, 0u);  // the default: no timeout
  auto r = Endpoint::set_call_timeout(me, 5 * kMs);
  KEXPECT(r.has_value() && *r == 0);
  r = Endpoint::set_call_timeout(me, REBOUND_IPC_TIMEOUT_MAX + 1);
  KEXPECT(!r && r.error() == Error::invalid_argument);
  r = Endpoint::set_call_timeout(me, ~uint64_t{0});
  KEXPECT(!r && r.error() == Error::invalid_argument);
  KEXPECT_EQ(me.ipc().timeout_ns, 5 * kMs);  // a refused value changes nothing
  r = Endpoint::set_call_timeout(me, REBOUND_IPC_TIMEOUT_MAX);
  KEXPECT(r.has_value() && *r == 5 * kMs);
  r = Endpoint::set_call_timeout(me, 0);
  KEXPECT(r.has_value() && *r == REBOUND_IPC_TIMEOUT_MAX);
  KEXPECT_EQ(me.ipc().timeout_ns, 0u);
}

KTEST(ipc_call_nobody_receives_times_out_on_time_and_leaves_the_queue) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    TimedCaller caller{ep, {1, kTimeout}};
    if (!caller.start()) return;
    KEXPECT(caller.ended());
    KEXPECT(caller.previous_timeout == 0);
    KEXPECT(timed_out(caller.calls[0].reply));
    KEXPECT(caller.on_time(0));
    // The call left the endpoint's queue: a receive gets the next call.
    TimedCaller next{ep, {2, 0}};
    if (!next.start()) return;
    auto request = ep->receive();
    KEXPECT(request.has_value() && request->words[0] == 2);
    KEXPECT(Endpoint::reply({{20}}, MovedHandle()).has_value());
    KEXPECT(next.ended());
    KEXPECT(next.calls[0].reply.has_value() && next.calls[0].reply->words[0] == 20);
  });
}

KTEST(ipc_call_a_server_never_answers_times_out_and_the_late_reply_goes_nowhere) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    // Times out while this thread holds the call, then calls again at once.
    TimedCaller caller{ep, {1, kTimeout}, {2, 0}, 2};
    if (!caller.start()) return;
    auto request = ep->receive();
    KEXPECT(request.has_value() && request->words[0] == 1);
    KEXPECT(within_5s([&] { return caller.calls[0].done; }));
    KEXPECT(timed_out(caller.calls[0].reply));
    KEXPECT(caller.on_time(0));
    KEXPECT(caller.blocked());  // in its second call, queued
    // The late reply succeeds for the server and reaches nobody: not the
    // caller's second call, which still waits.
    KEXPECT(Endpoint::reply({{666}}, MovedHandle()).has_value());
    sleep_for(20 * kMs);
    KEXPECT(!caller.calls[1].done);
    request = ep->receive();
    KEXPECT(request.has_value() && request->words[0] == 2);
    KEXPECT(Endpoint::reply({{20}}, MovedHandle()).has_value());
    KEXPECT(caller.ended());
    KEXPECT(caller.calls[1].reply.has_value() && caller.calls[1].reply->words[0] == 20);
  });
}

KTEST(ipc_call_times_out_while_its_reply_is_saved_and_the_saved_reply_goes_nowhere) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    TimedCaller caller{ep, {1, kTimeout}, {2, 0}, 2};
    if (!caller.start()) return;
    KEXPECT(ep->receive().has_value());
    auto saved = Reply::take_owed();
    KEXPECT(saved.has_value());
    if (!saved) return;
    Ref<Reply> reply = std::move(*saved);
    KEXPECT(within_5s([&] { return caller.calls[0].done; }));
    KEXPECT(timed_out(caller.calls[0].reply));
    KEXPECT(caller.blocked());
    KEXPECT(reply->send({{666}}, MovedHandle()).has_value());  // to nobody, no error
    KEXPECT(reply->sent());
    sleep_for(20 * kMs);
    KEXPECT(!caller.calls[1].done);
    KEXPECT(ep->receive().has_value());
    KEXPECT(Endpoint::reply({{20}}, MovedHandle()).has_value());
    KEXPECT(caller.ended());
    KEXPECT(caller.calls[1].reply.has_value() && caller.calls[1].reply->words[0] == 20);
  });
}

KTEST(ipc_call_with_a_timeout_gets_a_reply_in_time_and_0_waits_for_as_long_as_it_takes) {
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    TimedCaller caller{ep, {1, kTimeout}, {2, 0}, 2};
    if (!caller.start()) return;
    auto request = ep->receive();
    KEXPECT(request.has_value() && request->words[0] == 1);
    KEXPECT(Endpoint::reply({{10}}, MovedHandle()).has_value());
    KEXPECT(within_5s([&] { return caller.calls[0].done; }));
    KEXPECT(caller.calls[0].reply.has_value() && caller.calls[0].reply->words[0] == 10);
    // The second call has none: it outlasts the first one's timeout many
    // times over, queued and then held (that timeout was disarmed).
    KEXPECT(caller.blocked());
    sleep_for(4 * kTimeout);
    KEXPECT(!caller.calls[1].done);
    request = ep->receive();
    KEXPECT(request.has_value() && request->words[0] == 2);
    sleep_for(4 * kTimeout);
    KEXPECT(!caller.calls[1].done);
    KEXPECT(Endpoint::reply({{20}}, MovedHandle()).has_value());
    KEXPECT(caller.ended());
    KEXPECT(caller.calls[1].reply.has_value() && caller.calls[1].reply->words[0] == 20);
  });
}

KTEST(ipc_grant_call_that_times_out_is_unmapped_from_its_server_and_unpinned) {
  constexpr size_t kPage = mm::kPageSize;
  constexpr uintptr_t kLent = 0x400000;
  leaves_no_trace([] {
    Ref<Endpoint> ep = new_endpoint();
    auto space = core::AddressSpace::create();
    KEXPECT(space.has_value());
    if (!space) return;
    Ref<core::AddressSpace> lender = *space;
    KEXPECT(lender->map_anonymous(kLent, 2 * kPage, mm::perm::read | mm::perm::write).has_value());
    TimedCaller caller{ep, {1, 500 * kMs}};
    caller.lender = lender;
    caller.lent = {kLent, 2 * kPage, true};
    if (!caller.start()) return;
    // A user server takes the call in (its window maps the lent pages) and
    // sleeps owing the reply.
    Ref<core::Process> server =
        ktest::spawn_program("blocker", "serve", {ep, REBOUND_RIGHT_RECEIVE});
    if (!server) return;
    const auto frame = lender->query(kLent);
    uintptr_t window = 0;
    KEXPECT(within_5s([&] {
      server->for_each_thread([&](Thread& t) {
        if (t.bulk() == nullptr) return;
        auto base = t.bulk()->window.base(*server->space());
        if (base) window = *base;
      });
      return window != 0 && server->space()->query(window).has_value();
    }));
    KEXPECT(frame.has_value() && window != 0 &&
            server->space()->query(window)->phys == frame->phys);
    KEXPECT(caller.ended());
    KEXPECT(timed_out(caller.calls[0].reply));
    KEXPECT(caller.on_time(0));
    // Gone from the server, and the lender's region is free again.
    KEXPECT(window != 0 && !server->space()->query(window).has_value() &&
            !server->space()->query(window + kPage).has_value());
    KEXPECT(lender->unmap(kLent, 2 * kPage).has_value());
    server->kill(core::ExitStatus::killed_on_request());
    KEXPECT(within_5s([&] { return server->ended(); }));
  });
}
