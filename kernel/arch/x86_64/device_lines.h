// The device lines of x86_64 (arch.h): ISA IRQs and GSIs through the I/O
// APICs, each on a vector of its own, which the interrupt handler masks and
// dispatches.
#pragma once
#include <cstdint>

namespace arch::x86_64 {

// If `vector` is an enabled device line's, masks that line at its I/O APIC,
// stores the line in `line` and returns true.
bool device_line_of_vector(uint64_t vector, unsigned& line);

}  // namespace arch::x86_64
