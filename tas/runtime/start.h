// What the TAS's start (start.cpp) calls: the composition of its servers
// (main.cpp). Returns only if the TAS cannot serve: its exit code.
#pragma once
#include <cstddef>

#include "rebound/syscall.h"

namespace tas {
constexpr int kExitBroken = 100;  // the runtime itself does not work

// What the kernel's arguments to the TAS ask for.
struct TasOptions {
  bool test_build = false;          // "test": the kernel is a test build (serve fault injection)
  bool init = false;                // "init": start /bin/init once every server serves
  const char* init_args = nullptr;  // the words after "init": init's arguments
  size_t init_args_length = 0;      // NUL-terminated strings back to back
};
}  // namespace tas

// names: the name service's endpoint, given by the kernel.
int tas_main(rebound_handle names, const tas::TasOptions& options);
