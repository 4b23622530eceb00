// In-kernel tests: compiled into the test build of the kernel only, run at
// boot, one result line per case, then "N passed, N failed" and a QEMU exit
// status. Each case runs inside catch_unwind, so a case that faults fails
// alone and the run goes on.
#pragma once
#include <cstdint>

namespace ktest {

struct Case {
  const char* name;
  void (*run)();
};

// Records a failed check in the running case (the case goes on).
void check_failed(const char* expr, const char* file, int line);
void check_eq_failed(const char* a, const char* b, uint64_t va, uint64_t vb, const char* file,
                     int line);

}  // namespace ktest

#define KTEST(name)                                                                         \
  static void ktest_##name();                                                               \
  [[gnu::used, gnu::section(".ktest_cases")]] static const ::ktest::Case ktest_case_##name{ \
      #name, ktest_##name};                                                                 \
  static void ktest_##name()

#define KEXPECT(cond) \
  ((cond) ? static_cast<void>(0) : ::ktest::check_failed(#cond, __FILE__, __LINE__))

#define KEXPECT_EQ(a, b)                                                                     \
  do {                                                                                       \
    const auto ktest_a_ = (a);                                                               \
    const auto ktest_b_ = (b);                                                               \
    if (!(ktest_a_ == ktest_b_))                                                             \
      ::ktest::check_eq_failed(#a, #b, (uint64_t)(ktest_a_), (uint64_t)(ktest_b_), __FILE__, \
                               __LINE__);                                                    \
  } while (0)
