/* Busy-loops for argv[1] milliseconds of the monotonic clock without ever
   yielding or sleeping, and exits 0 only if it saw the clock jump by more than
   a millisecond between two of its own reads at least once: that is, it was
   preempted so that another thread could run. Exit 1: never preempted. */
#include "rebound_sys.h"

int main(int argc, char** argv) {
  uint64_t ms = 200;
  if (argc > 1) {
    ms = 0;
    for (const char* s = argv[1]; *s >= '0' && *s <= '9'; ++s) ms = ms * 10 + (uint64_t)(*s - '0');
  }
  const uint64_t start = rb_clock();
  uint64_t last = start, gaps = 0;
  for (;;) {
    const uint64_t now = rb_clock();
    if (now - last > 1000000) ++gaps;
    last = now;
    if (now - start >= ms * 1000000) break;
  }
  return gaps > 0 ? 0 : 1;
}
