/* Sleeps argv[1] milliseconds; exits 0 if it woke on time (not early, and
   not more than 30 ms late), 1 if early, 2 if late. */
#include "rebound_sys.h"

int main(int argc, char** argv) {
  uint64_t ms = 50;
  if (argc > 1) {
    ms = 0;
    for (const char* s = argv[1]; *s >= '0' && *s <= '9'; ++s) ms = ms * 10 + (uint64_t)(*s - '0');
  }
  const uint64_t start = rb_clock();
  rb_sleep(ms * 1000000);
  const uint64_t slept = rb_clock() - start;
  if (slept < ms * 1000000) return 1;
  if (slept > (ms + 30) * 1000000) return 2;
  return 0;
}
