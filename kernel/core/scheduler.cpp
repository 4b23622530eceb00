#include "core/scheduler.h"

#include "arch/arch.h"
#include "core/cpu_local.h"
#include "core/process.h"
#include "recovery/panic.h"

namespace core {
namespace {
Scheduler g_schedulers[arch::kMaxCpus];
bool g_ready = false;
}  // namespace

Scheduler& Scheduler::current() { return g_schedulers[this_cpu().id]; }
bool Scheduler::ready() { return g_ready; }

void Scheduler::init_this_cpu(Ref<Thread> boot) {
  Scheduler& s = current();
  boot->state_ = Thread::State::running;
  boot->self_ = boot;
  s.running_ = boot.get();
  this_cpu().recovery = &boot->recovery_;
  auto idle = Thread::create("idle", idle_loop, nullptr, 0);
  if (!idle) recovery::panic("scheduler: no idle thread (%s)", rebound::to_string(idle.error()));
  (*idle)->state_ = Thread::State::ready;  // runs only when nothing else can
  (*idle)->self_ = *idle;
  s.idle_ = idle->get();
  g_ready = true;
}

void Scheduler::idle_loop(void*) {
  for (;;) {
    // Interrupts come in only here (and in user mode): a tick may wake a
    // sleeper, which yield() then runs.
    arch::wait_for_interrupt();
    current().yield();
  }
}

void Scheduler::make_ready(Thread& t) {
  t.state_ = Thread::State::ready;
  ready_[t.priority_].push_back(t);
  ready_mask_ |= 1u << t.priority_;
  if (t.priority_ > running_->priority_) need_resched_ = true;
}

Thread* Scheduler::pick_next() {
  if (ready_mask_ == 0) return nullptr;
  const unsigned p = 31 - static_cast<unsigned>(__builtin_clz(ready_mask_));
  Thread* t = ready_[p].pop_front();
  if (ready_[p].empty()) ready_mask_ &= ~(1u << p);
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
  make_ready(t);
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
  need_resched_ = false;
  slice_left_ = kSliceTicks;
  next->state_ = Thread::State::running;
  running_ = next;
  ++switches_;
  if (prev->state_ == Thread::State::dead) dead_ = std::move(prev->self_);
  this_cpu().recovery = &next->recovery_;
  activate(*next);
  arch::switch_context(&prev->saved_sp_, next->saved_sp_);
  // Running as `prev` again, on this or (with SMP) another CPU.
  current().dead_.reset();
}

void Scheduler::activate(Thread& next) {
  // Entries from user mode land on the thread's own kernel stack, and its
  // process's address space is the user half.
  arch::set_kernel_entry_stack(next.stack_top());
  AddressSpace* space = next.process() != nullptr ? next.process()->space() : nullptr;
  const uint64_t root = space != nullptr ? space->root() : 0;
  CpuLocal& cpu = this_cpu();
  if (root != cpu.active_user_root) {
    arch::switch_user_space(root, space != nullptr ? space->asid() : 0);
    cpu.active_user_root = root;
  }
}

void Scheduler::yield() {
  // Only a ready thread of at least the same priority takes over.
  const uint32_t eligible = ready_mask_ & ~((1u << running_->priority_) - 1);
  if (eligible == 0 && running_ != idle_) return;
  schedule();
}

void Scheduler::block() {
  KASSERT(running_ != idle_);
  running_->state_ = Thread::State::blocked;
  schedule();
}

void Scheduler::wake(Thread& t) {
  KASSERT(t.state_ == Thread::State::blocked);
  make_ready(t);
}

void Scheduler::sleep_until(uint64_t deadline_ns) {
  if (arch::monotonic_ns() >= deadline_ns) return;
  Thread& t = *running_;
  t.wake_at_ns_ = deadline_ns;
  t.sleeping_ = true;
  sleepers_.insert_sorted(t, [&](const Thread& other) { return other.wake_at_ns_ > deadline_ns; });
  block();
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
  const uint64_t now = arch::monotonic_ns();
  while (Thread* t = sleepers_.front()) {
    if (t->wake_at_ns_ > now) break;
    sleepers_.remove(*t);
    t->sleeping_ = false;
    make_ready(*t);
  }
  if (slice_left_ > 0 && --slice_left_ == 0) need_resched_ = true;
}

void Scheduler::preempt_if_needed() {
  if (!need_resched_) return;
  need_resched_ = false;
  schedule();
}

}  // namespace core
