// The production kernel has no in-kernel tests (see kernel/ktest/).
#include "core/kernel_options.h"

namespace core {
bool kernel_tests_built() { return false; }
int run_kernel_tests(const KernelOptions&) { return 0; }
}  // namespace core
