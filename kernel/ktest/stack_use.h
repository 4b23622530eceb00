// Deliberate stack use, for the kernel stack tests (test_stacks.cpp) and the
// "ktest=stack_overflow" run (runner.cpp).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ktest {

constexpr size_t kRecursionFrame = 256;  // bytes of locals per call, at least

// Recurses, each call with a frame of kRecursionFrame bytes it writes to,
// until a frame lies below `floor` (0: never, until the stack overflows).
// Stores the lowest frame's address in *lowest (if given); returns the depth.
uint64_t recurse_until(uintptr_t floor, uintptr_t* lowest);

}  // namespace ktest
