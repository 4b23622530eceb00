// User processes, end to end: programs built into the kernel are loaded,
// run in user mode, make system calls and fault; their exit statuses reach
// the kernel; nothing they owned outlives them.
#include "core/boot_images.h"
#include "core/process.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"

namespace {

using core::ExitStatus;
using core::Process;
using core::Ref;
using recovery::FaultKind;

size_t length(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

// Spawns boot image `name` with argv = {name, args...} (args: NUL-separated,
// `args_length` bytes) and waits for it.
ExitStatus run(const char* name, const char* args = "", size_t args_length = 0) {
  char argv[512];
  const size_t n = length(name) + 1;
  __builtin_memcpy(argv, name, n);
  __builtin_memcpy(argv + n, args, args_length);
  const core::BootImage* image = core::find_boot_image(name, length(name));
  KEXPECT(image != nullptr);
  if (image == nullptr) return ExitStatus::exited(-999);
  auto p = Process::spawn(name, image->data, image->size, argv, n + args_length);
  KEXPECT(p.has_value());
  if (!p) return ExitStatus::exited(-998);
  return (*p)->wait();
}

}  // namespace

KTEST(user_hello_runs_and_exits_zero) {
  const ExitStatus s = run("hello");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

KTEST(user_program_gets_its_arguments) {
  const ExitStatus s = run("args", "one\0two\0", 8);
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 3);
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

KTEST(busy_loops_are_preempted_and_both_finish) {
  // Two spinners that never yield: each must see itself preempted.
  const core::BootImage* image = core::find_boot_image("spin", 4);
  KEXPECT(image != nullptr);
  if (image == nullptr) return;
  auto a = Process::spawn("spin", image->data, image->size,
                          "spin\0"
                          "300\0",
                          9);
  auto b = Process::spawn("spin", image->data, image->size,
                          "spin\0"
                          "300\0",
                          9);
  KEXPECT(a.has_value() && b.has_value());
  if (!a || !b) return;
  const ExitStatus sa = (*a)->wait(), sb = (*b)->wait();
  KEXPECT(!sa.killed && sa.code == 0);
  KEXPECT(!sb.killed && sb.code == 0);
}

KTEST(user_sleep_wakes_on_time) {
  const ExitStatus s = run("sleeper", "50\0", 3);
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

KTEST(every_syscall_rejects_bad_handles_and_pointers) {
  const ExitStatus s = run("syscall_checks");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

KTEST(faults_injected_in_syscalls_are_recovered_without_leaks) {
  const ExitStatus s = run("inject");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
}

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
  const ExitStatus faulted = run("threads", "fault", 6);
  KEXPECT(faulted.killed && faulted.fault == FaultKind::page_fault);
  KEXPECT_EQ(faulted.address, 0u);
}
