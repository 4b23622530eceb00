/* Checks for test programs: each failed check prints what it was and counts;
   the program exits with the count (0: all passed). */
#ifndef REBOUND_USER_CHECK_H
#define REBOUND_USER_CHECK_H

#include "rebound_sys.h"

static int failures;

static inline void check(const char* what, int ok) {
  if (ok) return;
  ++failures;
  rb_print("CHECK FAILED: ");
  rb_print(what);
  rb_print("\n");
}

#endif
