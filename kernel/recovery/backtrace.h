// A short list of return addresses, captured with the DWARF unwinder (the same
// tables that drive exception unwinding, so it needs no frame pointers).
#pragma once
#include <cstddef>
#include <cstdint>

namespace recovery {

struct Backtrace {
  static constexpr size_t kMaxFrames = 16;
  uintptr_t pc[kMaxFrames] = {};
  uint8_t depth = 0;
};

// Captures the caller's stack, skipping `skip` innermost frames (0: the caller
// of capture_backtrace is first).
void capture_backtrace(Backtrace& out, unsigned skip);

// Prints one "  #n 0x..." line per frame through the kernel log.
void print_backtrace(const Backtrace& bt);

}  // namespace recovery
