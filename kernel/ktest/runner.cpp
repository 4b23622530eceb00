#include "arch/arch.h"
#include "core/kernel_options.h"
#include "ktest/bench.h"
#include "ktest/ktest.h"
#include "ktest/stack_use.h"
#include "lib/log.h"
#include "recovery/catch_unwind.h"

extern "C" const ktest::Case __ktest_cases_start[], __ktest_cases_end[];

namespace ktest {
namespace {
unsigned g_failed_checks = 0;

bool same(const char* a, const char* b) {
  for (; *a != '\0' && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}
}  // namespace

void check_failed(const char* expr, const char* file, int line) {
  ++g_failed_checks;
  klog::print("    check failed: %s (%s:%d)\n", expr, file, line);
}

void check_eq_failed(const char* a, const char* b, uint64_t va, uint64_t vb, const char* file,
                     int line) {
  ++g_failed_checks;
  klog::print("    check failed: %s == %s: %#lx vs %#lx (%s:%d)\n", a, b,
              static_cast<unsigned long>(va), static_cast<unsigned long>(vb), file, line);
}

}  // namespace ktest

namespace core {

bool kernel_tests_built() { return true; }

int run_kernel_tests(const KernelOptions& options) {
  if (options.bench) return ktest::run_benchmarks();
  if (ktest::same(options.ktest_filter, "fault_outside_region")) {
    // Outside any catch_unwind region a kernel fault must halt the machine
    // with a backtrace (tests/system checks the output and exit status).
    klog::print("ktest: reading 0x28 outside any catch_unwind region\n");
    volatile int* p = reinterpret_cast<volatile int*>(0x28);
    asm volatile("" : "+r"(p));
    return *p;
  }
  if (ktest::same(options.ktest_filter, "stack_overflow")) {
    // Unbounded recursion must halt with a "kernel stack overflow" panic,
    // even inside a catch_unwind region: no stack is left to unwind on
    // (tests/system checks the output and exit status).
    klog::print("ktest: recursing without bound inside a catch_unwind region\n");
    auto r = recovery::catch_unwind([] { return ktest::recurse_until(0, nullptr); });
    klog::print("ktest: the stack overflow %s\n",
                r.has_value() ? "never happened" : "was caught instead of halting");
    return arch::kExitTestsFailed;
  }
  unsigned passed = 0, failed = 0;
  klog::print("ktest: running in-kernel tests\n");
  for (const ktest::Case* c = __ktest_cases_start; c != __ktest_cases_end; ++c) {
    if (options.ktest_filter[0] != '\0' && !ktest::same(options.ktest_filter, c->name)) continue;
    ktest::g_failed_checks = 0;
    auto result = recovery::catch_unwind(c->run);
    if (!result.has_value()) {
      const recovery::Fault& f = result.error();
      klog::print("    unexpected %s at pc %p: %s\n", recovery::to_string(f.kind),
                  reinterpret_cast<void*>(f.pc), f.message);
      ++ktest::g_failed_checks;
    }
    const bool ok = ktest::g_failed_checks == 0;
    klog::print("%s %s\n", ok ? "ok  " : "FAIL", c->name);
    ok ? ++passed : ++failed;
  }
  klog::print("ktest %s: %u passed, %u failed\n", arch::kName, passed, failed);
  return failed == 0 && passed > 0 ? arch::kExitOk : arch::kExitTestsFailed;
}

}  // namespace core
