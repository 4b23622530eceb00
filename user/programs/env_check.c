/* Checks its environment against its arguments: each argument "KEY=VALUE"
   must be in it, as rb_getenv finds it, and nothing else. Exits with the
   number of mismatches (0: the environment is exactly the arguments). */
#include "rb_process.h"

static int same(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

int main(int argc, char** argv) {
  int mismatches = 0, count = 0;
  for (char** e = environ; *e != 0; ++e) ++count;
  if (count != argc - 1) ++mismatches;
  for (int i = 1; i < argc; ++i) {
    const char* eq = argv[i];
    while (*eq != '\0' && *eq != '=') ++eq;
    if (*eq != '=') {
      ++mismatches;
      continue;
    }
    char key[64];
    size_t n = (size_t)(eq - argv[i]);
    if (n >= sizeof key) n = sizeof key - 1;
    for (size_t k = 0; k < n; ++k) key[k] = argv[i][k];
    key[n] = '\0';
    const char* value = rb_getenv(key);
    if (value == 0 || !same(value, eq + 1)) ++mismatches;
  }
  if (rb_getenv("NO_SUCH_VARIABLE") != 0) ++mismatches;
  return mismatches;
}
