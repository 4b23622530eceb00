// The register state saved on every exception and interrupt entry
// (vectors.S) and every entry from user mode (user_entry.S: system calls
// too), and the layout the fault trampoline's CFI describes. The assembly's
// offsets are in entry_macros.h: keep them in step.
#pragma once
#include <cstddef>
#include <cstdint>

namespace arch::x86_64 {

struct TrapFrame {
  uint64_t cr2;       // faulting address of a #PF
  uint64_t reserved;  // keeps the frame a multiple of 16 bytes
  // The general-purpose registers, in DWARF order (0-6, then 8-15; rsp, 7,
  // is the interrupted one below).
  uint64_t rax, rdx, rcx, rbx, rsi, rdi, rbp;
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t vector;      // pushed by the entry stub
  uint64_t error_code;  // pushed by the CPU, or 0 by the stub
  // The interrupt frame the CPU pushes (always all five in long mode).
  uint64_t rip, cs, rflags, rsp, ss;
};
// The CPU aligns the stack to 16 bytes before pushing its frame, so a frame of
// a multiple of 16 bytes leaves the stack aligned for the call to C++.
static_assert(sizeof(TrapFrame) == 192 && sizeof(TrapFrame) % 16 == 0);
static_assert(offsetof(TrapFrame, rax) == 16 && offsetof(TrapFrame, rbp) == 64);
static_assert(offsetof(TrapFrame, r8) == 72 && offsetof(TrapFrame, r15) == 128);
static_assert(offsetof(TrapFrame, vector) == 136 && offsetof(TrapFrame, rip) == 152);
static_assert(offsetof(TrapFrame, cs) == 160 && offsetof(TrapFrame, rflags) == 168);
static_assert(offsetof(TrapFrame, rsp) == 176 && offsetof(TrapFrame, ss) == 184);

}  // namespace arch::x86_64
