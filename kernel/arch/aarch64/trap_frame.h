// The register state saved on every exception entry (vectors.S), and the
// layout the fault trampoline's CFI describes. Keep the three in step.
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

}  // namespace arch::aarch64
