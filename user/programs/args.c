/* Prints its arguments and its environment, and exits with its argument
   count: argv and the environment reach main. */
#include "rebound_sys.h"

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    rb_print("arg: ");
    rb_print(argv[i]);
    rb_print("\n");
  }
  for (char** e = environ; *e != 0; ++e) {
    rb_print("env: ");
    rb_print(*e);
    rb_print("\n");
  }
  return argv[argc] == 0 ? argc : -1;
}
