// Options from the kernel command line (QEMU -append): space-separated words.
//   halt            shut down right after boot (boot tests)
//   log=debug|info|warn|error
//   ktest=NAME      run only the in-kernel test NAME (test build)
//   bench           run the in-kernel benchmarks and shut down (test build)
//   diag            print the resource snapshot (frames, heaps, objects) after boot
//   run=NAME        run the built-in program NAME as the first process, report
//                   how it ended, and shut down with its exit code
//   cpus=N          use at most N CPUs (1..8; default: all the firmware lists)
//   -- WORDS...     the rest of the line is init's: /bin/init runs WORDS as a
//                   command (KEY=VALUE words first: its environment) instead
//                   of /etc/rc, and the machine powers off with its status
// With no run=, halt or ktest work to do (a production kernel, or any with
// "--"), the TAS starts /bin/init from the file system.
// Unknown words, and cpus= with a bad number, are logged and ignored.
#pragma once
#include <cstddef>

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
  bool init_command = false;  // "--" was given
  char init_args[256] = {};   // the words after it, each NUL-terminated
  size_t init_args_length = 0;
  unsigned unknown_options = 0;  // each is logged as a warning
};

KernelOptions parse_options(const char* cmdline);

// Whether the TAS starts /bin/init: nothing else was asked for.
bool starts_init(const KernelOptions& options, bool tests_built);

// The test build links the in-kernel tests; these say whether it did and run
// them (returning the QEMU exit status).
bool kernel_tests_built();
int run_kernel_tests(const KernelOptions& options);

}  // namespace core
