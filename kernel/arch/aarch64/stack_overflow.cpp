// aarch64 kernel stack overflow: the exception vectors found that the trap
// frame of an exception taken in the kernel would not lie on a kernel stack
// (vectors.S explains the check) and saved it on this CPU's overflow stack
// instead. Nothing can resume or unwind on a stack with no room left, so this
// halts with a "kernel stack overflow" panic, whether or not the overflow
// happened inside a catch_unwind region.
#include <cstddef>

#include "arch/aarch64/trap_frame.h"
#include "arch/arch.h"
#include "core/cpu_local.h"
#include "mm/kernel_stack.h"
#include "recovery/panic.h"

// What vectors.S assumes.
static_assert(offsetof(core::CpuLocal, overflow_stack_top) == 32,
              "CPU_LOCAL_OVERFLOW_STACK_TOP in vectors.S");
static_assert(mm::kKernelStackSlotSize == 1 << 16 && mm::kKernelStackSize == 1 << 14,
              "STACK_BIT_LOW/HIGH in vectors.S: a stack is the top quarter of its 64 KiB slot");

extern "C" [[noreturn]] void aarch64_stack_overflow(arch::aarch64::TrapFrame* frame) {
  // The report runs on the overflow stack from its top. Should it overflow
  // that stack too, the vectors come back here: stop without printing more.
  static bool reporting = false;
  if (reporting) {
    static const char kAgain[] = "\nKERNEL PANIC: kernel stack overflow while reporting one\n";
    arch::console_write(kAgain, sizeof kAgain - 1);
    arch::shutdown(arch::kExitPanic);
  }
  reporting = true;
  // A fault while reporting must halt too, never unwind into the overflowed
  // stack: leave every catch_unwind region.
  recovery::current_state().region_depth = 0;

  constexpr unsigned kEcDataAbortSame = 0x25;
  recovery::Fault fault;
  fault.kind = recovery::FaultKind::stack_overflow;
  fault.pc = frame->pc;
  if ((frame->esr >> 26) == kEcDataAbortSame) fault.address = frame->far;
  fault.set_message("no room for a trap frame below sp %p (lr %p, esr %#lx)",
                    reinterpret_cast<void*>(frame->sp), reinterpret_cast<void*>(frame->x[30]),
                    static_cast<unsigned long>(frame->esr));
  // No backtrace: walking the overflowed stack is what cannot be trusted.
  recovery::halt_with(fault);
}
