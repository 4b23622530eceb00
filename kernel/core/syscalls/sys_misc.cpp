// Small system calls: null, the debug console, time, yield, sleep, exit,
// and the test-build diagnostics (resource snapshot, fault injection).
#include "arch/arch.h"
#include "core/kernel_options.h"
#include "core/resources.h"
#include "core/syscalls/syscall.h"
#include "recovery/fault_injection.h"

namespace core::syscalls {

Result<Values> sys_null(Args) { return Values{}; }

// A number below REBOUND_SYS_COUNT that no call has (yet).
Result<Values> sys_unassigned(Args) { return fail(Error::unknown_syscall); }

Result<Values> sys_debug_write(Args a) {
  const uintptr_t text = a[0];
  const size_t length = a[1];
  if (length > 4096) return fail(Error::invalid_argument);
  char chunk[128];
  for (size_t done = 0; done < length;) {
    const size_t n = length - done < sizeof chunk ? length - done : sizeof chunk;
    TRY_VOID(caller().space()->copy_in(chunk, text + done, n));
    arch::console_write(chunk, n);
    done += n;
  }
  return Values{length, 0};
}

Result<Values> sys_exit(Args a) {
  Process& p = caller();
  p.kill(ExitStatus::exited(static_cast<int64_t>(a[0])));
  Thread::exit_current(ExitStatus::exited(static_cast<int64_t>(a[0])));
}

Result<Values> sys_yield(Args) {
  Scheduler::current().yield();
  return Values{};
}

Result<Values> sys_sleep(Args a) {
  const uint64_t now = arch::monotonic_ns();
  const uint64_t deadline = a[0] > ~uint64_t{0} - now ? ~uint64_t{0} : now + a[0];
  TRY_VOID(Scheduler::current().sleep_until(deadline));
  return Values{};
}

Result<Values> sys_clock(Args) { return Values{arch::monotonic_ns(), 0}; }

Result<Values> sys_debug_snapshot(Args a) {
  const ResourceSnapshot s = take_snapshot();
  TRY_VOID(caller().space()->copy_out(a[0], &s, sizeof s));
  return Values{};
}

Result<Values> sys_debug_inject(Args a) {
  if (!kernel_tests_built()) return fail(Error::not_supported);
  char site[48];
  if (a[1] == 0 || a[1] > sizeof site || a[2] > REBOUND_INJECT_NULL_READ)
    return fail(Error::invalid_argument);
  TRY_VOID(caller().space()->copy_in(site, a[0], a[1]));
  recovery::arm_fault(site, a[1], static_cast<unsigned>(a[2]), static_cast<unsigned>(a[3]));
  return Values{};
}

}  // namespace core::syscalls
