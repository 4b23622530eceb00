// x86_64 exceptions taken in the kernel: the IDT, and the decoding of a trap
// frame into a Fault for the portable policy (throw at the faulting
// instruction, or halt outside any catch_unwind region).
#include "arch/x86_64/traps.h"

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/io_permission.h"
#include "arch/x86_64/trap_frame.h"
#include "arch/x86_64/user_entry.h"
#include "core/user_boundary.h"
#include "mm/kernel_stack.h"
#include "recovery/panic.h"
#include "recovery/trap_to_exception.h"

extern "C" const uint64_t x86_64_trap_stubs[32];  // vectors.S
extern "C" const char x86_64_irq_stubs[];         // vectors.S: 16 bytes per vector from 32
extern "C" char boot_stack_guard[];               // boot.S: one page

namespace arch::x86_64 {
namespace {

using recovery::Fault;
using recovery::FaultKind;

enum Vector : uint64_t {
  kDivideError = 0,
  kDebug = 1,
  kNmi = 2,
  kBreakpoint = 3,
  kInvalidOpcode = 6,
  kDeviceNotAvailable = 7,
  kDoubleFault = 8,
  kSegmentNotPresent = 11,
  kStackSegment = 12,
  kGeneralProtection = 13,
  kPageFault = 14,
  kAlignmentCheck = 17,
  kMachineCheck = 18,
  kExceptionVectors = 32,
};

const char* const kVectorNames[kExceptionVectors] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range exceeded",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor segment overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack-segment fault",
    "#GP general protection",
    "#PF page fault",
    "reserved vector 15",
    "#MF x87 floating-point error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD floating-point error",
    "#VE virtualization exception",
    "#CP control protection",
    "reserved vector 22",
    "reserved vector 23",
    "reserved vector 24",
    "reserved vector 25",
    "reserved vector 26",
    "reserved vector 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security exception",
    "reserved vector 31",
};

// #PF error code bits.
constexpr uint64_t kPfPresent = 1 << 0, kPfWrite = 1 << 1, kPfReserved = 1 << 3, kPfFetch = 1 << 4,
                   kPfProtectionKey = 1 << 5;
// Selector error code (#GP, #NP, #SS, #TS): the index refers to the IDT.
constexpr uint64_t kSelectorIdt = 1 << 1;

const char* page_fault_reason(uint64_t error) {
  if ((error & kPfReserved) != 0) return "reserved bit set";
  if ((error & kPfProtectionKey) != 0) return "protection key";
  return (error & kPfPresent) != 0 ? "protection" : "not present";
}

// A fault of the kernel's (CPL 0) or of user code (CPL 3: `user`).
Fault describe(const TrapFrame& f, bool user = false) {
  Fault fault;
  fault.pc = f.rip;
  const auto error = static_cast<unsigned long>(f.error_code);
  switch (f.vector) {
    case kPageFault:
      fault.kind =
          (f.error_code & kPfFetch) != 0 ? FaultKind::instruction_fault : FaultKind::page_fault;
      fault.address = f.cr2;
      // A guard page below a kernel stack: a pointer that ran off a stack
      // (a real overflow cannot push this fault's frame: a double fault).
      if (!user && fault.kind == FaultKind::page_fault && mm::is_stack_guard(f.cr2))
        fault.kind = FaultKind::stack_overflow;
      fault.set_message("%s page fault (%s, %s) at %p%s", user ? "user" : "kernel",
                        (f.error_code & kPfFetch) != 0   ? "fetch"
                        : (f.error_code & kPfWrite) != 0 ? "write"
                                                         : "read",
                        page_fault_reason(f.error_code), reinterpret_cast<void*>(f.cr2),
                        fault.kind == FaultKind::stack_overflow ? ", in a stack guard page" : "");
      break;
    case kInvalidOpcode:
    case kBreakpoint:
      fault.kind = FaultKind::undefined_instruction;
      fault.set_message("%s", kVectorNames[f.vector]);
      break;
    case kDeviceNotAvailable:
      fault.kind = FaultKind::undefined_instruction;
      fault.set_message("x87/SSE instruction in %s (#NM)", user ? "user code" : "the kernel");
      break;
    case kDivideError:
      fault.kind = FaultKind::divide_error;
      fault.set_message("%s", kVectorNames[f.vector]);
      break;
    case kAlignmentCheck:
      fault.kind = FaultKind::alignment;
      fault.set_message("%s", kVectorNames[f.vector]);
      break;
    case kGeneralProtection:
    case kSegmentNotPresent:
    case kStackSegment:
      fault.kind = FaultKind::protection;
      // A vector without a gate: the error code is vector * 8 + 2 (QEMU 7.2's
      // TCG reports vector * 16 + 2 in long mode, fixed in later versions).
      // From user mode also an INT n to a ring-0 gate.
      if ((f.error_code & kSelectorIdt) != 0)
        fault.set_message("%s: %s interrupt vector %lu (error %#lx)", kVectorNames[f.vector],
                          user ? "user code may not raise" : "no gate for", error >> 3, error);
      else
        fault.set_message("%s (error %#lx)", kVectorNames[f.vector], error);
      break;
    default:
      fault.kind = FaultKind::unknown_trap;
      fault.set_message("%s (error %#lx)",
                        f.vector < kExceptionVectors ? kVectorNames[f.vector] : "bad vector",
                        error);
      break;
  }
  return fault;
}

// Failures no catch_unwind can take: halt without walking the stack, which
// may be what failed (a double fault on a kernel stack overflow).
[[noreturn]] void halt(const TrapFrame& frame, const char* why,
                       FaultKind kind = FaultKind::unknown_trap) {
  Fault fault = describe(frame);
  fault.kind = kind;
  fault.address = frame.vector == kDoubleFault ? frame.cr2 : 0;  // of the #PF before, if any
  fault.set_message("%s: %s (rsp %p)", kVectorNames[frame.vector], why,
                    reinterpret_cast<void*>(frame.rsp));
  recovery::halt_with(fault);
}

bool in_guard(uintptr_t address) {
  const auto boot_guard = reinterpret_cast<uintptr_t>(boot_stack_guard);
  return mm::is_stack_guard(address) || address - boot_guard < mm::kPageSize;
}

// The double fault of a stack overflow: the CPU could not push a fault's
// frame below RSP because it is in (or just above) a guard page. Then CR2,
// the address of that push, is in the guard, and usually RSP too.
bool overflowed(const TrapFrame& frame) { return in_guard(frame.cr2) || in_guard(frame.rsp); }

struct [[gnu::packed]] Gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
};
static_assert(sizeof(Gate) == 16);
constexpr uint8_t kInterruptGate = 0x8e;  // present, ring 0, interrupts off on entry
// The same, and INT3 in user code may raise it (a #BP, as aarch64's BRK is
// an exception of its own); other INT n from user mode raise #GP.
constexpr uint8_t kUserInterruptGate = 0xee;

// All 256 vectors: an interrupt without a gate raises a #GP naming it.
alignas(16) Gate g_idt[256];

Gate gate_to(uint64_t stub, uint8_t ist, uint8_t type = kInterruptGate) {
  return Gate{static_cast<uint16_t>(stub),
              X86_KERNEL_CS,
              ist,
              type,
              static_cast<uint16_t>(stub >> 16),
              static_cast<uint32_t>(stub >> 32),
              0};
}

}  // namespace

void idt_init() {
  for (unsigned v = 0; v < kExceptionVectors; ++v)
    g_idt[v] = gate_to(x86_64_trap_stubs[v], v == kDoubleFault ? kDoubleFaultIst : 0,
                       v == kBreakpoint ? kUserInterruptGate : kInterruptGate);
}

void idt_load() {
  struct [[gnu::packed]] {
    uint16_t limit;
    uint64_t base;
  } idtr{sizeof g_idt - 1, reinterpret_cast<uint64_t>(g_idt)};
  asm volatile("lidt %0" ::"m"(idtr) : "memory");
}

void idt_set_interrupt_gate(uint8_t vector) {
  KASSERT(vector >= kExceptionVectors);
  const auto stub =
      reinterpret_cast<uint64_t>(x86_64_irq_stubs) + 16 * (vector - kExceptionVectors);
  g_idt[vector] = gate_to(stub, 0);
}

}  // namespace arch::x86_64

using arch::x86_64::TrapFrame;

// An exception taken in the kernel (user_entry.S takes those from user mode).
extern "C" uint64_t x86_64_trap(TrapFrame* frame) {
  using namespace arch::x86_64;
  switch (frame->vector) {
    case kDoubleFault:
      if (overflowed(*frame)) halt(*frame, "a fault with no stack left", FaultKind::stack_overflow);
      halt(*frame, "a fault while delivering a fault");
    case kNmi: halt(*frame, "unexpected");
    case kMachineCheck: halt(*frame, "hardware error");
    case kBreakpoint: frame->rip -= 1; break;  // int3 traps after itself
    default: break;
  }
  const recovery::Fault fault = describe(*frame);
  if (!recovery::on_kernel_fault(fault)) return 0;
  if (!recovery::has_unwind_info(frame->rip)) {
    // A call through a bad function pointer: nothing at rip can be unwound.
    // Raise the fault at the call site instead: pop the return address the
    // call pushed and point rip into the call instruction (as an unwinder
    // does with a return address), the other registers as they are.
    frame->rip = *reinterpret_cast<const uint64_t*>(frame->rsp) - 1;
    frame->rsp += 8;
    if (!recovery::has_unwind_info(frame->rip)) recovery::halt_with(fault);
  }
  return 1;  // vectors.S resumes in fault_trampoline
}

extern "C" [[noreturn]] void arch_throw_fault(TrapFrame* frame) {
  recovery::throw_fault(arch::x86_64::describe(*frame));
}

// An exception taken in user mode (user_entry.S): a fault of the user
// program's, which kills its process unless the kernel resolves it (a
// demand-zero page: the instruction runs again) or the process has a fault
// handler to deliver it to. Never a kernel panic, except for what no
// program can cause.
extern "C" void x86_64_user_trap(TrapFrame* frame) {
  using namespace arch::x86_64;
  switch (frame->vector) {
    case kDoubleFault: halt(*frame, "a fault while delivering a fault from user mode");
    case kNmi: halt(*frame, "unexpected");
    case kMachineCheck: halt(*frame, "hardware error");
    default: break;
  }
  core::enter_from_user();
  // A demand-zero page first, before any Fault is built.
  if (frame->vector == kPageFault &&
      core::resolve_user_page_fault(frame->cr2, (frame->error_code & kPfWrite) != 0,
                                    (frame->error_code & kPfFetch) != 0)) {
    prepare_user_return(*frame);
    return;
  }
  // A port of the process's own that this CPU's I/O bitmap does not hold yet.
  if (const core::Process* p = core::current_thread().process();
      frame->vector == kGeneralProtection && frame->error_code == 0 && p != nullptr &&
      io_permission_fault(&p->io_ports())) {
    prepare_user_return(*frame);
    return;
  }
  recovery::Fault fault = describe(*frame, true);
  if (frame->vector == kBreakpoint) fault.pc -= 1;  // int3 traps after itself
  deliver_or_kill(*frame, fault);  // returns only if delivered: then resume at the handler
  prepare_user_return(*frame);
}
