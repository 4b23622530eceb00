// aarch64's user/kernel boundary (arch/aarch64/vectors.S, user_mode.cpp):
// what system calls, interrupts and a trapped WFI leave in the user's
// registers and thread pointer, the user faults that only aarch64 has, and
// backtraces taken in an entry from user mode ending at that entry.
#if defined(__aarch64__)
#include "arch/arch.h"
#include "core/boot_images.h"
#include "core/interrupt_entry.h"
#include "core/process.h"
#include "core/scheduler.h"
#include "ktest/ktest.h"
#include "ktest/user_programs.h"
#include "recovery/backtrace.h"

namespace {

using core::ExitStatus;
using core::Process;
using core::Ref;
using recovery::FaultKind;

Ref<Process> spawn(const char* name, const char* arg = nullptr) {
  return ktest::spawn_program(name, arg);
}
ExitStatus run(const char* name, const char* arg = nullptr) {
  return ktest::run_program(name, arg);
}

}  // namespace

KTEST(aarch64_syscalls_interrupts_and_wfi_preserve_user_registers_and_tls) {
  // Two at once, each with its own TPIDR_EL0: their busy loops preempt each
  // other, so each thread pointer must survive switches between processes.
  Ref<Process> a = spawn("registers", "1");
  Ref<Process> b = spawn("registers", "2");
  if (!a || !b) return;
  const ExitStatus sa = *a->wait(), sb = *b->wait();
  KEXPECT(!sa.killed && !sb.killed);
  KEXPECT_EQ(sa.code, 0);
  KEXPECT_EQ(sb.code, 0);
}

KTEST(aarch64_user_brk_is_an_undefined_instruction) {
  const ExitStatus s = run("fault_breakpoint");
  KEXPECT(s.killed && s.fault == FaultKind::undefined_instruction);
}

KTEST(aarch64_user_fp_sysreg_daif_and_timer_are_undefined_instructions) {
  for (const char* what : {"fp", "sysreg", "daif", "timer"}) {
    const ExitStatus s = run("fault_aarch64", what);
    KEXPECT(s.killed && s.fault == FaultKind::undefined_instruction);
  }
}

KTEST(aarch64_user_misaligned_pc_is_an_alignment_fault) {
  const ExitStatus s = run("fault_aarch64", "pc");
  KEXPECT(s.killed && s.fault == FaultKind::alignment);
  KEXPECT_EQ(s.address & 3, 2u);
  KEXPECT(s.address >= core::AddressSpace::kUserBase && s.address < core::AddressSpace::kUserTop);
}

KTEST(aarch64_user_write_to_its_code_is_a_page_fault_there) {
  const ExitStatus s = run("fault_aarch64", "text");
  KEXPECT(s.killed && s.fault == FaultKind::page_fault);
  KEXPECT(s.address >= 0x400000 && s.address < 0x500000);  // user.ld: text at 4 MiB
}

namespace {
recovery::Backtrace g_user_irq_trace;
bool g_user_irq_seen = false;

void capture_in_user_interrupt(core::InterruptSource) {
  if (g_user_irq_seen || core::current_thread().process() == nullptr) return;
  recovery::capture_backtrace(g_user_irq_trace, 0);
  g_user_irq_seen = true;
}

class HookInstalled {
 public:
  HookInstalled() { core::set_interrupt_test_hook(capture_in_user_interrupt); }
  ~HookInstalled() { core::set_interrupt_test_hook(nullptr); }
  HookInstalled(const HookInstalled&) = delete;
  HookInstalled& operator=(const HookInstalled&) = delete;
};
}  // namespace

KTEST(aarch64_backtrace_in_an_interrupt_from_user_mode_ends_at_the_entry) {
  g_user_irq_seen = false;
  g_user_irq_trace = {};
  {
    HookInstalled hook;
    // A busy loop: ticks interrupt it in user mode.
    const ExitStatus s = run("spin", "50");
    KEXPECT(!s.killed);
  }
  KEXPECT(g_user_irq_seen);
  if (!g_user_irq_seen) return;
  const recovery::Backtrace& bt = g_user_irq_trace;
  // The walk ended by itself (the entry is the outermost frame), and it
  // never left the kernel: no frame in the user half.
  KEXPECT(bt.depth > 2 && bt.depth < recovery::Backtrace::kMaxFrames);
  for (unsigned i = 0; i < bt.depth; ++i) KEXPECT(bt.pc[i] >= core::AddressSpace::kUserTop);
}
#endif
