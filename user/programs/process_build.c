/* Builds a process by hand, as the TAS's process server does from a file
   (PROCESS_CREATE, PROCESS_SPACE, memory mapped into the child, PROCESS_START):
   a code page whose three instructions exit with the argc they were started
   with, and a stack. Checks the exit code (argc reached the child's first
   argument register), and the refusals: a second start, a kernel-half or
   unaligned entry, a handle without MAP, a killed child, a bad name. Exits
   with the number of failed checks. */
#include "rb_check.h"

#if defined(__aarch64__)
/* mov x8, #2 (EXIT); svc #0 -- x0 holds argc at entry */
static const uint32_t kCode[] = {0xd2800048u, 0xd4000001u};
#else
/* mov eax, 2 (EXIT); syscall -- rdi holds argc at entry */
static const unsigned char kCode[] = {0xb8, 0x02, 0x00, 0x00, 0x00, 0x0f, 0x05};
#endif

#define CODE_AT 0x400000ull
#define STACK_TOP 0x7fff00000000ull
#define STACK_SIZE 65536ull

static uint64_t create(const char* name, rebound_handle* child) {
  const struct rb_result r = RB_SYS2(REBOUND_SYS_PROCESS_CREATE, name, rb_strlen(name));
  *child = (rebound_handle)r.value;
  return r.error;
}

/* Code and stack in the child's address space; the error. */
static uint64_t fill(rebound_handle child) {
  const struct rb_result space = RB_SYS1(REBOUND_SYS_PROCESS_SPACE, child);
  if (space.error != 0) return space.error;
  const struct rb_result memory = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 4096);
  if (memory.error != 0) return memory.error;
  const struct rb_result here = RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, memory.value, 0, 0, 4096,
                                        REBOUND_VM_READ | REBOUND_VM_WRITE, 0);
  if (here.error != 0) return here.error;
  __builtin_memcpy((void*)(uintptr_t)here.value, kCode, sizeof kCode);
  RB_SYS3(REBOUND_SYS_VM_UNMAP, here.value, 4096, 0);
  uint64_t e = RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, memory.value, CODE_AT, 0, 4096,
                       REBOUND_VM_READ | REBOUND_VM_EXECUTE, space.value)
                   .error;
  if (e == 0)
    e = RB_SYS4(REBOUND_SYS_VM_MAP, STACK_TOP - STACK_SIZE, STACK_SIZE,
                REBOUND_VM_READ | REBOUND_VM_WRITE, space.value)
            .error;
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, memory.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, space.value);
  return e;
}

static uint64_t start(rebound_handle child, uint64_t pc, uint64_t sp, uint64_t argc) {
  return RB_SYS6(REBOUND_SYS_PROCESS_START, child, pc, sp, argc, 0, 0).error;
}

int main(void) {
  rebound_handle child = 0;
  check("create", create("built", &child) == 0);
  check("fill", fill(child) == 0);
  check("a pc in the kernel half", start(child, 0xffff800000000000ull, STACK_TOP, 1) ==
                                        invalid_argument);
  check("an unaligned stack", start(child, CODE_AT, STACK_TOP - 8, 1) == invalid_argument);
  const struct rb_result weak = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, child, REBOUND_RIGHT_WAIT);
  check("a handle without MAP", weak.error == 0 && start((rebound_handle)weak.value, CODE_AT,
                                                         STACK_TOP, 1) == access_denied);
  check("running before it starts", RB_SYS1(REBOUND_SYS_PROCESS_STATUS, child).value == 0);
  check("start", start(child, CODE_AT, STACK_TOP, 42) == 0);
  check("a second start", start(child, CODE_AT, STACK_TOP, 1) == already_exists);
  const struct rb_result status = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child);
  check("the child exited with its argc", status.error == 0 && status.value == 42);
  const struct rb_result ended = RB_SYS1(REBOUND_SYS_PROCESS_STATUS, child);
  check("its status without waiting",
        ended.error == 0 && ended.value == (REBOUND_STATUS_ENDED | 42));
  check("status needs WAIT", RB_SYS1(REBOUND_SYS_PROCESS_STATUS, 0).error == bad_handle);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, weak.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);

  /* Killed before it started: it has ended, and cannot start. */
  rebound_handle doomed = 0;
  check("create another", create("doomed", &doomed) == 0 && fill(doomed) == 0);
  check("kill it", RB_SYS1(REBOUND_SYS_PROCESS_KILL, doomed).error == 0);
  const struct rb_result killed = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, doomed);
  check("its status: killed", killed.error == 0 && (killed.value & REBOUND_STATUS_KILLED) != 0);
  check("a start after the end", start(doomed, CODE_AT, STACK_TOP, 1) == not_found);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, doomed);

  /* Never started, only closed: nothing of it stays (the ktest's snapshot). */
  rebound_handle unused = 0;
  check("create a third", create("unused", &unused) == 0 && fill(unused) == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, unused);

  check("an empty name", RB_SYS2(REBOUND_SYS_PROCESS_CREATE, "x", 0).error == invalid_argument);
  check("a name out of reach",
        RB_SYS2(REBOUND_SYS_PROCESS_CREATE, 0xffff800000000000ull, 4).error == bad_address);
  check("start myself", RB_SYS6(REBOUND_SYS_PROCESS_START, 0, CODE_AT, STACK_TOP, 1, 0, 0).error ==
                            bad_handle);
  rb_print(failures == 0 ? "process_build: all passed\n" : "process_build: FAILED\n");
  return failures;
}
