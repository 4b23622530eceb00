/* The registers user code sees across system calls and interrupts (x86_64;
   elsewhere it exits 99: not written for that architecture yet). A system
   call preserves every register but rax (the error), rdx and r8 (the
   values), and rcx and r11 (which the syscall instruction itself clobbers);
   an interrupt -- the time slice ending in a busy loop -- preserves them
   all. Exits with the number of failed checks. */
#include "rebound_sys.h"

#if defined(__x86_64__)
/* Both set every register they check to its pattern first, and return a mask
   of the ones that changed (bit n: the n-th pattern below). */
uint64_t syscall_changes(uint64_t number, uint64_t arg0);
uint64_t loop_changes(uint64_t iterations);

__asm__(
    "  .section .rodata\n"
    "  .balign 8\n"
    "patterns:\n"
    "  .quad 0x1111111111111101, 0x2222222222222202, 0x3333333333333303, 0x4444444444444404\n"
    "  .quad 0x5555555555555505, 0x6666666666666606, 0x7777777777777707, 0x8888888888888808\n"
    "  .quad 0x9999999999999909, 0xaaaaaaaaaaaaaa0a, 0xbbbbbbbbbbbbbb0b, 0xcccccccccccccc0c\n"
    "  .quad 0xdddddddddddddd0d, 0xeeeeeeeeeeeeee0e\n"
    "  .text\n"
    /* Loads the patterns into rbx rbp r9 r10 r12 r13 r14 r15 rsi (0-8), and
       with \\all also into rax rcx rdx r8 r11 (9-13). */
    ".macro LOAD all\n"
    "  mov patterns+0(%rip), %rbx\n"
    "  mov patterns+8(%rip), %rbp\n"
    "  mov patterns+16(%rip), %r9\n"
    "  mov patterns+24(%rip), %r10\n"
    "  mov patterns+32(%rip), %r12\n"
    "  mov patterns+40(%rip), %r13\n"
    "  mov patterns+48(%rip), %r14\n"
    "  mov patterns+56(%rip), %r15\n"
    "  mov patterns+64(%rip), %rsi\n"
    "  .if \\all\n"
    "  mov patterns+72(%rip), %rax\n"
    "  mov patterns+80(%rip), %rcx\n"
    "  mov patterns+88(%rip), %rdx\n"
    "  mov patterns+96(%rip), %r8\n"
    "  mov patterns+104(%rip), %r11\n"
    "  .endif\n"
    ".endm\n"
    /* Sets bit n of \\mask if \\reg differs from pattern n. */
    ".macro CHECK reg, n, mask\n"
    "  cmp patterns+8*\\n(%rip), \\reg\n"
    "  je 1f\n"
    "  bts $\\n, \\mask\n"
    "1:\n"
    ".endm\n"
    ".macro SAVE\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    ".endm\n"
    ".macro RESTORE\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    ".endm\n"
    "  .global syscall_changes\n"
    "syscall_changes:\n" /* rdi = number, rsi = arg0 */
    "  SAVE\n"
    "  push %rsi\n"
    "  mov %rdi, %rax\n"
    "  LOAD 0\n"
    "  pop %rdi\n"         /* the argument; checked against itself below */
    "  push %rdi\n"
    "  syscall\n"
    "  xor %ecx, %ecx\n"   /* the mask (rcx is the syscall's anyway) */
    "  CHECK %rbx, 0, %rcx\n  CHECK %rbp, 1, %rcx\n  CHECK %r9, 2, %rcx\n"
    "  CHECK %r10, 3, %rcx\n  CHECK %r12, 4, %rcx\n  CHECK %r13, 5, %rcx\n"
    "  CHECK %r14, 6, %rcx\n  CHECK %r15, 7, %rcx\n  CHECK %rsi, 8, %rcx\n"
    "  pop %rax\n"
    "  cmp %rax, %rdi\n"
    "  je 2f\n"
    "  bts $14, %rcx\n"    /* rdi, the argument register, changed */
    "2:mov %rcx, %rax\n"
    "  RESTORE\n"
    "  ret\n"
    "  .global loop_changes\n"
    "loop_changes:\n" /* rdi = iterations */
    "  SAVE\n"
    "  LOAD 1\n"
    "3:dec %rdi\n"
    "  jnz 3b\n"           /* rdi = 0: the mask */
    "  CHECK %rbx, 0, %rdi\n  CHECK %rbp, 1, %rdi\n  CHECK %r9, 2, %rdi\n"
    "  CHECK %r10, 3, %rdi\n  CHECK %r12, 4, %rdi\n  CHECK %r13, 5, %rdi\n"
    "  CHECK %r14, 6, %rdi\n  CHECK %r15, 7, %rdi\n  CHECK %rsi, 8, %rdi\n"
    "  CHECK %rax, 9, %rdi\n  CHECK %rcx, 10, %rdi\n  CHECK %rdx, 11, %rdi\n"
    "  CHECK %r8, 12, %rdi\n  CHECK %r11, 13, %rdi\n"
    "  mov %rdi, %rax\n"
    "  RESTORE\n"
    "  ret\n");

static int failures;

static void expect_none(const char* what, uint64_t changed) {
  if (changed == 0) return;
  ++failures;
  char buf[24];
  rb_print("CHECK FAILED: ");
  rb_print(what);
  rb_print(": registers changed, mask ");
  rb_print(rb_utoa(changed, buf));
  rb_print("\n");
}

int main(void) {
  expect_none("null", syscall_changes(REBOUND_SYS_NULL, 0));
  expect_none("clock", syscall_changes(REBOUND_SYS_CLOCK, 0));
  expect_none("yield", syscall_changes(REBOUND_SYS_YIELD, 0));
  expect_none("sleep 1 ms", syscall_changes(REBOUND_SYS_SLEEP, 1000000));
  expect_none("unknown number", syscall_changes(REBOUND_SYS_COUNT, 0));
  /* Spin until at least three ticks' worth of time passed in one loop: the
     tick interrupted it (and the scheduler may have run others). */
  uint64_t iterations = 1 << 20, elapsed = 0;
  for (int round = 0; round < 16 && elapsed < 30000000; ++round, iterations *= 2) {
    const uint64_t start = rb_clock();
    expect_none("busy loop", loop_changes(iterations));
    elapsed = rb_clock() - start;
  }
  if (elapsed < 30000000) {
    ++failures;
    rb_print("CHECK FAILED: the busy loop never ran 30 ms\n");
  }
  rb_print(failures == 0 ? "registers: all preserved\n" : "registers: FAILED\n");
  return failures;
}
#else
int main(void) { return 99; }
#endif
