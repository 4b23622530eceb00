// Every counter a leak in the recovery path would move. Tests take one before
// and after and require equality (issue "Memory" extends this to frames,
// per-module heaps and kernel objects).
#pragma once
#include <cstddef>
#include <cstdint>
#include <exception>

#include "mm/kernel_heap.h"
#include "recovery/recovery_state.h"
#include "recovery/runtime_stats.h"

namespace ktest {

struct Snapshot {
  size_t heap_bytes, heap_blocks, exception_objects;
  unsigned region_depth;
  int uncaught_exceptions;
  uintptr_t caught_exceptions;  // head of libsupc++'s caught-exception stack

  static Snapshot take() {
    const mm::HeapStats h = mm::kernel_heap().stats();
    uintptr_t caught;
    __builtin_memcpy(&caught, recovery::current_state().eh_globals, sizeof caught);
    return {h.bytes_in_use,
            h.blocks_in_use,
            recovery::runtime_stats().exception_objects_in_use,
            recovery::current_state().region_depth,
            std::uncaught_exceptions(),
            caught};
  }
  bool operator==(const Snapshot&) const = default;
};

}  // namespace ktest
