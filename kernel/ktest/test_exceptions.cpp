// C++ exceptions in the kernel: throw and catch through RAII frames.
#include <new>
#include <stdexcept>

#include "ktest/ktest.h"
#include "recovery/catch_unwind.h"
#include "recovery/runtime_stats.h"

namespace {

// Records destructor order: each Tracker appends its id.
struct Order {
  int ids[16];
  int count = 0;
};

struct Tracker {
  Order& order;
  int id;
  Tracker(Order& o, int i) : order(o), id(i) {}
  ~Tracker() { order.ids[order.count++] = id; }
};

struct TestError {
  int code;
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
  } catch (const TestError& e) {
    caught = e.code;
  }
  KEXPECT_EQ(caught, 7);
  KEXPECT_EQ(o.count, 3);
  KEXPECT_EQ(o.ids[0], 3);
  KEXPECT_EQ(o.ids[1], 2);
  KEXPECT_EQ(o.ids[2], 1);
}
