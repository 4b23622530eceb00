#include "core/thread.h"

#include "arch/arch.h"
#include "core/big_kernel_lock.h"
#include "core/endpoint.h"
#include "core/ipc_bulk.h"
#include "core/process.h"
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
  thread->stack_top_ = stack.top();
  thread->stack_.emplace(std::move(stack));
  return thread;
}

Result<Ref<Thread>> Thread::adopt_current(const char* name) {
  TRY(thread, make_object<Thread>(name, kDefaultPriority));
  thread->recovery_ = recovery::current_state();
  return thread;
}

Result<Ref<Thread>> Thread::create_departed(const char* name) {
  TRY(thread, make_object<Thread>(name, 0));
  thread->interrupted_ = true;
  return thread;
}

Result<Ref<Thread>> Thread::create_user(const char* name, Ref<Process> process,
                                        const UserEntry& entry) {
  TRY(thread, create(name, enter_user, nullptr));
  thread->arg_ = thread.get();
  thread->process_ = std::move(process);
  thread->user_entry_ = entry;
  return thread;
}

void Thread::enter_user(void* self) {
  auto* t = static_cast<Thread*>(self);
  // The kernel frames that led here, start()'s catch_unwind among them, are
  // abandoned with the stack: entries from user mode reuse it from its top.
  // Leave their regions, so that a kernel fault outside the catch_unwind of
  // each entry (a system call's) is reported as such instead of thrown at a
  // region that no longer exists.
  recovery::current_state().region_depth = 0;
  // The scheduler switched to the process's address space before running us.
  bkl::release();  // as every return to user mode does
  arch::enter_user(t->stack_top(), t->user_entry_.pc, t->user_entry_.sp, t->user_entry_.argc,
                   t->user_entry_.argv, t->user_entry_.handle, t->user_entry_.names);
}

void Thread::start(void* self) {
  Scheduler::current().after_switch();
  auto* t = static_cast<Thread*>(self);
  // A kernel thread's entry runs inside catch_unwind like every kernel entry:
  // if it faults, the thread dies with that fault as its exit status, and the
  // kernel carries on.
  auto r = recovery::catch_unwind([t] { t->entry_(t->arg_); });
  exit_current(r ? ExitStatus::exited(0) : ExitStatus::killed_by(r.error()));
}

void Thread::exit_current(const ExitStatus& status) {
  Endpoint::abandon_reply(current_thread().ipc());  // its caller must not wait forever
  bulk::thread_ending(current_thread());
  if (Process* p = current_thread().process()) p->thread_ended(current_thread(), status);
  Scheduler::current().exit(status);
}

Result<ExitStatus> Thread::join() {
  KASSERT(this != &current_thread());
  while (state_ != State::dead) TRY_VOID(joiners_.wait());
  return exit_status_;
}

}  // namespace core
