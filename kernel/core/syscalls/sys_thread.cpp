// Threads of the calling process.
#include "core/syscalls/syscall.h"

namespace core::syscalls {

Result<Values> sys_thread_create(Args a) {
  Process& p = caller();
  const uintptr_t entry = a[0], stack_top = a[1];
  if (entry < AddressSpace::kUserBase || entry >= AddressSpace::kUserTop ||
      stack_top < AddressSpace::kUserBase || stack_top > AddressSpace::kUserTop ||
      (stack_top & 15) != 0)
    return fail(Error::bad_address);
  TRY(thread,
      Thread::create_user(p.name(), Ref<Process>(&p), UserEntry{entry, stack_top, a[2], 0}));
  TRY(handle, p.handles().add(thread, REBOUND_RIGHTS_ALL));
  p.thread_started(*thread);
  Scheduler::start(*thread);
  return Values{handle, 0};
}

Result<Values> sys_thread_exit(Args a) {
  Thread::exit_current(ExitStatus::exited(static_cast<int64_t>(a[0])));
}

// Ends a thread of the caller's process (the TAS's supervisor stops a hung
// server thread): at once if it waits in the kernel, else at its next pass
// of the user/kernel boundary (a tick at the latest). A reply it owes fails
// its caller. Joining it gives a killed status; the process goes on.
Result<Values> sys_thread_kill(Args a) {
  TRY(thread,
      caller().handles().get<Thread>(static_cast<rebound_handle>(a[0]), REBOUND_RIGHT_KILL));
  if (thread->process() != &caller()) return fail(Error::invalid_argument);
  Scheduler::interrupt(*thread);
  return Values{};
}

Result<Values> sys_thread_join(Args a) {
  TRY(thread,
      caller().handles().get<Thread>(static_cast<rebound_handle>(a[0]), REBOUND_RIGHT_WAIT));
  if (thread.get() == &current_thread()) return fail(Error::invalid_argument);
  TRY(status, thread->join());
  return status_values(status);
}

}  // namespace core::syscalls
