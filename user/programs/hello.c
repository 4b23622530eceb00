/* Says hello through the kernel console and exits 0. */
#include "rebound_sys.h"

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  rb_print("hello from user mode\n");
  return 0;
}
