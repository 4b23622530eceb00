// Whether the current CPU is handling an interrupt. Code that must never run
// there (heaps: an interrupted allocation could deadlock on the heap's lock)
// asserts it.
#pragma once

namespace core {
bool in_interrupt();
}  // namespace core
