// The kernel option run=NAME: a built-in program as the first process.
#pragma once

namespace core {
// Runs boot image `name`, logs how it ended, and returns the exit status for
// QEMU (its exit code, or arch::kExitPanic+1 if it was killed or missing).
int run_first_process(const char* name);
}  // namespace core
