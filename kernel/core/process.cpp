#include "core/process.h"

#include "arch/arch.h"
#include "core/cpu_local.h"
#include "core/program_loader.h"
#include "core/scheduler.h"
#include "core/thread.h"
#include "recovery/fault_injection.h"

namespace core {

Process::Process(const char* name, Ref<AddressSpace> space) : space_(std::move(space)) {
  for (size_t i = 0; i + 1 < sizeof name_ && name[i] != '\0'; ++i) name_[i] = name[i];
}

Process::~Process() = default;

Result<Ref<Process>> Process::spawn(const char* name, const uint8_t* image, size_t size,
                                    const char* argv_block, size_t argv_length,
                                    const HandleTable::Gift& gift, Ref<Endpoint> names) {
  TRY(process, create(name, std::move(names)));
  TRY(entry, load_program(*process->space_, image, size, argv_block, argv_length));
  TRY_VOID(process->start(entry, gift));
  return process;
}

Result<Ref<Process>> Process::create(const char* name, Ref<Endpoint> names) {
  TRY(space, AddressSpace::create());
  TRY(process, make_object<Process>(name, std::move(space)));
  process->names_ = std::move(names);
  return process;
}

Result<void> Process::start(UserEntry entry, const HandleTable::Gift& gift) {
  if (started_) return fail(Error::already_exists);
  if (ended_ || dying_) return fail(Error::not_found);
  // Its table is empty until it starts (nothing else puts handles there):
  // a failure or a fault empties it again, and a later start may work.
  struct EmptiedUnlessStarted {
    HandleTable& handles;
    bool started = false;
    ~EmptiedUnlessStarted() {
      if (!started) handles.clear();
    }
  } guard{handles_};
  if (gift.object) {
    TRY(handle, handles_.add(gift.object, gift.rights));
    entry.handle = handle;
  }
  if (names_) {
    TRY(handle, handles_.add(names_, REBOUND_RIGHT_CALL | REBOUND_RIGHT_DUPLICATE));
    entry.names = handle;
  }
  recovery::fault_point("process.spawn");  // test builds: a fault with handles added
  TRY(thread, Thread::create_user(name_, Ref<Process>(this), entry));
  guard.started = true;
  started_ = true;
  thread_started(*thread);
  Scheduler::start(*thread);
  return {};
}

void Process::kill(const ExitStatus& status) {
  if (ended_ || dying_) return;
  dying_ = true;
  status_ = status;
  if (live_threads_ == 0) {
    end();
    return;
  }
  // Threads blocked in the kernel would not reach the boundary before
  // whatever they wait for happens, if it ever does.
  for_each_thread([](Thread& t) { Scheduler::interrupt(t); });
}

void Process::thread_started(Thread& t) {
  ++live_threads_;
  threads_.push_back(t.process_node_, &t);
  // Created by a thread of a dying process: it too must not wait.
  if (dying_) Scheduler::interrupt(t);
}

void Process::thread_ended(Thread& t, const ExitStatus& status) {
  threads_.remove(t.process_node_);
  // A thread that faults takes its process with it; one that exits or is
  // killed alone does not, unless it was the last: then its status is the
  // process's (if nothing killed the process before).
  if (status.ends_process()) kill(status);
  if (--live_threads_ > 0) return;
  if (!dying_) {
    dying_ = true;
    status_ = status;
  }
  end();
}

void Process::end() {
  ended_ = true;
  handles_.clear();
  names_.reset();
  // This CPU may still have the space loaded (its last thread is ending
  // here): leave it before its tables go.
  CpuLocal& cpu = this_cpu();
  if (space_ && cpu.active_user_root == space_->root()) {
    arch::switch_user_space(0, 0);
    cpu.active_user_root = 0;
  }
  space_.reset();
  waiters_.wake_all();
}

Result<ExitStatus> Process::wait() {
  while (!ended_) TRY_VOID(waiters_.wait());
  return status_;
}

}  // namespace core
