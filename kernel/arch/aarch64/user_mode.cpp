// User mode on aarch64: EL0, TTBR0 with an ASID; entering user mode, and the
// C++ side of every entry from it (vectors.S saves a UserFrame at the top of
// the thread's kernel stack and calls these).
//
//   sync from EL0   SVC64 -> core::syscall (aarch64_trap_user_svc, reached
//                   straight from vectors.S), result in x0/x1/x2; an abort,
//                   undefined instruction, FP/SIMD access (FP is off), bad
//                   PC/SP alignment, BRK ... -> a demand-zero page (the
//                   instruction runs again), else the process's fault
//                   handler (core::deliver_user_fault), else
//                   core::user_fault, which kills the process; WFI/WFE
//                   (trapped) -> skipped
//   IRQ from EL0    the kernel's IRQ handler (interrupts.cpp)
//   FIQ, SError     halt
//
// Every path ends in core::before_user_return() (a preemption point: it may
// switch threads, or end a thread whose process is dying) and returns to
// user mode through the frame. A fault of the user's never reaches the
// kernel's fault policy; a kernel fault while handling a system call is an
// EL1 exception like any other, caught by the catch_unwind in core::syscall.
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/trap_frame.h"
#include "arch/arch.h"
#include "core/fault_delivery.h"
#include "core/ipc_fast_path.h"
#include "core/user_boundary.h"
#include "recovery/panic.h"

extern "C" [[noreturn]] void aarch64_enter_user(uintptr_t kernel_stack_top, uintptr_t pc,
                                                uintptr_t sp, uint64_t arg0, uint64_t arg1,
                                                uint64_t arg2, uint64_t arg3);
extern "C" void aarch64_trap_irq(arch::aarch64::TrapFrame* frame);  // interrupts.cpp

namespace arch {

void switch_user_space(uint64_t root, uint16_t asid) {
  constexpr uint64_t kTcrEpd0 = 1 << 7;  // no walks through TTBR0: no user half
  if (root == 0) {
    WRITE_SYSREG(tcr_el1, READ_SYSREG(tcr_el1) | kTcrEpd0);
    WRITE_SYSREG(ttbr0_el1, 0);
  } else {
    WRITE_SYSREG(ttbr0_el1, root | uint64_t{asid} << 48);
    WRITE_SYSREG(tcr_el1, READ_SYSREG(tcr_el1) & ~kTcrEpd0);
  }
  aarch64::isb();
}

void enter_user(uintptr_t kernel_stack_top, uintptr_t pc, uintptr_t sp, uint64_t arg0,
                uint64_t arg1, uint64_t arg2, uint64_t arg3) {
  aarch64_enter_user(kernel_stack_top, pc, sp, arg0, arg1, arg2, arg3);
}

}  // namespace arch

namespace arch::aarch64 {
namespace {

using recovery::Fault;
using recovery::FaultKind;

// ESR_EL1 exception classes of exceptions taken from EL0.
constexpr unsigned kEcUnknown = 0x00, kEcWfx = 0x01, kEcFpAccess = 0x07, kEcIllegalState = 0x0e,
                   kEcSvc64 = 0x15, kEcSysReg = 0x18, kEcInstrAbortLower = 0x20, kEcPcAlign = 0x22,
                   kEcDataAbortLower = 0x24, kEcSpAlign = 0x26, kEcBrk = 0x3c;
constexpr unsigned kFscAlignment = 0x21;
constexpr uint64_t kIssWnR = 1 << 6;

unsigned exception_class(const TrapFrame& f) { return (f.esr >> 26) & 0x3f; }

Fault describe_user_fault(const TrapFrame& f) {
  Fault fault;
  fault.pc = f.pc;
  const unsigned ec = exception_class(f);
  const unsigned fsc = f.esr & 0x3f;
  switch (ec) {
    case kEcDataAbortLower:
      fault.kind = fsc == kFscAlignment ? FaultKind::alignment : FaultKind::page_fault;
      fault.address = f.far;
      fault.set_message("user data abort (%s, fsc %#x) at %p", (f.esr & kIssWnR) ? "write" : "read",
                        fsc, reinterpret_cast<void*>(f.far));
      break;
    case kEcInstrAbortLower:
      fault.kind = FaultKind::instruction_fault;
      fault.address = f.far;
      fault.set_message("user instruction abort (fsc %#x) at %p", fsc,
                        reinterpret_cast<void*>(f.far));
      break;
    case kEcUnknown:
    case kEcIllegalState:
    case kEcSysReg:
    case kEcBrk:
      fault.kind = FaultKind::undefined_instruction;
      fault.set_message("user undefined instruction (esr %#lx)", static_cast<unsigned long>(f.esr));
      break;
    case kEcFpAccess:
      fault.kind = FaultKind::undefined_instruction;
      fault.set_message("user FP/SIMD instruction (FP/SIMD is off)");
      break;
    case kEcPcAlign:
    case kEcSpAlign:
      fault.kind = FaultKind::alignment;
      fault.address = ec == kEcPcAlign ? f.far : f.sp;
      fault.set_message("user misaligned %s", ec == kEcPcAlign ? "pc" : "sp");
      break;
    default:
      fault.kind = FaultKind::unknown_trap;
      fault.set_message("user exception class %#x (esr %#lx)", ec,
                        static_cast<unsigned long>(f.esr));
      break;
  }
  return fault;
}

// A fault nothing resolved: to the process's fault handler, with the whole
// frame (a full entry: vectors.S saved every register and SP_EL0), or the
// process is killed.
void deliver_or_kill(TrapFrame& f) {
  const Fault fault = describe_user_fault(f);
  rebound_fault_frame frame{};
  for (unsigned i = 0; i < 31; ++i) frame.x[i] = f.x[i];
  frame.sp = f.sp;
  frame.pc = f.pc;
  frame.pstate = f.pstate;
  frame.syndrome = f.esr;
  const auto to = core::deliver_user_fault(fault, frame, f.sp);
  if (!to) core::user_fault(fault);
  f.pc = to->handler;
  f.x[0] = to->frame;
  // SP_EL0 is live, not restored from the frame (vectors.S); no switch can
  // have happened since the entry, and the next one saves the new value.
  f.sp = to->frame;
  WRITE_SYSREG(sp_el0, to->frame);
}

}  // namespace
}  // namespace arch::aarch64

using arch::aarch64::UserFrame;

extern "C" void aarch64_trap_user_sync(UserFrame* frame) {
  using namespace arch::aarch64;
  core::enter_from_user();
  TrapFrame& f = frame->regs;
  // A demand-zero page first, before any Fault is built.
  const unsigned ec = exception_class(f);
  if (((ec == kEcDataAbortLower && (f.esr & 0x3f) != kFscAlignment) || ec == kEcInstrAbortLower) &&
      core::resolve_user_page_fault(f.far, ec == kEcDataAbortLower && (f.esr & kIssWnR) != 0,
                                    ec == kEcInstrAbortLower)) {
    core::before_user_return();
    return;
  }
  switch (ec) {
    case kEcSvc64:  // vectors.S sends these to aarch64_trap_user_svc
      core::user_fault(describe_user_fault(f));
      break;
    case kEcWfx:
      // WFI/WFE in user mode trap (SCTLR_EL1.nTWI/nTWE are 0): a hint the
      // kernel ignores. ELR is the instruction itself.
      f.pc += 4;
      break;
    default: deliver_or_kill(f); break;
  }
  core::before_user_return();
}

// SVC64 (vectors.S checks ESR's class): x8 is the number, x0-x5 the
// arguments, in order in the frame; the result goes back in x0-x2. ELR is
// already the next instruction. The whole path is inline here.
extern "C" void aarch64_trap_user_svc(UserFrame* frame) {
  recovery::RecoveryState& state = core::enter_from_user();
  uint64_t* x = frame->regs.x;
  core::syscall(x[8], x, {x[0], x[1], x[2]}, state);
  core::before_user_return();
}

// IPC_CALL and IPC_REPLY_RECEIVE (vectors.S sends them here): the same with
// their fast path inline (core/ipc_fast_path.h), in functions of their
// own, so that the other system calls keep the small frame of
// aarch64_trap_user_svc.
static_assert(REBOUND_SYS_IPC_CALL == 23 &&  // SYS_IPC_CALL in vectors.S
              REBOUND_SYS_IPC_REPLY_RECEIVE == REBOUND_SYS_IPC_CALL + 1);
extern "C" void aarch64_trap_user_ipc_call(UserFrame* frame) {
  recovery::RecoveryState& state = core::enter_from_user();
  uint64_t* x = frame->regs.x;
  core::ipc_call_syscall(x, {x[0], x[1], x[2]}, state);
  core::before_user_return();
}
extern "C" void aarch64_trap_user_ipc_reply_receive(UserFrame* frame) {
  recovery::RecoveryState& state = core::enter_from_user();
  uint64_t* x = frame->regs.x;
  core::ipc_reply_receive_syscall(x, {x[0], x[1], x[2]}, state);
  core::before_user_return();
}

extern "C" void aarch64_trap_user_irq(UserFrame* frame) {
  core::enter_from_user();
  aarch64_trap_irq(&frame->regs);
  core::before_user_return();
}

extern "C" [[noreturn]] void aarch64_trap_user_unexpected(UserFrame* frame, uint64_t kind) {
  const arch::aarch64::TrapFrame& f = frame->regs;
  recovery::Fault fault;
  fault.kind = recovery::FaultKind::unknown_trap;
  fault.pc = f.pc;
  if (kind == 0)
    fault.set_message("FIQ taken from user mode (none is configured)");
  else
    fault.set_message("SError taken from user mode (esr %#lx)", static_cast<unsigned long>(f.esr));
  recovery::halt_with(fault);
}
