// User processes, end to end: programs built into the kernel are loaded,
// run in user mode, make system calls and fault; their exit statuses reach
// the kernel; nothing they owned outlives them.
#include "core/boot_images.h"
#include "core/process.h"
#include "core/smp.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/user_programs.h"

namespace {

using core::ExitStatus;
using core::Process;
using core::Ref;
using recovery::FaultKind;

ExitStatus run(const char* name, const char* arg = nullptr) {
  return ktest::run_program(name, arg);
}

// The program runs to its end and exits 0 (its checks all passed).
void passes(const char* name, const char* arg = nullptr) {
  const ExitStatus s = run(name, arg);
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

}  // namespace

KTEST(user_hello_runs_and_exits_zero) {
  const ExitStatus s = run("hello");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

KTEST(user_program_gets_its_arguments) {
  const ExitStatus s = ktest::run_program("args", "one");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 2);
}

KTEST(user_faults_kill_the_process_with_the_right_status) {
  const ExitStatus null_read = run("fault_null");
  KEXPECT(null_read.killed && null_read.fault == FaultKind::page_fault);
  KEXPECT_EQ(null_read.address, 0u);
  const ExitStatus udf = run("fault_undefined");
  KEXPECT(udf.killed && udf.fault == FaultKind::undefined_instruction);
  const ExitStatus jump = run("fault_kernel_jump");
  KEXPECT(jump.killed &&
          (jump.fault == FaultKind::instruction_fault || jump.fault == FaultKind::page_fault));
  KEXPECT(jump.address >= core::AddressSpace::kUserTop);
}

KTEST(thousand_faulting_programs_leave_no_trace) {
  (void)run("fault_null");  // first use grows the heaps
  const ktest::Snapshot before = ktest::Snapshot::take();
  const char* names[] = {"fault_null", "fault_undefined", "fault_kernel_jump", "hello"};
  int wrong = 0;
  for (int i = 0; i < 1000; ++i) {
    const ExitStatus s = run(names[i % 4]);
    if (s.killed != (i % 4 != 3)) ++wrong;
  }
  KEXPECT_EQ(wrong, 0);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(busy_loops_are_preempted_and_all_finish) {
  // Two spinners per CPU, which never yield: each must see itself preempted
  // (a busy loop does not starve the other on its CPU).
  constexpr unsigned kMax = 2 * arch::kMaxCpus;
  const unsigned n = 2 * core::cpus_online();
  Ref<Process> spinners[kMax];
  for (unsigned i = 0; i < n; ++i) spinners[i] = ktest::spawn_program("spin", "300");
  for (unsigned i = 0; i < n; ++i) {
    if (!spinners[i]) continue;
    const ExitStatus s = *spinners[i]->wait();
    KEXPECT(!s.killed && s.code == 0);
  }
}

KTEST(user_sleep_wakes_on_time) {
  const ExitStatus s = run("sleeper", "50");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

KTEST(every_syscall_rejects_bad_handles_and_pointers) { passes("syscall_checks"); }

KTEST(processes_share_memory_objects_and_leave_no_trace) {
  ktest::leaves_no_trace([] { passes("shared_memory"); });
}

// A process built by hand from user space (PROCESS_CREATE, its space
// filled, PROCESS_START), a killed one and a never-started one: nothing left.
KTEST(processes_built_by_hand_run_and_leave_no_trace) {
  ktest::leaves_no_trace([] { passes("process_build"); });
}

KTEST(ipc_echo_calls_and_dead_servers_leave_no_trace) {
  (void)run("ipc_client", "10");  // first use grows the heaps
  const ktest::Snapshot before = ktest::Snapshot::take();
  passes("ipc_client", "100000");
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(user_fault_handler_gets_faults_as_frames_and_leaves_no_trace) {
  ktest::leaves_no_trace([] { passes("fault_handler"); });
}

KTEST(faults_injected_in_syscalls_are_recovered_without_leaks) { passes("inject"); }

KTEST(malformed_images_are_refused) {
  static const uint8_t garbage[128] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  const ktest::Snapshot before = ktest::Snapshot::take();
  auto p = Process::spawn("garbage", garbage, sizeof garbage, "garbage", 8);
  KEXPECT(!p.has_value() && p.error() == Error::bad_image);
  auto empty = Process::spawn("empty", garbage, 0, "", 0);
  KEXPECT(!empty.has_value());
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(a_thread_exiting_does_not_end_its_process_a_faulting_one_does) {
  const ExitStatus joined = run("threads");
  KEXPECT(!joined.killed);
  KEXPECT_EQ(joined.code, 7);
  const ExitStatus faulted = run("threads", "fault");
  KEXPECT(faulted.killed && faulted.fault == FaultKind::page_fault);
  KEXPECT_EQ(faulted.address, 0u);
}
