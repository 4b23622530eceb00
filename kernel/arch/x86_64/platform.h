// The PC platform devices the kernel itself uses (platform.cpp).
#pragma once

namespace arch::x86_64 {
// Sets up the console (COM1), masks the 8259 PICs and calibrates the TSC
// against the PIT. Returns false if the calibration failed (monotonic_ns()
// then assumes 1 GHz).
bool platform_init();
}  // namespace arch::x86_64
