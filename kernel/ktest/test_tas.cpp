// The TAS (tas/), started at boot: a user program reaches its servers through
// the name service, requests that fault are recovered inside the TAS, and a
// whole client session leaves the kernel's resources as they were.
#include "core/tas_boot.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/user_programs.h"

KTEST(tas_serves_and_recovers_requests_without_leaks) {
  KEXPECT(static_cast<bool>(core::name_service()));
  // First uses grow the TAS's heaps, and its supervisor's restarts (in
  // the client's session) map a second stack slot and heap slot: twice.
  (void)ktest::run_program("tas_client", "10");
  (void)ktest::run_program("tas_client", "10");
  const ktest::Snapshot before = ktest::Snapshot::take();
  const core::ExitStatus s = ktest::run_program("tas_client", "1000");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
