#include "core/scheduler.h"

#include <atomic>

#include "arch/arch.h"
#include "core/activity.h"
#include "core/big_kernel_lock.h"
#include "core/cpu_local.h"
#include "core/endpoint.h"
#include "core/process.h"
#include "lib/log.h"
#include "recovery/panic.h"

namespace core {
Scheduler Scheduler::all_[arch::kMaxCpus];
lib::List<Thread, &Thread::timeout_node_> Scheduler::timeouts_;

namespace {
std::atomic<uint32_t> g_online{0};
}  // namespace

uint32_t Scheduler::online_mask() { return g_online.load(std::memory_order_relaxed); }
bool Scheduler::ready() { return (online_mask() & (1u << this_cpu().id)) != 0; }

void Scheduler::init_this_cpu(Ref<Thread> boot) {
  KASSERT(bkl::held_here());
  Scheduler& s = all_[this_cpu().id];
  this_cpu().scheduler = &s;
  s.cpu_ = this_cpu().id;
  boot->state_ = Thread::State::running;
  boot->cpu_ = s.cpu_;
  boot->pinned_ = true;  // what runs at boot (the tests, the first process) stays here
  boot->self_ = boot;
  s.running_ = boot.get();
  this_cpu().recovery = &boot->recovery_;
  auto idle = Thread::create("idle", idle_loop, nullptr, 0);
  if (!idle) recovery::panic("scheduler: no idle thread (%s)", rebound::to_string(idle.error()));
  (*idle)->state_ = Thread::State::ready;  // runs only when nothing else can
  (*idle)->cpu_ = s.cpu_;
  (*idle)->self_ = *idle;
  s.idle_ = idle->get();
  g_online.fetch_or(1u << s.cpu_, std::memory_order_relaxed);
}

void Scheduler::idle_loop(void*) {
  for (;;) {
    // Runs whatever is ready here or can be stolen; back here when nothing is.
    current().yield();
    // Interrupts come in only here (and in user mode): their handlers take
    // the big kernel lock themselves. A thread made ready here meanwhile
    // comes with a reschedule IPI, which ends the wait.
    bkl::release();
    arch::wait_for_interrupt();
    bkl::acquire();
  }
}

void Scheduler::make_ready(Thread& t) {
  t.state_ = Thread::State::ready;
  t.cpu_ = cpu_;
  ready_[t.priority_].push_back(t);
  ready_mask_ |= 1u << t.priority_;
  if (t.priority_ > running_->priority_) need_resched_ = true;
}

void Scheduler::make_ready_from_anywhere(Thread& t) {
  make_ready(t);
  if (cpu_ == this_cpu().id || !need_resched_) return;
  // That CPU runs user code or waits idle: interrupt it so that it switches.
  ++remote_wakeups_;
  if (auto sent = arch::send_ipi(cpu_, arch::Ipi::reschedule); !sent)
    KLOG_ERROR("scheduler: no reschedule IPI to cpu %u (%s)", cpu_,
               rebound::to_string(sent.error()));
}

unsigned Scheduler::load() const { return ready_count() + (running_ != idle_ ? 1 : 0); }

Thread* Scheduler::pop_best() {
  if (ready_mask_ == 0) return nullptr;
  const unsigned p = 31 - static_cast<unsigned>(__builtin_clz(ready_mask_));
  Thread* t = ready_[p].pop_front();
  if (ready_[p].empty()) ready_mask_ &= ~(1u << p);
  return t;
}

Thread* Scheduler::steal_best() {
  for (uint32_t m = ready_mask_; m != 0;) {
    const unsigned p = 31 - static_cast<unsigned>(__builtin_clz(m));
    for (lib::ListNode* n = ready_[p].first(); n != ready_[p].end(); n = n->next) {
      auto* t = static_cast<Thread*>(n->owner);
      if (t->pinned_) continue;
      ready_[p].remove(*t);
      if (ready_[p].empty()) ready_mask_ &= ~(1u << p);
      return t;
    }
    m &= ~(1u << p);
  }
  return nullptr;
}

Thread* Scheduler::pick_next() {
  if (Thread* t = pop_best()) return t;
  // Nothing ready here: take the best ready thread of the busiest other CPU
  // that is running something else (its saved context is complete:
  // everything runs under the big kernel lock, which the owner of those
  // queues does not hold now). An idle CPU with ready threads was sent a
  // reschedule IPI and runs them itself.
  Scheduler* victim = nullptr;
  for (uint32_t m = online_mask() & ~(1u << cpu_); m != 0; m &= m - 1) {
    Scheduler& other = of(static_cast<unsigned>(__builtin_ctz(m)));
    if (other.ready_mask_ != 0 && other.running_ != other.idle_ &&
        (victim == nullptr || other.load() > victim->load()))
      victim = &other;
  }
  Thread* t = victim != nullptr ? victim->steal_best() : nullptr;
  if (t == nullptr) return nullptr;
  t->cpu_ = cpu_;
  ++steals_;
  return t;
}

unsigned Scheduler::ready_count() const {
  unsigned n = 0;
  for (const auto& q : ready_) n += static_cast<unsigned>(q.size());
  return n;
}

void Scheduler::start(Thread& t) {
  KASSERT(t.state_ == Thread::State::created);
  t.self_ = Ref<Thread>(&t);
  // The least loaded CPU; this one on a tie.
  Scheduler* best = &current();
  for (uint32_t m = online_mask(); m != 0; m &= m - 1) {
    Scheduler& s = of(static_cast<unsigned>(__builtin_ctz(m)));
    if (s.load() < best->load()) best = &s;
  }
  best->make_ready_from_anywhere(t);
}

void Scheduler::start_pinned(Thread& t, unsigned cpu) {
  KASSERT(t.state_ == Thread::State::created && cpu < arch::kMaxCpus &&
          (online_mask() & (1u << cpu)) != 0);
  t.self_ = Ref<Thread>(&t);
  t.pinned_ = true;
  of(cpu).make_ready_from_anywhere(t);
}

void Scheduler::schedule() {
  Thread* prev = running_;
  Thread* next = pick_next();
  if (next == nullptr) {
    // Nothing else is ready: a running thread keeps the CPU, else idle.
    if (prev->state_ == Thread::State::running) return;
    next = idle_;
  }
  if (next == prev) {
    prev->state_ = Thread::State::running;
    return;
  }
  if (prev->state_ == Thread::State::running && prev != idle_) make_ready(*prev);
  if (prev->state_ == Thread::State::dead) dead_ = std::move(prev->self_);
  switch_to(*prev, *next);
}

void Scheduler::yield() {
  // Only a ready thread of at least the same priority takes over.
  const uint32_t eligible = ready_mask_ & ~((1u << running_->priority_) - 1);
  // (The idle thread also looks at other CPUs' queues, in pick_next.)
  if (eligible == 0 && running_ != idle_) return;
  schedule();
}

void Scheduler::interrupted_wait(Thread& t) { stop_waiting(t); }

void Scheduler::wake(Thread& t) {
  // Off every wait queue and the sleep list: its links are the run queue's now.
  KASSERT(t.state_ == Thread::State::blocked && !t.queue_node_.linked());
  of(t.cpu_).make_ready_from_anywhere(t);
}

void Scheduler::wake_here(Thread& t) {
  KASSERT(t.state_ == Thread::State::blocked);
  Scheduler& here = current();
  if (t.pinned_ && t.cpu_ != here.cpu_) {
    of(t.cpu_).make_ready_from_anywhere(t);
    return;
  }
  here.make_ready(t);
}

Result<void> Scheduler::wake_then_block(Thread& t) {
  wake_here(t);  // (checks that `t` is blocked)
  return block();
}

void Scheduler::interrupt(Thread& t) {
  if (t.process() == nullptr) return;
  t.interrupted_ = true;
  // A thread that runs or is ready sees the flag when it next blocks, or
  // ends at the boundary before that.
  if (t.state_ != Thread::State::blocked) return;
  stop_waiting(t);
  wake(t);  // on its own CPU: its queues, and the IPI if it is idle
}

void Scheduler::stop_waiting(Thread& t) {
  if (t.wait_queue_ != nullptr) t.wait_queue_->remove(t);
  if (t.sleeping_) {
    // A sleeper is on the sleep list of its own CPU (sleep_until).
    of(t.cpu_).sleepers_.remove(t);
    t.sleeping_ = false;
  }
  // A caller waiting for its reply is on neither: the server's reply_to
  // names it (Endpoint::reply leaves an interrupted caller alone).
}

Result<void> Scheduler::sleep_until(uint64_t deadline_ns) {
  if (arch::monotonic_ns() >= deadline_ns) return {};
  Thread& t = *running_;
  t.wake_at_ns_ = deadline_ns;
  t.sleeping_ = true;
  sleepers_.insert_sorted(t, [&](const Thread& other) { return other.wake_at_ns_ > deadline_ns; });
  return block();
}

void Scheduler::arm_timeout(uint64_t deadline_ns) {
  Thread& t = *running_;
  KASSERT(!t.timeout_node_.linked());
  t.timeout_at_ns_ = deadline_ns;
  timeouts_.insert_sorted(t,
                          [&](const Thread& other) { return other.timeout_at_ns_ > deadline_ns; });
}

void Scheduler::disarm_timeout(Thread& t) {
  if (t.timeout_node_.linked()) timeouts_.remove(t);
}

void Scheduler::time_out(Thread& t) {
  if (t.wait_queue_ != nullptr)
    t.wait_queue_->remove(t);  // queued on the endpoint: no server has seen it
  else
    Endpoint::give_up_call(t);  // a server took it: the reply capability goes
  t.ipc().failed = true;
  t.ipc().error = Error::timed_out;
  wake(t);
}

void Scheduler::exit(const ExitStatus& status) {
  Thread& t = *running_;
  KASSERT(&t != idle_);
  t.exit_status_ = status;
  t.state_ = Thread::State::dead;
  t.joiners_.wake_all();
  schedule();
  recovery::panic("scheduler: a dead thread ran again");
}

void Scheduler::tick() {
  ++ticks_;
  if (running_ != idle_) ++busy_ticks_;
  const uint64_t now = arch::monotonic_ns();
  while (Thread* t = sleepers_.front()) {
    if (t->wake_at_ns_ > now) break;
    sleepers_.remove(*t);
    t->sleeping_ = false;
    make_ready(*t);  // a sleeper sleeps on the CPU it ran on: this one
  }
  // A call whose thread is no longer blocked was answered (or interrupted)
  // already: it disarms its timeout itself once it runs.
  while (Thread* t = timeouts_.front()) {
    if (t->timeout_at_ns_ > now) break;
    timeouts_.remove(*t);
    if (t->state_ == Thread::State::blocked) time_out(*t);
  }
  if (slice_left_ > 0 && --slice_left_ == 0) need_resched_ = true;
}

void Scheduler::preempt() {
  need_resched_ = false;
  schedule();
}

}  // namespace core
