// The TAS (tas/), started at boot: a user program reaches its servers through
// the name service, requests that fault are recovered inside the TAS, and a
// whole client session leaves the kernel's resources as they were.
#include "arch/arch.h"
#include "core/scheduler.h"
#include "core/tas_boot.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/user_programs.h"

namespace {

// The TAS's supervisor cleans a replaced server up (thread, endpoint, heap)
// just after its clients heard of the restart, so a client may end first:
// the resources are read once they stay the same for 50 ms (2 s at most).
ktest::Snapshot settled() {
  ktest::Snapshot last = ktest::Snapshot::take();
  const uint64_t deadline = arch::monotonic_ns() + 2'000'000'000;
  for (unsigned same = 0; same < 5 && arch::monotonic_ns() < deadline;) {
    (void)core::Scheduler::current().sleep_until(arch::monotonic_ns() + 10'000'000);
    ktest::Snapshot now = ktest::Snapshot::take();
    same = now.equals(last) ? same + 1 : 0;
    last = now;
  }
  return last;
}

}  // namespace

KTEST(tas_serves_and_recovers_requests_without_leaks) {
  KEXPECT(static_cast<bool>(core::name_service()));
  // First uses grow the TAS's heaps, and its supervisor's restarts (in
  // the client's session: echo's and the name service's) map more stack
  // slots and heap windows as they come: three sessions before measuring.
  for (int i = 0; i < 3; ++i) (void)ktest::run_program("tas_client", "10");
  const ktest::Snapshot before = settled();
  // Two sessions measured: a restart starts the new generation beside the
  // old one (its heap slot, stack slot, message buffer), so a server
  // restarted an odd number of times in a session sits in the other of two
  // places after it -- which may take one page table more or less than the
  // first (seen once the fs server joined the TAS: 43 and 44 page-table
  // frames, session after session, on one CPU). Two sessions bring every
  // server back to where it was.
  for (int i = 0; i < 2; ++i) {
    const core::ExitStatus s = ktest::run_program("tas_client", "1000");
    KEXPECT(!s.killed);
    KEXPECT_EQ(s.code, 0);
  }
  KEXPECT(settled().same_as(before));
}
