/* Fault delivery (FAULT_HANDLER_SET, abi/rebound/fault_frame.h). With a
   handler set, a fault does not kill: the kernel writes the interrupted
   registers as a frame below the stack pointer and resumes at the handler
   with the frame's address in sp and the first argument register. The
   handler here (fh_entry, assembly, calling fh_handle) checks the frame
   against what the faulting code expects, then resumes after the faulting
   instruction by loading every register from the frame (fh_resume): the
   code that faulted finds its registers as they were, which it checks --
   so the frame must be complete and right. (aarch64: fh_resume needs one
   register to branch through, x16, the intra-procedure-call scratch
   register; every other register comes back.)

   In this process: a null read with a marker in every register, an
   undefined instruction, a breakpoint, a call to an unmapped address, a
   division by zero (x86_64), a fault inside the handler (nested), a demand-
   zero page (never delivered), and bad handler addresses. Children (argv[1])
   show what still kills: a fault after the handler was unset, a fault with
   sp at 0, unmapped or read-only (the frame cannot be written: killed with
   the original fault), a handler whose first instruction faults (nested
   until the stack runs out), and a fault loop that only a kill ends.
   Exits with the number of failed checks. */
#include "rb_check.h"
#include "rebound/fault_frame.h"

#define STR(x) #x
#define XSTR(x) STR(x)
#define MARK(n) (0xfa17f00d00000000ull | ((uint64_t)(n) << 8) | (uint64_t)(n))
#define UNMAPPED 0x300000000000ull /* canonical, in the user half, never mapped */

/* What the handler expects of the fault at each nesting depth. */
struct expectation {
  uint64_t kind, address;
  uintptr_t at;    /* the faulting instruction */
  uintptr_t after; /* where to resume; 0: return from a call (fetch fault) */
  int markers;     /* the registers hold fh_markers (fh_markers_fault) */
  int nest;        /* fault again inside the handler (fh_null) */
  uint64_t vector; /* x86_64 */
};
static struct expectation expect[2];
static volatile int handled, depth, loop_mode;
volatile uint64_t* fh_counter; /* shared with the parent (children) */

/* Shared with the assembly below. */
uint64_t fh_markers[32];   /* the value fh_markers_fault loads into register n */
uint64_t fh_saved[40];     /* registers after the resume: frame layout, flags at [33] */
uint64_t fh_fault_sp;      /* the stack pointer at fh_markers_at */
uint64_t fh_resume_target; /* x86_64: fh_resume's jump */

void fh_entry(void);       /* the handler entry */
void fh_count_entry(void); /* a handler entry that counts and faults at once */
void fh_resume(struct rebound_fault_frame* frame) __attribute__((noreturn));
void fh_markers_fault(void);     /* every register a marker, then a null read */
void fh_null(void);              /* a null read */
void fh_udf(void);               /* an undefined instruction */
void fh_breakpoint(void);        /* brk / int3 */
void fh_divide(void);            /* x86_64 (aarch64 division never traps): division by zero */
void fh_badsp_udf(uint64_t sp);  /* sp = the argument, then an undefined instruction */
void fh_badsp_null(uint64_t sp); /* sp = the argument, then a null read */
extern const char fh_markers_at[], fh_markers_after[], fh_null_at[], fh_null_after[], fh_udf_at[],
    fh_udf_after[], fh_breakpoint_at[], fh_breakpoint_after[], fh_divide_at[], fh_divide_after[];

#if defined(__aarch64__)
#define BASE_REGISTER 16 /* holds 0: the null read's base, and fh_resume's branch register */
#define SP_INDEX 31
#define PC_OF(f) ((f)->pc)
#define SP_OF(f) ((f)->sp)
#define REG_OF(f, n) ((f)->x[n])
#define REGISTERS 31
#define FLAGS_SET 0xa0000000ull /* N and C */
__asm__(
    "  .text\n"
    "  .global fh_entry\n"
    "fh_entry:\n" /* x0 = sp = the frame */
    "  mov x1, sp\n"
    "  mov x2, #0\n"
    "  bl fh_handle\n"
    "  udf #1\n"
    "  .global fh_count_entry\n"
    "fh_count_entry:\n"
    "  adrp x1, fh_counter\n"
    "  ldr x1, [x1, :lo12:fh_counter]\n"
    "  ldr x2, [x1]\n"
    "  add x2, x2, #1\n"
    "  str x2, [x1]\n"
    "  udf #2\n"
    "  .global fh_resume\n"
    "fh_resume:\n" /* x0 = the frame */
    "  ldr x16, [x0, #" XSTR(REBOUND_FAULT_FRAME_PSTATE) "]\n"
    "  msr nzcv, x16\n"
    "  ldp x2, x3, [x0, #16]\n  ldp x4, x5, [x0, #32]\n  ldp x6, x7, [x0, #48]\n"
    "  ldp x8, x9, [x0, #64]\n  ldp x10, x11, [x0, #80]\n  ldp x12, x13, [x0, #96]\n"
    "  ldp x14, x15, [x0, #112]\n  ldr x17, [x0, #136]\n  ldp x18, x19, [x0, #144]\n"
    "  ldp x20, x21, [x0, #160]\n  ldp x22, x23, [x0, #176]\n  ldp x24, x25, [x0, #192]\n"
    "  ldp x26, x27, [x0, #208]\n  ldp x28, x29, [x0, #224]\n  ldr x30, [x0, #240]\n"
    "  ldr x16, [x0, #" XSTR(REBOUND_FAULT_FRAME_SP) "]\n"
    "  mov sp, x16\n"
    "  ldr x16, [x0, #" XSTR(REBOUND_FAULT_FRAME_PC) "]\n"
    "  ldr x1, [x0, #8]\n"
    "  ldr x0, [x0]\n"
    "  br x16\n"
    "  .global fh_markers_fault\n"
    "fh_markers_fault:\n"
    "  stp x29, x30, [sp, #-96]!\n"
    "  stp x19, x20, [sp, #16]\n  stp x21, x22, [sp, #32]\n  stp x23, x24, [sp, #48]\n"
    "  stp x25, x26, [sp, #64]\n  stp x27, x28, [sp, #80]\n"
    "  adrp x16, fh_fault_sp\n"
    "  mov x17, sp\n"
    "  str x17, [x16, :lo12:fh_fault_sp]\n"
    "  movz x16, #0xa000, lsl #16\n"
    "  msr nzcv, x16\n"
    "  adrp x16, fh_markers\n"
    "  add x16, x16, :lo12:fh_markers\n"
    "  ldp x0, x1, [x16, #0]\n  ldp x2, x3, [x16, #16]\n  ldp x4, x5, [x16, #32]\n"
    "  ldp x6, x7, [x16, #48]\n  ldp x8, x9, [x16, #64]\n  ldp x10, x11, [x16, #80]\n"
    "  ldp x12, x13, [x16, #96]\n  ldp x14, x15, [x16, #112]\n  ldr x17, [x16, #136]\n"
    "  ldp x18, x19, [x16, #144]\n  ldp x20, x21, [x16, #160]\n  ldp x22, x23, [x16, #176]\n"
    "  ldp x24, x25, [x16, #192]\n  ldp x26, x27, [x16, #208]\n  ldp x28, x29, [x16, #224]\n"
    "  ldr x30, [x16, #240]\n"
    "  mov x16, #0\n"
    "  .global fh_markers_at\n"
    "fh_markers_at:\n"
    "  ldr x0, [x16]\n"
    "  .global fh_markers_after\n"
    "fh_markers_after:\n"
    "  adrp x16, fh_saved\n"
    "  add x16, x16, :lo12:fh_saved\n"
    "  stp x0, x1, [x16, #0]\n  stp x2, x3, [x16, #16]\n  stp x4, x5, [x16, #32]\n"
    "  stp x6, x7, [x16, #48]\n  stp x8, x9, [x16, #64]\n  stp x10, x11, [x16, #80]\n"
    "  stp x12, x13, [x16, #96]\n  stp x14, x15, [x16, #112]\n  str x17, [x16, #136]\n"
    "  stp x18, x19, [x16, #144]\n  stp x20, x21, [x16, #160]\n  stp x22, x23, [x16, #176]\n"
    "  stp x24, x25, [x16, #192]\n  stp x26, x27, [x16, #208]\n  stp x28, x29, [x16, #224]\n"
    "  str x30, [x16, #240]\n"
    "  mov x17, sp\n"
    "  str x17, [x16, #248]\n"
    "  mrs x17, nzcv\n"
    "  str x17, [x16, #264]\n"
    "  ldp x19, x20, [sp, #16]\n  ldp x21, x22, [sp, #32]\n  ldp x23, x24, [sp, #48]\n"
    "  ldp x25, x26, [sp, #64]\n  ldp x27, x28, [sp, #80]\n"
    "  ldp x29, x30, [sp], #96\n"
    "  ret\n"
    "  .global fh_null\n"
    "fh_null:\n"
    "  mov x9, #0\n"
    "  .global fh_null_at\n"
    "fh_null_at:\n"
    "  ldr x9, [x9]\n"
    "  .global fh_null_after\n"
    "fh_null_after:\n"
    "  ret\n"
    "  .global fh_udf\n"
    "fh_udf:\n"
    "  .global fh_udf_at\n"
    "fh_udf_at:\n"
    "  udf #7\n"
    "  .global fh_udf_after\n"
    "fh_udf_after:\n"
    "  ret\n"
    "  .global fh_breakpoint\n"
    "fh_breakpoint:\n"
    "  .global fh_breakpoint_at\n"
    "fh_breakpoint_at:\n"
    "  brk #7\n"
    "  .global fh_breakpoint_after\n"
    "fh_breakpoint_after:\n"
    "  ret\n"
    "  .global fh_badsp_udf\n"
    "fh_badsp_udf:\n"
    "  mov sp, x0\n"
    "  udf #8\n"
    "  .global fh_badsp_null\n"
    "fh_badsp_null:\n"
    "  mov x9, #0\n"
    "  mov sp, x0\n"
    "  ldr x9, [x9]\n"
    "  udf #9\n");
#elif defined(__x86_64__)
#define BASE_REGISTER 7 /* rsp: its index holds no marker */
#define SP_INDEX 7
#define PC_OF(f) ((f)->rip)
#define SP_OF(f) ((f)->rsp)
#define REG_OF(f, n) (((uint64_t*)(f))[n])
#define REGISTERS 16
#define FLAGS_SET 0x401ull /* CF and DF */
/* Loads or stores register n of the frame's order from/to fh_markers/fh_saved. */
#define FOR_REGISTERS(op)                                                                      \
  op(rax, 0) op(rdx, 8) op(rcx, 16) op(rbx, 24) op(rsi, 32) op(rdi, 40) op(rbp, 48) op(r8, 64) \
      op(r9, 72) op(r10, 80) op(r11, 88) op(r12, 96) op(r13, 104) op(r14, 112) op(r15, 120)
#define LOAD_MARKER(r, o) "  mov fh_markers+" #o "(%rip), %" #r "\n"
#define STORE_SAVED(r, o) "  mov %" #r ", fh_saved+" #o "(%rip)\n"
__asm__(
    "  .text\n"
    "  .global fh_entry\n"
    "fh_entry:\n" /* rdi = rsp = the frame */
    "  mov %rsp, %rsi\n"
    "  pushfq\n"
    "  pop %rdx\n"
    "  call fh_handle\n"
    "  ud2\n"
    "  .global fh_count_entry\n"
    "fh_count_entry:\n"
    "  mov fh_counter(%rip), %rax\n"
    "  incq (%rax)\n"
    "  ud2\n"
    "  .global fh_resume\n"
    "fh_resume:\n" /* rdi = the frame: every register comes back */
    "  mov " XSTR(REBOUND_FAULT_FRAME_RIP) "(%rdi), %rax\n"
    "  mov %rax, fh_resume_target(%rip)\n"
    "  pushq " XSTR(REBOUND_FAULT_FRAME_RFLAGS) "(%rdi)\n"
    "  popfq\n"
    "  mov 0(%rdi), %rax\n  mov 8(%rdi), %rdx\n  mov 16(%rdi), %rcx\n  mov 24(%rdi), %rbx\n"
    "  mov 32(%rdi), %rsi\n  mov 48(%rdi), %rbp\n  mov 64(%rdi), %r8\n  mov 72(%rdi), %r9\n"
    "  mov 80(%rdi), %r10\n  mov 88(%rdi), %r11\n  mov 96(%rdi), %r12\n  mov 104(%rdi), %r13\n"
    "  mov 112(%rdi), %r14\n  mov 120(%rdi), %r15\n"
    "  mov " XSTR(REBOUND_FAULT_FRAME_RSP) "(%rdi), %rsp\n"
    "  mov " XSTR(REBOUND_FAULT_FRAME_RDI) "(%rdi), %rdi\n"
    "  jmp *fh_resume_target(%rip)\n"
    "  .global fh_markers_fault\n"
    "fh_markers_fault:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rsp, fh_fault_sp(%rip)\n" FOR_REGISTERS(LOAD_MARKER)
    "  stc\n"
    "  std\n"
    "  .global fh_markers_at\n"
    "fh_markers_at:\n"
    "  movq 0, %rax\n"
    "  .global fh_markers_after\n"
    "fh_markers_after:\n" FOR_REGISTERS(STORE_SAVED)
    "  mov %rsp, fh_saved+56(%rip)\n"
    "  pushfq\n"
    "  popq fh_saved+264(%rip)\n"
    "  cld\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n"
    "  .global fh_null\n"
    "fh_null:\n"
    "  .global fh_null_at\n"
    "fh_null_at:\n"
    "  movq 0, %rax\n"
    "  .global fh_null_after\n"
    "fh_null_after:\n"
    "  ret\n"
    "  .global fh_udf\n"
    "fh_udf:\n"
    "  .global fh_udf_at\n"
    "fh_udf_at:\n"
    "  ud2\n"
    "  .global fh_udf_after\n"
    "fh_udf_after:\n"
    "  ret\n"
    "  .global fh_breakpoint\n"
    "fh_breakpoint:\n"
    "  .global fh_breakpoint_at\n"
    "fh_breakpoint_at:\n"
    "  int3\n"
    "  .global fh_breakpoint_after\n"
    "fh_breakpoint_after:\n"
    "  ret\n"
    "  .global fh_divide\n"
    "fh_divide:\n"
    "  xor %ecx, %ecx\n"
    "  xor %edx, %edx\n"
    "  mov $1, %eax\n"
    "  .global fh_divide_at\n"
    "fh_divide_at:\n"
    "  div %ecx\n"
    "  .global fh_divide_after\n"
    "fh_divide_after:\n"
    "  ret\n"
    "  .global fh_badsp_udf\n"
    "fh_badsp_udf:\n"
    "  mov %rdi, %rsp\n"
    "  ud2\n"
    "  .global fh_badsp_null\n"
    "fh_badsp_null:\n"
    "  mov %rdi, %rsp\n"
    "  movq 0, %rax\n"
    "  ud2\n");
#endif

static uint64_t set_handler(uintptr_t entry, uint64_t* previous) {
  struct rb_result r = RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, entry);
  if (previous != 0) *previous = r.value;
  return r.error;
}

static void check_markers(const struct rebound_fault_frame* f) {
  int wrong = 0;
  for (int n = 0; n < REGISTERS; ++n)
    if (n != SP_INDEX && REG_OF(f, n) != fh_markers[n]) ++wrong;
  check("frame: every register holds its marker", wrong == 0);
  check("frame: the interrupted stack pointer", SP_OF(f) == fh_fault_sp);
#if defined(__aarch64__)
  check("frame: the flags (NZCV)", (f->pstate & 0xf0000000u) == FLAGS_SET);
  check("frame: a data abort from EL0, a read",
        (f->syndrome >> 26) == 0x24 && (f->syndrome & (1u << 6)) == 0);
#else
  check("frame: the flags (CF, DF)", (f->rflags & FLAGS_SET) == FLAGS_SET);
  check("frame: a #PF from user mode, a read of a page not present",
        f->vector == 14 && (f->syndrome & 7) == 4);
#endif
}

/* Called by fh_entry with the frame, the stack pointer at the handler's
   entry and (x86_64) RFLAGS there. Never returns: resumes from the frame. */
__attribute__((used, noreturn)) void fh_handle(struct rebound_fault_frame* f, uintptr_t sp,
                                               uint64_t flags) {
  if (loop_mode) { /* resume at the faulting instruction itself: a fault loop */
    ++*fh_counter;
    fh_resume(f);
  }
  ++handled;
  const int d = depth++;
  const struct expectation* e = &expect[d < 2 ? d : 1];
  check("handler: sp and the argument are the frame", sp == (uintptr_t)f);
  check("handler: the frame right below the interrupted sp and its red zone",
        (uintptr_t)f ==
            ((SP_OF(f) - REBOUND_FAULT_FRAME_RED_ZONE - REBOUND_FAULT_FRAME_SIZE) & ~15ull));
#if defined(__x86_64__)
  check("handler: DF and TF clear", (flags & 0x500) == 0);
  check("frame: the vector", f->vector == e->vector);
#else
  (void)flags;
#endif
  check("frame: the kind", f->kind == e->kind);
  check("frame: the fault address", f->address == e->address);
  check("frame: pc is the faulting instruction", PC_OF(f) == e->at);
  if (e->markers) check_markers(f);
  if (e->nest) {
    const int before = handled;
    fh_null(); /* handled at depth 1, which resumes right after it */
    check("a nested fault was handled and came back", handled == before + 1 && depth == 1);
  }
  if (e->after != 0) {
    PC_OF(f) = e->after;
  } else { /* a call to nowhere: return to the caller */
#if defined(__aarch64__)
    f->pc = f->x[30];
#else
    f->rip = *(const uint64_t*)(uintptr_t)f->rsp;
    f->rsp += 8;
#endif
  }
  --depth;
  fh_resume(f);
}

static void expect_fault(int d, uint64_t kind, uint64_t address, const char* at, const char* after,
                         uint64_t vector) {
  expect[d] = (struct expectation){kind, address, (uintptr_t)at, (uintptr_t)after, 0, 0, vector};
}

/* One fault through the handler: `fault` must fault once, and come back. */
static void deliver(const char* what, void (*fault)(void)) {
  const int before = handled;
  fault();
  check(what, handled == before + 1);
}

static uint64_t spawn(const char* mode, uint64_t handle) {
  char block[64];
  uint64_t n = 0;
  for (const char* s = "fault_handler"; *s != '\0'; ++s) block[n++] = *s;
  block[n++] = '\0';
  for (const char* s = mode; *s != '\0' && n < sizeof block - 1; ++s) block[n++] = *s;
  block[n++] = '\0';
  struct rb_result r = RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "fault_handler", 13, block, n, handle);
  check("spawn a child", r.error == 0);
  return r.value;
}

/* Waits for a child; 1 if it was killed by `kind` at `address`. */
static int killed_by(uint64_t child, uint64_t kind, uint64_t address) {
  struct rb_result r = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);
  return r.error == 0 && (r.value & REBOUND_STATUS_KILLED) != 0 &&
         ((r.value >> REBOUND_STATUS_FAULT_SHIFT) & 0xff) == kind && r.value2 == address;
}

static int same(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

/* A child's case; returns only if the fault did not kill it. */
static int child(const char* mode) {
  if (rb_startup_handle != 0) {
    struct rb_result m = RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, rb_startup_handle, 0, 0, 4096,
                                 REBOUND_VM_READ | REBOUND_VM_WRITE);
    if (m.error != 0) return 90;
    fh_counter = (volatile uint64_t*)(uintptr_t)m.value;
  }
  if (rb_fault_handler_set((uintptr_t)fh_entry) != 0) return 91;
  if (same(mode, "unset")) {
    uint64_t previous = 0;
    if (set_handler(0, &previous) != 0 || previous != (uintptr_t)fh_entry) return 92;
    fh_null();
  } else if (same(mode, "sp0")) {
    fh_badsp_udf(0);
  } else if (same(mode, "sp-unmapped")) {
    fh_badsp_null(UNMAPPED);
  } else if (same(mode, "sp-read-only")) {
    fh_badsp_udf(0x400000 + 512); /* in our code */
  } else if (same(mode, "recurse")) {
    if (rb_fault_handler_set((uintptr_t)fh_count_entry) != 0) return 93;
    fh_null();
  } else if (same(mode, "loop")) {
    loop_mode = 1;
    fh_null();
  }
  return 99;
}

int main(int argc, char** argv) {
  if (argc > 1) return child(argv[1]);
  for (int n = 0; n < 32; ++n) fh_markers[n] = n == BASE_REGISTER ? 0 : MARK(n);

  /* Bad handler addresses; nothing set yet. */
  uint64_t previous = 1;
  check("handler in the kernel half: invalid_argument",
        set_handler(0xffff800000001000ull, 0) == invalid_argument);
  check("non-canonical handler: invalid_argument", set_handler(1ull << 47, 0) == invalid_argument);
  check("handler below the user base: invalid_argument",
        set_handler(0x1000, 0) == invalid_argument);
#if defined(__aarch64__)
  check("misaligned handler: invalid_argument",
        set_handler((uintptr_t)fh_entry + 2, 0) == invalid_argument);
#endif
  check("unset when none is set", set_handler(0, &previous) == 0 && previous == 0);
  check("set the handler", set_handler((uintptr_t)fh_entry, &previous) == 0 && previous == 0);
  check("set it again: the previous one comes back",
        set_handler((uintptr_t)fh_entry, &previous) == 0 && previous == (uintptr_t)fh_entry);

  /* A null read with a marker in every register: all in the frame, all back. */
  expect_fault(0, REBOUND_FAULT_PAGE_FAULT, 0, fh_markers_at, fh_markers_after, 14);
  expect[0].markers = 1;
  deliver("null read with markers delivered", fh_markers_fault);
  int wrong = 0;
  for (int n = 0; n < REGISTERS; ++n)
    if (n != SP_INDEX && n != BASE_REGISTER && fh_saved[n] != fh_markers[n]) ++wrong;
  check("resumed: every register as before the fault", wrong == 0);
  check("resumed: the stack pointer", fh_saved[SP_INDEX] == fh_fault_sp);
  check("resumed: the flags", (fh_saved[33] & FLAGS_SET) == FLAGS_SET);

  expect_fault(0, REBOUND_FAULT_UNDEFINED_INSTRUCTION, 0, fh_udf_at, fh_udf_after, 6);
  deliver("undefined instruction delivered", fh_udf);
  expect_fault(0, REBOUND_FAULT_UNDEFINED_INSTRUCTION, 0, fh_breakpoint_at, fh_breakpoint_after, 3);
  deliver("breakpoint delivered", fh_breakpoint);
#if defined(__x86_64__)
  expect_fault(0, REBOUND_FAULT_DIVIDE_ERROR, 0, fh_divide_at, fh_divide_after, 0);
  deliver("divide error delivered", fh_divide);
#endif
  /* A call to an unmapped address: an instruction fault there. */
  expect_fault(0, REBOUND_FAULT_INSTRUCTION_FAULT, UNMAPPED, (const char*)UNMAPPED, 0, 14);
  void (*volatile nowhere)(void) = (void (*)(void))(uintptr_t)UNMAPPED;
  deliver("instruction fault delivered", nowhere);

  /* A fault in the handler gets a frame of its own, and both come back. */
  expect_fault(0, REBOUND_FAULT_UNDEFINED_INSTRUCTION, 0, fh_udf_at, fh_udf_after, 6);
  expect[0].nest = 1;
  expect_fault(1, REBOUND_FAULT_PAGE_FAULT, 0, fh_null_at, fh_null_after, 14);
  const int before_nested = handled;
  fh_udf();
  check("nested: two faults handled", handled == before_nested + 2 && depth == 0);

  /* Demand paging comes first: a fresh page is never delivered. */
  struct rb_result page = RB_SYS3(REBOUND_SYS_VM_MAP, 0, 4096, REBOUND_VM_READ | REBOUND_VM_WRITE);
  check("map a page", page.error == 0);
  const int before_page = handled;
  *(volatile uint64_t*)(uintptr_t)page.value = 7;
  check("a demand-zero page is not delivered", handled == before_page);
  check("unset", set_handler(0, &previous) == 0 && previous == (uintptr_t)fh_entry);

  /* What kills even with a handler. */
  check("unset again: a fault kills", killed_by(spawn("unset", 0), REBOUND_FAULT_PAGE_FAULT, 0));
  check("sp 0: killed with the original fault",
        killed_by(spawn("sp0", 0), REBOUND_FAULT_UNDEFINED_INSTRUCTION, 0));
  check("sp unmapped: killed with the original fault",
        killed_by(spawn("sp-unmapped", 0), REBOUND_FAULT_PAGE_FAULT, 0));
  check("sp read-only: killed with the original fault",
        killed_by(spawn("sp-read-only", 0), REBOUND_FAULT_UNDEFINED_INSTRUCTION, 0));

  struct rb_result shared = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 4096);
  check("memory object", shared.error == 0);
  struct rb_result map = RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, shared.value, 0, 0, 4096,
                                 REBOUND_VM_READ | REBOUND_VM_WRITE);
  check("map it", map.error == 0);
  volatile uint64_t* count = (volatile uint64_t*)(uintptr_t)map.value;
  if (map.error == 0) {
    /* A handler that faults at once: frame after frame until the stack is
       used up (64 KiB: about 200 frames), then killed. */
    *count = 0;
    check("faulting handler: killed once the stack is used up",
          killed_by(spawn("recurse", shared.value), REBOUND_FAULT_UNDEFINED_INSTRUCTION, 0));
    check("faulting handler: nested many times first", *count > 100);
    /* A handler that resumes at the faulting instruction loops forever;
       a kill still ends it. */
    *count = 0;
    const uint64_t looper = spawn("loop", shared.value);
    for (int i = 0; i < 5000 && *count < 1000; ++i) rb_sleep(1000000);
    check("fault loop: runs", *count >= 1000);
    check("fault loop: kill", RB_SYS1(REBOUND_SYS_PROCESS_KILL, looper).error == 0);
    check("fault loop: killed", killed_by(looper, REBOUND_FAULT_KILLED, 0));
  }

  rb_print(failures == 0 ? "fault handler: all passed\n" : "fault handler: FAILED\n");
  return failures;
}
