// What the TAS's start (start.cpp) calls: the composition of its servers
// (main.cpp). Returns only if the TAS cannot serve: its exit code.
#pragma once
#include "rebound/syscall.h"

namespace tas {
constexpr int kExitBroken = 100;  // the runtime itself does not work
}  // namespace tas

// names: the name service's endpoint, given by the kernel. test_build: the
// kernel is a test build (serve fault injection).
int tas_main(rebound_handle names, bool test_build);
