// The register state saved on every exception entry (vectors.S), and the
// layout the fault trampoline's CFI describes. Keep the three in step.
// Entries from user mode save a UserFrame (below).
#pragma once
#include <cstddef>
#include <cstdint>

namespace arch::aarch64 {

struct TrapFrame {
  uint64_t x[31];   // x0..x30 (x30 = LR)
  uint64_t sp;      // interrupted stack pointer
  uint64_t pc;      // ELR_EL1
  uint64_t pstate;  // SPSR_EL1
  uint64_t esr;     // ESR_EL1: exception class and syndrome
  uint64_t far;     // FAR_EL1: faulting address
};
static_assert(sizeof(TrapFrame) == 288 && sizeof(TrapFrame) % 16 == 0);
static_assert(offsetof(TrapFrame, sp) == 248 && offsetof(TrapFrame, pc) == 256);
static_assert(offsetof(TrapFrame, esr) == 272);

// The frame of an entry from user mode (EL0): the user's registers in the
// TrapFrame layout (sp = SP_EL0, pc = ELR_EL1, pstate = SPSR_EL1). It is
// always the top sizeof(UserFrame) bytes of the thread's own kernel stack
// (SP_EL1 is the stack's top whenever the thread runs in user mode). SP_EL0
// and TPIDR_EL0 are switched with the thread's kernel context instead
// (context.S), so `sp` is a copy for fault reports, never restored; a system
// call leaves x20-x27 and `sp` unwritten (vectors.S).
struct UserFrame {
  TrapFrame regs;
  uint64_t reserved[2];  // 16-byte alignment, and room for what comes
};
static_assert(sizeof(UserFrame) == 304);

}  // namespace arch::aarch64
