// aarch64 synchronous exceptions taken in the kernel: decode ESR/FAR into a
// Fault, and let the portable policy decide (throw at the faulting
// instruction, or halt outside any catch_unwind region).
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/trap_frame.h"
#include "mm/kernel_stack.h"
#include "recovery/panic.h"
#include "recovery/trap_to_exception.h"

namespace arch::aarch64 {
namespace {

using recovery::Fault;
using recovery::FaultKind;

// ESR_EL1 exception classes.
constexpr unsigned kEcUnknown = 0x00, kEcFpAccess = 0x07, kEcIllegalState = 0x0e,
                   kEcInstrAbortSame = 0x21, kEcPcAlign = 0x22, kEcDataAbortSame = 0x25,
                   kEcSpAlign = 0x26, kEcBrk = 0x3c;
constexpr unsigned kFscAlignment = 0x21;

Fault describe(const TrapFrame& f) {
  Fault fault;
  fault.pc = f.pc;
  const unsigned ec = (f.esr >> 26) & 0x3f;
  const unsigned fsc = f.esr & 0x3f;
  switch (ec) {
    case kEcDataAbortSame:
      fault.kind = fsc == kFscAlignment ? FaultKind::alignment : FaultKind::page_fault;
      fault.address = f.far;
      // A guard page below a kernel stack: a stack overflow, or a pointer
      // that ran off a stack.
      if (fault.kind == FaultKind::page_fault && mm::is_stack_guard(f.far))
        fault.kind = FaultKind::stack_overflow;
      fault.set_message("kernel data abort (%s, fsc %#x) at %p%s",
                        (f.esr & (1 << 6)) ? "write" : "read", fsc, reinterpret_cast<void*>(f.far),
                        fault.kind == FaultKind::stack_overflow ? ", in a stack guard page" : "");
      break;
    case kEcInstrAbortSame:
      fault.kind = FaultKind::instruction_fault;
      fault.address = f.far;
      fault.set_message("kernel instruction abort (fsc %#x) at %p", fsc,
                        reinterpret_cast<void*>(f.far));
      break;
    case kEcUnknown:
    case kEcIllegalState:
    case kEcBrk:
      fault.kind = FaultKind::undefined_instruction;
      fault.set_message("undefined instruction (esr %#lx)", static_cast<unsigned long>(f.esr));
      break;
    case kEcFpAccess:
      fault.kind = FaultKind::undefined_instruction;
      fault.set_message("FP/SIMD instruction in the kernel");
      break;
    case kEcPcAlign:
    case kEcSpAlign:
      fault.kind = FaultKind::alignment;
      fault.address = ec == kEcPcAlign ? f.far : f.sp;
      fault.set_message("misaligned %s", ec == kEcPcAlign ? "pc" : "sp");
      break;
    default:
      fault.kind = FaultKind::unknown_trap;
      fault.address = f.far;
      fault.set_message("exception class %#x (esr %#lx)", ec, static_cast<unsigned long>(f.esr));
      break;
  }
  return fault;
}

}  // namespace
}  // namespace arch::aarch64

using arch::aarch64::TrapFrame;

extern "C" uint64_t aarch64_trap_sync(TrapFrame* frame) {
  const recovery::Fault fault = arch::aarch64::describe(*frame);
  if (!recovery::on_kernel_fault(fault)) return 0;
  if (!recovery::has_unwind_info(frame->pc)) {
    // A branch to an address with no code (a bad function pointer): nothing
    // there can be unwound, so raise the fault at the call site, the branch
    // before the return address in LR, with the registers as they are.
    frame->pc = frame->x[30] - 4;
    if (!recovery::has_unwind_info(frame->pc)) recovery::halt_with(fault);
  }
  return 1;  // vectors.S resumes in fault_trampoline
}

extern "C" [[noreturn]] void aarch64_trap_unexpected(TrapFrame* frame) {
  recovery::Fault fault = arch::aarch64::describe(*frame);
  recovery::halt_with(fault);
}

extern "C" [[noreturn]] void arch_throw_fault(TrapFrame* frame) {
  recovery::throw_fault(arch::aarch64::describe(*frame));
}
