/* Prints its arguments and exits with their count: argv reaches main. */
#include "rebound_sys.h"

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    rb_print("arg: ");
    rb_print(argv[i]);
    rb_print("\n");
  }
  return argv[argc] == 0 ? argc : -1;
}
