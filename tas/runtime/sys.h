// The system calls, for the TAS's C++ code: the user runtime's wrappers
// (user/runtime/rebound_sys.h), which the TAS shares with every program.
#pragma once
extern "C" {
#include "rebound_sys.h"
}
#include "lib/result.h"

namespace tas {

// A system call's error as a Result.
inline Result<void> check(uint64_t error) {
  if (error != 0) return fail(static_cast<Error>(error));
  return {};
}
inline Result<uint64_t> value(const rb_result& r) {
  if (r.error != 0) return fail(static_cast<Error>(r.error));
  return r.value;
}

}  // namespace tas
