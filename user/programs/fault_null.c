/* Reads through a null pointer: the kernel kills it with a page fault at 0. */
#include "rebound_sys.h"

int main(void) {
  volatile int* p = 0;
  __asm__ volatile("" : "+r"(p));
  return *p;
}
