// What the portable kernel code expects of its environment, on the host.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "arch/arch.h"
#include "lib/log.h"
#include "recovery/recovery_state.h"

namespace arch {
const char* const kName = "host";
void console_write(const char* text, unsigned long length) { std::fwrite(text, 1, length, stderr); }
uint64_t monotonic_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}
uint64_t cycle_counter() { return monotonic_ns(); }
void shutdown(int status) {
  std::fprintf(stderr, "shutdown(%d)\n", status);
  std::_Exit(100 + status);
}
void wait_for_interrupt() {}
}  // namespace arch

namespace host {
bool g_in_interrupt = false;  // tests set it to play an interrupt handler
}  // namespace host

namespace core {
bool in_interrupt() { return host::g_in_interrupt; }
}  // namespace core

namespace recovery {
RecoveryState& current_state() {
  thread_local RecoveryState state;
  return state;
}
}  // namespace recovery

namespace {
// The kernel log goes to stderr, where death tests look for it.
const bool g_log_to_stderr = [] {
  klog::set_sink({arch::console_write, arch::monotonic_ns});
  return true;
}();
}  // namespace
