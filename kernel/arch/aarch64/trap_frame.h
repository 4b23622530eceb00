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
// TrapFrame layout (sp = SP_EL0, pc = ELR_EL1, pstate = SPSR_EL1), and its
// thread pointer, which the kernel keeps per thread this way. It is always
// the top sizeof(UserFrame) bytes of the thread's own kernel stack (SP_EL1
// is the stack's top whenever the thread runs in user mode).
struct UserFrame {
  TrapFrame regs;
  uint64_t tpidr_el0;
  uint64_t reserved;  // 16-byte alignment
};
static_assert(sizeof(UserFrame) == 304 && offsetof(UserFrame, tpidr_el0) == 288);

}  // namespace arch::aarch64
