/* TLB shootdown, seen from user space: a second thread keeps reading a page
   while the first unmaps it. With two CPUs the reader runs on the other one,
   where the page's translation is cached; once the unmap returns, the
   reader's next read must fault (and its fault kills the process: the kernel
   test expects a page fault at the page's address). A reader that still reads
   after the unmap would mean a stale TLB entry on its CPU: exit code 2.
   Other exit codes: set-up failed. */
#include "rebound_sys.h"

static volatile uint64_t reads;  /* the reader's progress */

static void reader(uint64_t page) {
  for (;;) {
    (void)*(volatile uint64_t*)(uintptr_t)page;
    reads = reads + 1;
  }
}

int main(void) {
  struct rb_result page = RB_SYS3(REBOUND_SYS_VM_MAP, 0, 4096, REBOUND_VM_READ | REBOUND_VM_WRITE);
  if (page.error != 0) return 100;
  *(volatile uint64_t*)(uintptr_t)page.value = 1;  /* mapped for real */
  struct rb_result stack = RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
  if (stack.error != 0) return 101;
  struct rb_result t =
      RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)reader, stack.value + 65536, page.value);
  if (t.error != 0) return 102;
  while (reads < 1000) rb_yield();  /* the reader runs, the page in its TLB */
  if (RB_SYS2(REBOUND_SYS_VM_UNMAP, page.value, 4096).error != 0) return 103;
  /* From here the reader must fault within its next read. Give it time:
     100 ms, far more than one read. */
  const uint64_t after = reads;
  rb_sleep(100000000);
  return reads > after + 1 ? 2 : 104;  /* 104: it stopped reading, yet lives */
}
