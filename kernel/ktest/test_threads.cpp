// Kernel threads and the scheduler: start, yield (round robin), priorities,
// join and exit status, blocking on wait queues, a thread that faults, and
// no leaks.
#include "core/cpu_local.h"
#include "core/scheduler.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "recovery/catch_unwind.h"

namespace {

using core::Ref;
using core::Scheduler;
using core::Thread;

struct Trace {
  char events[64];
  int n = 0;
  void add(char c) {
    if (n < 63) events[n++] = c, events[n] = '\0';
  }
};

struct PingArgs {
  Trace* trace;
  char mark;
  int rounds;
};

void ping(void* p) {
  auto* a = static_cast<PingArgs*>(p);
  for (int i = 0; i < a->rounds; ++i) {
    a->trace->add(a->mark);
    Scheduler::current().yield();
  }
}

Ref<Thread> spawn(const char* name, Thread::Entry entry, void* arg,
                  unsigned priority = Thread::kDefaultPriority) {
  auto t = Thread::create(name, entry, arg, priority);
  KEXPECT(t.has_value());
  Scheduler::start_pinned(**t, core::this_cpu().id);  // the order of events is the test
  return *t;
}

bool same(const char* a, const char* b) {
  for (; *a != '\0' && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}

}  // namespace

KTEST(threads_take_turns_when_they_yield) {
  Trace trace;
  PingArgs a{&trace, 'a', 3}, b{&trace, 'b', 3};
  Ref<Thread> ta = spawn("a", ping, &a);
  Ref<Thread> tb = spawn("b", ping, &b);
  const auto sa = *ta->join();
  const auto sb = *tb->join();
  KEXPECT(same(trace.events, "ababab"));
  KEXPECT(!sa.killed && sa.code == 0 && !sb.killed);
  KEXPECT(ta->state() == Thread::State::dead);
}

KTEST(higher_priority_runs_first_and_yield_does_not_give_way_down) {
  Trace trace;
  PingArgs low{&trace, 'l', 2}, high{&trace, 'h', 2};
  Ref<Thread> tl = spawn("low", ping, &low, 5);
  Ref<Thread> th = spawn("high", ping, &high, 20);
  tl->join();
  th->join();
  KEXPECT(same(trace.events, "hhll"));
}

namespace {
void faulting_thread(void*) {
  volatile int* p = nullptr;
  asm volatile("" : "+r"(p));
  (void)*p;
}
void throwing_thread(void*) { throw 3; }
struct Exit7 {
  static void run(void*) { Scheduler::current().exit(core::ExitStatus::exited(7)); }
};
}  // namespace

KTEST(exit_status_reaches_the_joiner_even_when_the_thread_faults) {
  Ref<Thread> f = spawn("fault", faulting_thread, nullptr);
  Ref<Thread> t = spawn("throw", throwing_thread, nullptr);
  Ref<Thread> e = spawn("exit7", Exit7::run, nullptr);
  const auto sf = *f->join();
  KEXPECT(sf.killed && sf.fault == recovery::FaultKind::page_fault && sf.address == 0);
  const auto st = *t->join();
  KEXPECT(st.killed && st.fault == recovery::FaultKind::cpp_exception);
  const auto se = *e->join();
  KEXPECT(!se.killed && se.code == 7);
}

namespace {
struct Gate {
  core::WaitQueue queue;
  bool open = false;
  int passed = 0;
};
void wait_at_gate(void* p) {
  auto* g = static_cast<Gate*>(p);
  while (!g->open) g->queue.wait();
  ++g->passed;
}
}  // namespace

KTEST(wait_queue_blocks_until_woken) {
  Gate g;
  Ref<Thread> t1 = spawn("w1", wait_at_gate, &g);
  Ref<Thread> t2 = spawn("w2", wait_at_gate, &g);
  Scheduler::current().yield();  // both run and block
  KEXPECT(t1->state() == Thread::State::blocked && t2->state() == Thread::State::blocked);
  KEXPECT_EQ(g.passed, 0);
  g.open = true;
  KEXPECT_EQ(g.queue.wake_all(), 2u);
  t1->join();
  t2->join();
  KEXPECT_EQ(g.passed, 2);
}

KTEST(thousand_threads_created_run_and_reaped_leak_nothing) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  Trace trace;
  for (int i = 0; i < 1000; ++i) {
    PingArgs a{&trace, 'x', 1};
    Ref<Thread> t = spawn("short", ping, &a);
    t->join();
  }
  KEXPECT_EQ(trace.n, 63);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(thread_creation_rejects_a_bad_priority) {
  auto t = Thread::create("bad", ping, nullptr, Thread::kPriorities);
  KEXPECT(!t.has_value() && t.error() == Error::invalid_argument);
}
