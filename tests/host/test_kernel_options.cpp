#include <gtest/gtest.h>

#include "core/kernel_options.h"

TEST(KernelOptions, ParsesWords) {
  auto o = core::parse_options("  halt log=debug ktest=null_read bench diag ");
  EXPECT_TRUE(o.halt_after_boot);
  EXPECT_TRUE(o.bench);
  EXPECT_TRUE(o.diag);
  EXPECT_EQ(o.log_level, klog::Level::debug);
  EXPECT_STREQ(o.ktest_filter, "null_read");
  EXPECT_STREQ(core::parse_options("run=hello").run, "hello");
}

TEST(KernelOptions, IgnoresUnknownAndPartialWords) {
  auto o = core::parse_options("halting log=loud ktest");
  EXPECT_FALSE(o.halt_after_boot);
  EXPECT_EQ(o.log_level, klog::Level::info);
  EXPECT_STREQ(o.ktest_filter, "");
  EXPECT_EQ(o.unknown_options, 3u);
}

TEST(KernelOptions, TruncatesLongTestName) {
  std::string cmd = "ktest=" + std::string(200, 'x');
  auto o = core::parse_options(cmd.c_str());
  EXPECT_EQ(std::string(o.ktest_filter), std::string(sizeof o.ktest_filter - 1, 'x'));
}

TEST(KernelOptions, CpuLimit) {
  EXPECT_EQ(core::parse_options("").max_cpus, core::kMaxCpusOption);
  EXPECT_EQ(core::parse_options("cpus=1").max_cpus, 1u);
  EXPECT_EQ(core::parse_options("cpus=8").max_cpus, 8u);
  for (const char* bad : {"cpus=0", "cpus=9", "cpus=", "cpus=12", "cpus=x"}) {
    auto o = core::parse_options(bad);
    EXPECT_EQ(o.max_cpus, core::kMaxCpusOption) << bad;
    EXPECT_EQ(o.unknown_options, 1u) << bad;
  }
}

TEST(KernelOptions, InitCommandAfterDoubleDash) {
  auto o = core::parse_options("log=warn --  args  one TWO=2 run=x");
  EXPECT_EQ(o.log_level, klog::Level::warn);
  EXPECT_TRUE(o.init_command);
  EXPECT_STREQ(o.run, "");  // after "--": init's, not the kernel's
  EXPECT_EQ(std::string(o.init_args, o.init_args_length),
            std::string("args\0one\0TWO=2\0run=x\0", 21));
  EXPECT_EQ(o.unknown_options, 0u);
  auto empty = core::parse_options("--");
  EXPECT_TRUE(empty.init_command);
  EXPECT_EQ(empty.init_args_length, 0u);
  std::string longer = "-- " + std::string(200, 'a') + " " + std::string(100, 'b');
  auto cut = core::parse_options(longer.c_str());
  EXPECT_EQ(cut.init_args_length, 201u);  // the word that does not fit is left out
}

TEST(KernelOptions, WhoStartsInit) {
  EXPECT_TRUE(core::starts_init(core::parse_options(""), false));
  EXPECT_FALSE(core::starts_init(core::parse_options(""), true));  // the test build: its tests
  EXPECT_TRUE(core::starts_init(core::parse_options("-- args"), true));
  EXPECT_FALSE(core::starts_init(core::parse_options("run=hello"), false));
  EXPECT_FALSE(core::starts_init(core::parse_options("halt"), false));
  EXPECT_FALSE(core::starts_init(core::parse_options("run=hello -- args"), true));
}
