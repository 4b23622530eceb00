/* The registers user code sees across system calls and interrupts (x86_64
   and aarch64; elsewhere it exits 99: not written for that architecture
   yet). A system call preserves every register but the error and the values
   (x86_64: rax, rdx, r8; aarch64: x0, x1, x2) and, on x86_64, rcx and r11
   (which the syscall instruction itself clobbers); an interrupt -- the time
   slice ending in a busy loop -- preserves them all. On aarch64 the stack
   pointer and the user thread pointer TPIDR_EL0 are checked too (its value
   comes from argv[1]: two copies with different values, run at once, each
   check their own), and so is a WFI, which the kernel traps and skips.
   Exits with the number of failed checks. */
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
#elif defined(__aarch64__)
/* expected[0..30]: what run_* loads into x0-x30 before their instruction
   (the routine adds expected[31] = sp); compare_dump gets the registers
   after it (x0-x30, sp) and returns a mask of those that changed (bit n:
   xn, bit 31: sp), `ignored` aside. */
uint64_t expected[32];
static uint64_t ignored;
uint64_t run_svc(void);
uint64_t run_wfi(void);
uint64_t run_loop(void); /* counts x0 down to 0 */

__attribute__((used)) uint64_t compare_dump(const uint64_t* dump) {
  uint64_t mask = 0;
  for (int n = 0; n < 32; ++n)
    if (((ignored >> n) & 1) == 0 && dump[n] != expected[n]) mask |= (uint64_t)1 << n;
  return mask;
}

__asm__(
    "  .text\n"
    ".macro RUN name, kind\n"
    "  .global \\name\n"
    "\\name:\n"
    "  stp x29, x30, [sp, #-96]!\n"
    "  stp x19, x20, [sp, #16]\n"
    "  stp x21, x22, [sp, #32]\n"
    "  stp x23, x24, [sp, #48]\n"
    "  stp x25, x26, [sp, #64]\n"
    "  stp x27, x28, [sp, #80]\n"
    "  adrp x30, expected\n"
    "  add x30, x30, :lo12:expected\n"
    "  mov x17, sp\n"
    "  str x17, [x30, #248]\n"
    "  ldp x0, x1, [x30, #0]\n"
    "  ldp x2, x3, [x30, #16]\n"
    "  ldp x4, x5, [x30, #32]\n"
    "  ldp x6, x7, [x30, #48]\n"
    "  ldp x8, x9, [x30, #64]\n"
    "  ldp x10, x11, [x30, #80]\n"
    "  ldp x12, x13, [x30, #96]\n"
    "  ldp x14, x15, [x30, #112]\n"
    "  ldp x16, x17, [x30, #128]\n"
    "  ldp x18, x19, [x30, #144]\n"
    "  ldp x20, x21, [x30, #160]\n"
    "  ldp x22, x23, [x30, #176]\n"
    "  ldp x24, x25, [x30, #192]\n"
    "  ldp x26, x27, [x30, #208]\n"
    "  ldp x28, x29, [x30, #224]\n"
    "  ldr x30, [x30, #240]\n"
    "  .if \\kind == 0\n"
    "  svc #0\n"
    "  .elseif \\kind == 1\n"
    "  wfi\n"
    "  .else\n"
    "1:subs x0, x0, #1\n"
    "  b.ne 1b\n"
    "  .endif\n"
    "  sub sp, sp, #256\n"
    "  stp x0, x1, [sp, #0]\n"
    "  stp x2, x3, [sp, #16]\n"
    "  stp x4, x5, [sp, #32]\n"
    "  stp x6, x7, [sp, #48]\n"
    "  stp x8, x9, [sp, #64]\n"
    "  stp x10, x11, [sp, #80]\n"
    "  stp x12, x13, [sp, #96]\n"
    "  stp x14, x15, [sp, #112]\n"
    "  stp x16, x17, [sp, #128]\n"
    "  stp x18, x19, [sp, #144]\n"
    "  stp x20, x21, [sp, #160]\n"
    "  stp x22, x23, [sp, #176]\n"
    "  stp x24, x25, [sp, #192]\n"
    "  stp x26, x27, [sp, #208]\n"
    "  stp x28, x29, [sp, #224]\n"
    "  add x0, sp, #256\n"
    "  stp x30, x0, [sp, #240]\n"
    "  mov x0, sp\n"
    "  bl compare_dump\n"
    "  add sp, sp, #256\n"
    "  ldp x19, x20, [sp, #16]\n"
    "  ldp x21, x22, [sp, #32]\n"
    "  ldp x23, x24, [sp, #48]\n"
    "  ldp x25, x26, [sp, #64]\n"
    "  ldp x27, x28, [sp, #80]\n"
    "  ldp x29, x30, [sp], #96\n"
    "  ret\n"
    ".endm\n"
    "  RUN run_svc, 0\n"
    "  RUN run_wfi, 1\n"
    "  RUN run_loop, 2\n");

static void load_patterns(uint64_t ignore) {
  for (int n = 0; n < 31; ++n) expected[n] = 0xa5a5a5a500000000ull + (uint64_t)n * 0x01010101u;
  ignored = ignore;
}

static uint64_t syscall_changes(uint64_t number, uint64_t arg0) {
  load_patterns(7); /* x0: the error, x1 and x2: the values */
  expected[8] = number;
  expected[0] = arg0;
  return run_svc();
}

static uint64_t wfi_changes(void) {
  load_patterns(0);
  return run_wfi();
}

static uint64_t loop_changes(uint64_t iterations) {
  load_patterns(1); /* x0: the counter */
  expected[0] = iterations;
  return run_loop();
}

static uint64_t tls(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
  return v;
}
#endif

#if defined(__x86_64__) || defined(__aarch64__)
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

#if defined(__aarch64__)
static uint64_t tls_value;

static void expect_tls(const char* what) {
  if (tls() == tls_value) return;
  ++failures;
  rb_print("CHECK FAILED: ");
  rb_print(what);
  rb_print(": TPIDR_EL0 changed\n");
}
#else
static void expect_tls(const char* what) { (void)what; }
#endif

int main(int argc, char** argv) {
#if defined(__aarch64__)
  tls_value = 0x7e57000000000000ull;
  if (argc > 1)
    for (const char* s = argv[1]; *s >= '0' && *s <= '9'; ++s) tls_value += (uint64_t)(*s - '0');
  __asm__ volatile("msr tpidr_el0, %0" ::"r"(tls_value));
  expect_none("wfi", wfi_changes());
  expect_tls("wfi");
#else
  (void)argc, (void)argv;
#endif
  expect_none("null", syscall_changes(REBOUND_SYS_NULL, 0));
  expect_none("clock", syscall_changes(REBOUND_SYS_CLOCK, 0));
  expect_none("yield", syscall_changes(REBOUND_SYS_YIELD, 0));
  expect_none("sleep 1 ms", syscall_changes(REBOUND_SYS_SLEEP, 1000000));
  expect_none("unknown number", syscall_changes(REBOUND_SYS_COUNT, 0));
  expect_tls("system calls");
  /* Spin until at least three ticks' worth of time passed in one loop: the
     tick interrupted it (and the scheduler may have run others). */
  uint64_t iterations = 1 << 20, elapsed = 0;
  for (int round = 0; round < 16 && elapsed < 30000000; ++round, iterations *= 2) {
    const uint64_t start = rb_clock();
    expect_none("busy loop", loop_changes(iterations));
    elapsed = rb_clock() - start;
  }
  expect_tls("busy loop");
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
