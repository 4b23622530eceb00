/* Executes an undefined instruction: killed with that fault. */
#include "rebound_sys.h"

int main(void) {
#if defined(__aarch64__)
  __asm__ volatile("udf #0");
#else
  __asm__ volatile("ud2");
#endif
  return 0;
}
