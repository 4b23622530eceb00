#include "core/thread.h"

#include "arch/arch.h"
#include "core/scheduler.h"
#include "recovery/catch_unwind.h"
#include "recovery/panic.h"

namespace core {

Thread::Thread(const char* name, unsigned priority) : name_(name), priority_(priority) {}

Thread::~Thread() { KASSERT(state_ == State::dead || state_ == State::created); }

Result<Ref<Thread>> Thread::create(const char* name, Entry entry, void* arg, unsigned priority) {
  if (priority >= kPriorities) return fail(Error::invalid_argument);
  TRY(stack, mm::KernelStack::create());
  TRY(thread, make_object<Thread>(name, priority));
  thread->entry_ = entry;
  thread->arg_ = arg;
  thread->saved_sp_ = arch::initial_context(stack.top(), start, thread.get());
  thread->stack_.emplace(std::move(stack));
  return thread;
}

Result<Ref<Thread>> Thread::adopt_current(const char* name) {
  TRY(thread, make_object<Thread>(name, kDefaultPriority));
  thread->recovery_ = recovery::current_state();
  return thread;
}

void Thread::start(void* self) {
  auto* t = static_cast<Thread*>(self);
  // A kernel thread's entry runs inside catch_unwind like every kernel entry:
  // if it faults, the thread dies with that fault as its exit status, and the
  // kernel carries on.
  auto r = recovery::catch_unwind([t] { t->entry_(t->arg_); });
  Scheduler::current().exit(r ? ExitStatus::exited(0) : ExitStatus::killed_by(r.error()));
}

ExitStatus Thread::join() {
  KASSERT(this != &current_thread());
  while (state_ != State::dead) joiners_.wait();
  return exit_status_;
}

}  // namespace core
