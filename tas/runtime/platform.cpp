// What the kernel's portable code (heaps, recovery, log) expects of its
// environment, provided in the TAS through system calls.
#include "arch/arch.h"
#include "core/interrupt_context.h"
#include "lib/log.h"
#include "runtime/sys.h"
#include "runtime/thread.h"

namespace arch {
const char* const kName = "tas";
void console_write(const char* text, unsigned long length) { rb_write(text, length); }
uint64_t monotonic_ns() { return rb_clock(); }
uint64_t cycle_counter() { return rb_clock(); }
// The TAS going down takes every server with it: the kernel sees it exit.
void shutdown(int status) { rb_exit(status); }
void wait_for_interrupt() { rb_yield(); }
}  // namespace arch

namespace core {
// No interrupt handlers run in user mode.
bool in_interrupt() { return false; }
}  // namespace core

namespace recovery {
RecoveryState& current_state() { return tas::this_thread().recovery; }
}  // namespace recovery
