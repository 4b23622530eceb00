// Waiting in in-kernel tests for something another thread or CPU does.
#pragma once
#include <cstdint>

#include "arch/arch.h"
#include "core/scheduler.h"

namespace ktest {

// Sleeps a millisecond at a time until done() holds; false after 5 s.
template <class F>
bool within_5s(F done) {
  const uint64_t deadline = arch::monotonic_ns() + 5'000'000'000;
  while (!done()) {
    if (arch::monotonic_ns() > deadline) return false;
    (void)core::Scheduler::current().sleep_until(arch::monotonic_ns() + 1'000'000);
  }
  return true;
}

}  // namespace ktest
