// catch_unwind's contract, on the host's C++ runtime.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>

#include "recovery/catch_unwind.h"
#include "recovery/panic.h"

namespace {

TEST(CatchUnwind, ReturnsTheValue) {
  auto r = recovery::catch_unwind([] { return std::string("fine"); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, "fine");
  auto v = recovery::catch_unwind([] {});
  EXPECT_TRUE(v.has_value());
}

TEST(CatchUnwind, TurnsExceptionsIntoFaults) {
  auto r = recovery::catch_unwind([]() -> int { throw std::logic_error("bad state"); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, recovery::FaultKind::cpp_exception);
  EXPECT_NE(std::string(r.error().message).find("bad state"), std::string::npos);

  auto u = recovery::catch_unwind([] { throw 5; });
  ASSERT_FALSE(u.has_value());
  EXPECT_NE(std::string(u.error().message).find("not a std::exception"), std::string::npos);
}

TEST(CatchUnwind, PanicAndAssertInsideARegionThrow) {
  auto p = recovery::catch_unwind([] { recovery::panic("code %d", 9); });
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().kind, recovery::FaultKind::panic);
  EXPECT_STREQ(p.error().message, "code 9");
  EXPECT_GT(p.error().backtrace.depth, 0);

  auto a = recovery::catch_unwind([] { KASSERT(1 + 1 == 3); });
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().kind, recovery::FaultKind::assertion);
  EXPECT_NE(std::string(a.error().message).find("1 + 1 == 3"), std::string::npos);
}

TEST(CatchUnwind, RegionDepthIsRestoredOnEveryPath) {
  EXPECT_EQ(recovery::current_state().region_depth, 0u);
  auto r = recovery::catch_unwind([] {
    EXPECT_EQ(recovery::current_state().region_depth, 1u);
    auto inner = recovery::catch_unwind([] { throw std::bad_alloc(); });
    EXPECT_FALSE(inner.has_value());
    EXPECT_EQ(recovery::current_state().region_depth, 1u);
    return 1;
  });
  EXPECT_TRUE(r.has_value());
  EXPECT_EQ(recovery::current_state().region_depth, 0u);
}

TEST(CatchUnwindDeathTest, PanicOutsideAnyRegionHalts) {
  EXPECT_EXIT(recovery::panic("early boot failure"), ::testing::ExitedWithCode(103),
              "KERNEL PANIC: panic.*early boot failure");
}

}  // namespace
