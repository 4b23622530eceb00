// Leak checks for in-kernel tests: the kernel's resource snapshot plus the
// current thread's exception state.
#pragma once
#include <cstdint>
#include <exception>

#include "core/resources.h"
#include "ktest/ktest.h"
#include "recovery/recovery_state.h"

namespace ktest {

struct Snapshot {
  core::ResourceSnapshot resources;
  unsigned region_depth;
  int uncaught_exceptions;
  uintptr_t caught_exceptions;  // head of libsupc++'s caught-exception stack

  static Snapshot take() {
    uintptr_t caught;
    __builtin_memcpy(&caught, recovery::current_state().eh_globals, sizeof caught);
    return {core::take_snapshot(), recovery::current_state().region_depth,
            std::uncaught_exceptions(), caught};
  }
  bool equals(const Snapshot& before) const {
    return core::same_resources(before.resources, resources) &&
           region_depth == before.region_depth &&
           uncaught_exceptions == before.uncaught_exceptions &&
           caught_exceptions == before.caught_exceptions;
  }
  // Equal, or prints what differs.
  bool same_as(const Snapshot& before) const {
    const bool same = equals(before);
    if (!same) core::print_differences(before.resources, resources);
    return same;
  }
};

// Runs `scenario` once to grow the heaps, then again: that run must leave
// the kernel's resources as they were.
template <class F>
void leaves_no_trace(F scenario) {
  scenario();
  const Snapshot before = Snapshot::take();
  scenario();
  KEXPECT(Snapshot::take().same_as(before));
}

}  // namespace ktest
