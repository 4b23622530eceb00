// C++ exceptions in the kernel: throw, catch, rethrow and catch_unwind
// through RAII frames, with the kernel heap exhausted too.
#include <exception>
#include <new>

#include "ktest/ktest.h"
#include "ktest/tracker.h"
#include "mm/heaps.h"
#include "recovery/catch_unwind.h"
#include "recovery/panic.h"

namespace {

using ktest::Order;
using ktest::Tracker;

struct TestError {
  int code;
};

// The kernel has libsupc++ (std::exception, std::bad_alloc) but not
// libstdc++'s <stdexcept>; a std::exception of our own stands in.
struct WidgetError : std::exception {
  const char* what() const noexcept override { return "out of widgets"; }
};

[[gnu::noinline]] void level3(Order& o) {
  Tracker t(o, 3);
  throw TestError{7};
}
[[gnu::noinline]] void level2(Order& o) {
  Tracker t(o, 2);
  level3(o);
}
[[gnu::noinline]] void level1(Order& o) {
  Tracker t(o, 1);
  level2(o);
}

}  // namespace

KTEST(throw_through_three_frames_runs_destructors_in_order) {
  Order o;
  int caught = 0;
  try {
    level1(o);
  } catch (const std::exception&) {
    caught = -1;  // wrong handler
  } catch (const TestError& e) {
    caught = e.code;
  }
  KEXPECT_EQ(caught, 7);
  KEXPECT(o.equals({3, 2, 1}));
}

KTEST(catch_all_and_rethrow_keep_the_exception) {
  Order o;
  int outer = 0, inner = 0;
  try {
    try {
      level1(o);
    } catch (...) {
      ++inner;
      throw;
    }
  } catch (const TestError& e) {
    outer = e.code;
  }
  KEXPECT_EQ(inner, 1);
  KEXPECT_EQ(outer, 7);
  KEXPECT(o.equals({3, 2, 1}));
  KEXPECT_EQ(std::uncaught_exceptions(), 0);
}

KTEST(catch_unwind_returns_value_or_fault) {
  auto ok = recovery::catch_unwind([] { return 5; });
  KEXPECT(ok.has_value() && *ok == 5);

  auto bad = recovery::catch_unwind([]() -> int { throw WidgetError(); });
  KEXPECT(!bad.has_value());
  if (!bad.has_value()) {
    KEXPECT(bad.error().kind == recovery::FaultKind::cpp_exception);
    KEXPECT(ktest::contains(bad.error().message, "out of widgets"));
    KEXPECT(ktest::contains(bad.error().message, "WidgetError"));
    KEXPECT(bad.error().backtrace.depth > 0);
  }

  auto unknown = recovery::catch_unwind([] { throw TestError{1}; });
  KEXPECT(!unknown.has_value() && unknown.error().kind == recovery::FaultKind::cpp_exception);
}

KTEST(nested_catch_unwind_catches_at_the_innermost) {
  Order o;
  int inner_failures = 0;
  const unsigned depth = recovery::current_state().region_depth;  // the runner's region
  auto outer = recovery::catch_unwind([&] {
    Tracker t(o, 10);
    auto inner = recovery::catch_unwind([&] {
      KEXPECT_EQ(recovery::current_state().region_depth, depth + 2);
      level1(o);
    });
    if (!inner.has_value()) ++inner_failures;
    KEXPECT_EQ(recovery::current_state().region_depth, depth + 1);
    return 3;
  });
  KEXPECT(outer.has_value() && *outer == 3);
  KEXPECT_EQ(inner_failures, 1);
  KEXPECT(o.equals({3, 2, 1, 10}));
  KEXPECT_EQ(recovery::current_state().region_depth, depth);
}

KTEST(failing_new_throws_bad_alloc) {
  bool caught = false;
  try {
    char* p = new char[size_t{1} << 40];
    p[0] = 1;  // not reached
    delete[] p;
  } catch (const std::bad_alloc&) {
    caught = true;
  }
  KEXPECT(caught);
  auto r = recovery::catch_unwind([] {
    char* p = new char[size_t{1} << 40];
    asm volatile("" : "+r"(p));  // keep the allocation: the result is "used"
    return p;
  });
  KEXPECT(!r.has_value() && ktest::contains(r.error().message, "bad_alloc"));
}

namespace {
struct CatchesInsideDestructor {
  int* inner_caught;
  int* in_flight;
  ~CatchesInsideDestructor() {
    *in_flight = std::uncaught_exceptions();
    try {
      throw WidgetError();
    } catch (const WidgetError&) {
      ++*inner_caught;
    }
  }
};
}  // namespace

KTEST(exception_thrown_and_caught_in_destructor_during_unwinding) {
  int inner_caught = 0, in_flight = -1, outer = 0;
  try {
    CatchesInsideDestructor d{&inner_caught, &in_flight};
    throw TestError{9};
  } catch (const TestError& e) {
    outer = e.code;
  }
  KEXPECT_EQ(outer, 9);
  KEXPECT_EQ(inner_caught, 1);
  KEXPECT_EQ(in_flight, 1);
  KEXPECT_EQ(std::uncaught_exceptions(), 0);
}

KTEST(throw_works_with_the_heap_exhausted) {
  // Exception objects come from their own pool, never from the heap.
  mm::Heap& heap = mm::heaps::general();  // operator new's
  const auto before = heap.stats();
  void* blocks[256];  // 1 MiB blocks up to the heap's limit, then ever smaller ones
  size_t n = 0;
  for (size_t size = 1 << 20; size >= 64 && n < 256;) {
    void* p = heap.allocate(size);
    if (p == nullptr) {
      size /= 2;
      continue;
    }
    blocks[n++] = p;
  }
  int caught = 0;
  Order o;
  try {
    level1(o);
  } catch (const TestError& e) {
    caught = e.code;
  }
  KEXPECT_EQ(caught, 7);
  KEXPECT(n < 256);
  KEXPECT(heap.allocate(64) == nullptr);  // still exhausted
  while (n > 0) heap.free(blocks[--n]);
  KEXPECT_EQ(heap.stats().bytes_in_use, before.bytes_in_use);
}

KTEST(panic_and_kassert_throw_inside_a_region) {
  auto p = recovery::catch_unwind([] { recovery::panic("disk on fire: %d", 42); });
  KEXPECT(!p.has_value() && p.error().kind == recovery::FaultKind::panic);
  if (!p.has_value()) KEXPECT(ktest::contains(p.error().message, "disk on fire: 42"));

  volatile int two = 2;
  auto a = recovery::catch_unwind([&] { KASSERT(two == 3); });
  KEXPECT(!a.has_value() && a.error().kind == recovery::FaultKind::assertion);
  if (!a.has_value()) KEXPECT(ktest::contains(a.error().message, "two == 3"));
}
