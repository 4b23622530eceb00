/* Jumps into kernel memory: killed with an instruction fault there. */
#include "rebound_sys.h"

int main(void) {
#if defined(__aarch64__)
  void (*f)(void) = (void (*)(void))0xffff000040080000ull;
#else
  void (*f)(void) = (void (*)(void))0xffffffff80100000ull;
#endif
  __asm__ volatile("" : "+r"(f));
  f();
  return 0;
}
