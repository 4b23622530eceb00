// Options from the kernel command line (QEMU -append): space-separated words.
//   halt            shut down right after boot (boot tests)
//   log=debug|info|warn|error
//   ktest=NAME      run only the in-kernel test NAME (test build)
//   bench           run the in-kernel benchmarks and shut down (test build)
//   diag            print the resource snapshot (frames, heaps, objects) after boot
//   run=NAME        run the built-in program NAME as the first process, report
//                   how it ended, and shut down with its exit code
//   cpus=N          use at most N CPUs (1..8; default: all the firmware lists)
// Unknown words, and cpus= with a bad number, are logged and ignored.
#pragma once
#include "lib/log.h"

namespace core {

constexpr unsigned kMaxCpusOption = 8;  // arch::kMaxCpus (portable: host tests)

struct KernelOptions {
  bool halt_after_boot = false;
  bool bench = false;
  bool diag = false;
  klog::Level log_level = klog::Level::info;
  char ktest_filter[96] = {};
  char run[32] = {};
  unsigned max_cpus = kMaxCpusOption;
  unsigned unknown_options = 0;  // each is logged as a warning
};

KernelOptions parse_options(const char* cmdline);

// The test build links the in-kernel tests; these say whether it did and run
// them (returning the QEMU exit status).
bool kernel_tests_built();
int run_kernel_tests(const KernelOptions& options);

}  // namespace core
