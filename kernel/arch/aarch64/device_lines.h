// The device lines of aarch64 (arch.h): GIC SPIs that an interrupt object
// has enabled, which the IRQ handler masks and dispatches.
#pragma once
#include <cstdint>

namespace arch::aarch64 {

// Whether `intid` is an SPI enabled through arch::device_line_enable.
bool device_line_enabled(uint32_t intid);

}  // namespace arch::aarch64
