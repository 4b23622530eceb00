#pragma once

namespace ktest {
// Prints "bench: NAME VALUE" lines (guest ns per operation); returns the exit status.
int run_benchmarks();
}  // namespace ktest
