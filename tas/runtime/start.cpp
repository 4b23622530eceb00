// The TAS's first code. The kernel enters _start like any program's (argc,
// argv, its startup handle -- the name service's endpoint -- and a handle
// to call that endpoint), on a stack of its own. Sets up what C++ needs
// (static constructors, the log, the unwinder's first use) and runs
// tas_main (main.cpp), which never returns while the TAS serves.
#include "runtime/start.h"

#include "arch/arch.h"
#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "runtime/cpu_faults.h"
#include "runtime/sys.h"

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace {

// The unwinder initialises itself on its first throw: do it now, with one
// thread, and find out at once if exceptions do not work.
bool exceptions_work() {
  auto r = recovery::catch_unwind([]() -> int { throw 42; });
  return !r.has_value();
}

// CPU faults in TAS code come back as exceptions (cpu_faults.h): check with
// one null read that they do, before any server depends on it.
bool cpu_faults_work() {
  if (!tas::take_cpu_faults()) return false;
  auto r = recovery::catch_unwind([] {
    volatile int* p = nullptr;
    asm volatile("" : "+r"(p));
    return *p;
  });
  return !r.has_value() && r.error().kind == recovery::FaultKind::page_fault &&
         r.error().address == 0;
}

}  // namespace

extern "C" [[noreturn, gnu::used]] void tas_start(uint64_t argc, char** argv, uint64_t names,
                                                  uint64_t) {
  klog::set_sink({arch::console_write, arch::monotonic_ns});
  for (auto** f = __init_array_start; f != __init_array_end; ++f) (*f)();
  if (!exceptions_work()) {
    KLOG_ERROR("tas: C++ exceptions do not work");
    rb_exit(tas::kExitBroken);
  }
  if (!cpu_faults_work()) {
    KLOG_ERROR("tas: CPU faults do not become exceptions");
    rb_exit(tas::kExitBroken);
  }
  // "tas", "test" on a test build, "init" and init's words when asked
  // (kernel/core/tas_boot.h); the strings lie back to back.
  tas::TasOptions options;
  for (uint64_t i = 1; i < argc && !options.init; ++i) {
    if (__builtin_strcmp(argv[i], "test") == 0) options.test_build = true;
    if (__builtin_strcmp(argv[i], "init") == 0) {
      options.init = true;
      if (i + 1 < argc) {
        options.init_args = argv[i + 1];
        options.init_args_length = static_cast<size_t>(
            argv[argc - 1] + __builtin_strlen(argv[argc - 1]) + 1 - argv[i + 1]);
      }
    }
  }
  rb_exit(tas_main(static_cast<rebound_handle>(names), options));
}

#if defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n  mov x29, xzr\n  mov x30, xzr\n  b tas_start\n");
#elif defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n  xor %ebp, %ebp\n  call tas_start\n  ud2\n");
#endif
