/* aarch64 user faults, one per run, chosen by argv[1]; the kernel must kill
   the process with the right fault (test_user_mode_aarch64.cpp). Exits 99
   on other architectures, and 98 if the instruction did not fault.
     fp      an FP/SIMD instruction (FP/SIMD is off for user code)
     sysreg  reading an EL1 system register
     daif    masking interrupts (SCTLR_EL1.UMA is 0: not from EL0)
     timer   stopping the virtual timer, the kernel's tick (CNTKCTL_EL1 is 0)
     pc      a branch to a misaligned address
     text    a write to its own code (mapped read-execute) */
#include "rebound_sys.h"

static int same(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

int main(int argc, char** argv) {
#if defined(__aarch64__)
  if (argc < 2) return 97;
  const char* what = argv[1];
  if (same(what, "fp")) {
    __asm__ volatile("fmov d0, xzr");
  } else if (same(what, "sysreg")) {
    uint64_t v;
    __asm__ volatile("mrs %0, cntkctl_el1" : "=r"(v));
  } else if (same(what, "daif")) {
    __asm__ volatile("msr daifset, #2");
  } else if (same(what, "timer")) {
    __asm__ volatile("msr cntv_ctl_el0, xzr");
  } else if (same(what, "pc")) {
    __asm__ volatile("adr x16, 1f\n add x16, x16, #2\n br x16\n 1: nop" ::: "x16");
  } else if (same(what, "text")) {
    volatile uint32_t* code = (volatile uint32_t*)(uintptr_t)&main;
    *code = 0xd503201f;  // nop
  } else {
    return 97;
  }
  return 98;
#else
  (void)argc, (void)argv, (void)same;
  return 99;
#endif
}
