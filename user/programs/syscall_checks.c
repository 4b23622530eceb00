/* Every system call that takes a handle or a pointer, given bad ones: each
   must fail with the documented error (docs/syscalls.md), and the process
   must live to report it. Exits with the number of failed checks. */
#include "rebound_sys.h"

static int failures;

static void expect(const char* what, uint64_t got, uint64_t want) {
  if (got == want) return;
  ++failures;
  char buf[24];
  rb_print("CHECK FAILED: ");
  rb_print(what);
  rb_print(": got ");
  rb_print(rb_utoa(got, buf));
  rb_print(", want ");
  rb_print(rb_utoa(want, buf));
  rb_print("\n");
}

#define E(x) ((uint64_t)(x))

int main(void) {
  static char data[64] = "some data";
  const uint64_t kernel = 0xffff800000001000ull;
  const uint64_t unmapped = 0x300000000000ull;

  /* Unknown numbers. */
  expect("unknown syscall", RB_SYS0(REBOUND_SYS_COUNT).error, E(unknown_syscall));
  expect("huge syscall number", RB_SYS0(~0ull).error, E(unknown_syscall));

  /* Bad user pointers: unmapped, kernel, null, wrapping, too long, read-only target. */
  expect("write: unmapped", RB_SYS2(REBOUND_SYS_DEBUG_WRITE, unmapped, 4).error, E(bad_address));
  expect("write: kernel", RB_SYS2(REBOUND_SYS_DEBUG_WRITE, kernel, 4).error, E(bad_address));
  expect("write: null", RB_SYS2(REBOUND_SYS_DEBUG_WRITE, 0, 4).error, E(bad_address));
  expect("write: wraps", RB_SYS2(REBOUND_SYS_DEBUG_WRITE, ~0ull - 2, 4).error, E(bad_address));
  expect("write: too long", RB_SYS2(REBOUND_SYS_DEBUG_WRITE, data, 1 << 20).error,
         E(invalid_argument));
  expect("snapshot: read-only target",
         RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, (uint64_t)(uintptr_t) "read-only string").error,
         E(bad_address));
  expect("snapshot: kernel", RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, kernel).error, E(bad_address));
  expect("spawn: bad name", RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, unmapped, 5, 0, 0).error,
         E(bad_address));
  expect("spawn: no such image", RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, "nope", 4, 0, 0).error,
         E(not_found));
  expect("spawn: bad argv", RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, "hello", 5, kernel, 8).error,
         E(bad_address));
  expect("spawn: bad handle to give",
         RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "hello", 5, 0, 0, 0xffffffffull).error, E(bad_handle));
  expect("spawn: stale handle to give",
         RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "hello", 5, 0, 0, 0x00070001ull).error,
         E(stale_handle));

  /* Bad, stale and insufficient handles. */
  expect("join: handle 0", RB_SYS1(REBOUND_SYS_THREAD_JOIN, 0).error, E(bad_handle));
  expect("join: huge handle", RB_SYS1(REBOUND_SYS_THREAD_JOIN, 0xffffffffull).error, E(bad_handle));
  expect("wait: never issued", RB_SYS1(REBOUND_SYS_PROCESS_WAIT, 0x00050001ull).error,
         E(stale_handle));
  expect("close: handle 0", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, 0).error, E(bad_handle));

  struct rb_result child = RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, "hello", 5, "hello", 6);
  expect("spawn hello", child.error, 0);
  const uint64_t h = child.value;
  expect("join a process handle", RB_SYS1(REBOUND_SYS_THREAD_JOIN, h).error, E(wrong_type));
  struct rb_result weak = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, h, REBOUND_RIGHT_WAIT);
  expect("duplicate", weak.error, 0);
  expect("kill without the right", RB_SYS1(REBOUND_SYS_PROCESS_KILL, weak.value).error,
         E(access_denied));
  expect("duplicate without the right",
         RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, weak.value, REBOUND_RIGHT_WAIT).error,
         E(access_denied));
  struct rb_result st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, weak.value);
  expect("wait through the duplicate", st.error, 0);
  expect("hello's status", st.value, 0);
  expect("map a process handle",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, h, 0, 0, 4096, REBOUND_VM_READ).error, E(wrong_type));
  expect("close", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h).error, 0);
  expect("wait: stale", RB_SYS1(REBOUND_SYS_PROCESS_WAIT, h).error, E(stale_handle));
  expect("close: stale", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h).error, E(stale_handle));

  /* Memory calls with bad arguments. */
  expect("map: misaligned", RB_SYS3(REBOUND_SYS_VM_MAP, 0x500001, 4096, REBOUND_VM_READ).error,
         E(invalid_argument));
  expect("map: W+X",
         RB_SYS3(REBOUND_SYS_VM_MAP, 0x50000000, 4096,
                 REBOUND_VM_READ | REBOUND_VM_WRITE | REBOUND_VM_EXECUTE)
             .error,
         E(invalid_argument));
  expect("map: kernel half", RB_SYS3(REBOUND_SYS_VM_MAP, kernel, 4096, REBOUND_VM_READ).error,
         E(out_of_range));
  expect("map: bad perms", RB_SYS3(REBOUND_SYS_VM_MAP, 0x50000000, 4096, 0x80).error,
         E(invalid_argument));
  expect("unmap: nothing there", RB_SYS2(REBOUND_SYS_VM_UNMAP, 0x60000000, 4096).error,
         E(not_found));

  /* Memory objects: sizes, handles, rights, windows. */
  expect("memory: size 0", RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 0).error, E(invalid_argument));
  expect("memory: unaligned size", RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 100).error,
         E(invalid_argument));
  expect("memory: huge", RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 1ull << 40).error, E(invalid_argument));
  expect("map memory: handle 0",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, 0, 0, 0, 4096, REBOUND_VM_READ).error, E(bad_handle));
  expect("map memory: stale handle",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, 0x00090002ull, 0, 0, 4096, REBOUND_VM_READ).error,
         E(stale_handle));
  struct rb_result m = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 2 * 4096);
  expect("memory: create", m.error, 0);
  expect("map memory: bad perms",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, m.value, 0, 0, 4096, 0x80).error, E(invalid_argument));
  expect("map memory: W+X",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, m.value, 0, 0, 4096,
                 REBOUND_VM_READ | REBOUND_VM_WRITE | REBOUND_VM_EXECUTE)
             .error,
         E(invalid_argument));
  expect("map memory: past the end",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, m.value, 0, 4096, 2 * 4096, REBOUND_VM_READ).error,
         E(out_of_range));
  expect("map memory: offset wraps",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, m.value, 0, ~0ull << 12, 4096, REBOUND_VM_READ).error,
         E(out_of_range));
  expect("map memory: unaligned offset",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, m.value, 0, 12, 4096, REBOUND_VM_READ).error,
         E(invalid_argument));
  expect("map memory: kernel half",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, m.value, kernel, 0, 4096, REBOUND_VM_READ).error,
         E(out_of_range));
  struct rb_result rx = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, m.value,
                                REBOUND_RIGHT_MAP | REBOUND_RIGHT_READ | REBOUND_RIGHT_EXECUTE);
  expect("memory: duplicate read+execute", rx.error, 0);
  expect(
      "map memory: write without the right",
      RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, rx.value, 0, 0, 4096, REBOUND_VM_READ | REBOUND_VM_WRITE)
          .error,
      E(access_denied));
  expect("join a memory handle", RB_SYS1(REBOUND_SYS_THREAD_JOIN, m.value).error, E(wrong_type));

  /* Address-space handles: from a process handle with MAP; the last
     argument of every VM call. */
  expect("space: handle 0", RB_SYS1(REBOUND_SYS_PROCESS_SPACE, 0).error, E(bad_handle));
  expect("space: of a memory handle", RB_SYS1(REBOUND_SYS_PROCESS_SPACE, m.value).error,
         E(wrong_type));
  struct rb_result spinner = RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, "spin", 4,
                                     "spin\0"
                                     "20000",
                                     11);
  expect("spawn a spinner (killed below)", spinner.error, 0);
  struct rb_result waiter =
      RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, spinner.value, REBOUND_RIGHT_WAIT | REBOUND_RIGHT_KILL);
  expect("space: process handle without MAP",
         RB_SYS1(REBOUND_SYS_PROCESS_SPACE, waiter.value).error, E(access_denied));
  struct rb_result space = RB_SYS1(REBOUND_SYS_PROCESS_SPACE, spinner.value);
  expect("space", space.error, 0);
  struct rb_result blind =
      RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, space.value, REBOUND_RIGHT_DUPLICATE);
  expect("space: duplicate without MAP", blind.error, 0);
  expect("vm_map: space without MAP",
         RB_SYS4(REBOUND_SYS_VM_MAP, 0x50000000, 4096, REBOUND_VM_READ, blind.value).error,
         E(access_denied));
  expect("vm_unmap: space without MAP",
         RB_SYS3(REBOUND_SYS_VM_UNMAP, 0x50000000, 4096, blind.value).error, E(access_denied));
  expect("vm_protect: space without MAP",
         RB_SYS4(REBOUND_SYS_VM_PROTECT, 0x50000000, 4096, REBOUND_VM_READ, blind.value).error,
         E(access_denied));
  expect(
      "map memory: space without MAP",
      RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, m.value, 0, 0, 4096, REBOUND_VM_READ, blind.value).error,
      E(access_denied));
  expect("vm_map: a memory handle as the space",
         RB_SYS4(REBOUND_SYS_VM_MAP, 0x50000000, 4096, REBOUND_VM_READ, m.value).error,
         E(wrong_type));
  expect("vm_map: a process handle as the space",
         RB_SYS4(REBOUND_SYS_VM_MAP, 0x50000000, 4096, REBOUND_VM_READ, spinner.value).error,
         E(wrong_type));
  expect("vm_unmap: bad space handle",
         RB_SYS3(REBOUND_SYS_VM_UNMAP, 0x50000000, 4096, 0xffffffffull).error, E(bad_handle));
  expect("vm_map into the spinner",
         RB_SYS4(REBOUND_SYS_VM_MAP, 0x50000000, 4096, REBOUND_VM_READ, space.value).error, 0);
  expect("vm_protect in the spinner",
         RB_SYS4(REBOUND_SYS_VM_PROTECT, 0x50000000, 4096, REBOUND_VM_READ | REBOUND_VM_WRITE,
                 space.value)
             .error,
         0);
  expect("vm_unmap in the spinner",
         RB_SYS3(REBOUND_SYS_VM_UNMAP, 0x50000000, 4096, space.value).error, 0);
  expect("vm_unmap: nothing left there",
         RB_SYS3(REBOUND_SYS_VM_UNMAP, 0x50000000, 4096, space.value).error, E(not_found));
  expect("kill the spinner", RB_SYS1(REBOUND_SYS_PROCESS_KILL, spinner.value).error, 0);
  expect("wait for it", RB_SYS1(REBOUND_SYS_PROCESS_WAIT, waiter.value).error, 0);
  expect("space: of an ended process", RB_SYS1(REBOUND_SYS_PROCESS_SPACE, spinner.value).error,
         E(not_found));
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, blind.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, space.value);
  expect("vm_map: closed space handle",
         RB_SYS4(REBOUND_SYS_VM_MAP, 0x50000000, 4096, REBOUND_VM_READ, space.value).error,
         E(stale_handle));
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, waiter.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, spinner.value);
  expect("space: stale process handle", RB_SYS1(REBOUND_SYS_PROCESS_SPACE, spinner.value).error,
         E(stale_handle));
  expect("memory: close", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, m.value).error, 0);
  expect("memory: close the duplicate", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, rx.value).error, 0);
  expect("map memory: closed handle",
         RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, m.value, 0, 0, 4096, REBOUND_VM_READ).error,
         E(stale_handle));

  /* Fault handler entries: in the user half (aarch64: 4-byte aligned), or 0 for none. */
  expect("fault handler: kernel", RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, kernel).error,
         E(invalid_argument));
  expect("fault handler: non-canonical",
         RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, 0x0000800000000000ull).error, E(invalid_argument));
  expect("fault handler: all ones", RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, ~0ull).error,
         E(invalid_argument));
  expect("fault handler: null page", RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, 0x1000).error,
         E(invalid_argument));
#if defined(__aarch64__)
  expect("fault handler: misaligned", RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, 0x400002).error,
         E(invalid_argument));
#endif
  expect("fault handler: none", RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, 0).error, 0);

  rb_print(failures == 0 ? "syscall checks: all passed\n" : "syscall checks: FAILED\n");
  return failures;
}
