/* Busy-loops for argv[1] milliseconds of its own clock without ever
   yielding, then exits with how many times it saw the clock move: under a
   preemptive scheduler another spinner runs meanwhile. */
#include "rebound_sys.h"

static uint64_t parse(const char* s) {
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + (uint64_t)(*s - '0');
  return v;
}

int main(int argc, char** argv) {
  const uint64_t ms = argc > 1 ? parse(argv[1]) : 100;
  const uint64_t start = rb_clock();
  uint64_t spins = 0;
  while (rb_clock() - start < ms * 1000000) ++spins;
  rb_print(argc > 2 ? argv[2] : "spin");
  rb_print(" done\n");
  return 0;
}
