/* A second thread that exits must not end the process; the first thread
   joins it, sees its exit code, and exits with its own. Then a second thread
   that faults must take the whole process with it (argv[1] == "fault"). */
#include "rebound_sys.h"

static volatile int counter;

static void worker(uint64_t arg) {
  counter += (int)arg;
  if (arg == 99) {
    volatile int* p = 0;
    __asm__ volatile("" : "+r"(p));
    counter = *p;  /* kills the process */
  }
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 40 + arg);
}

int main(int argc, char** argv) {
  const int fault = argc > 1 && argv[1][0] == 'f';
  struct rb_result stack = RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
  if (stack.error != 0) return 100;
  struct rb_result t = RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)worker,
                               stack.value + 65536, fault ? 99 : 2);
  if (t.error != 0) return 101;
  struct rb_result j = RB_SYS1(REBOUND_SYS_THREAD_JOIN, t.value);
  if (fault) return 102;  /* never: the worker's fault killed us */
  if (j.error != 0 || j.value != 42 || counter != 2) return 103;
  return 7;
}
