#include "arch/arch.h"

extern "C" char aarch64_thread_start[];

namespace arch {

uintptr_t initial_context(uintptr_t stack_top, void (*entry)(void*), void* arg) {
  // The layout arch_switch_context pops: x19..x28, x29, x30, SP_EL0,
  // TPIDR_EL0 (a new thread's user registers start at zero).
  auto* frame = reinterpret_cast<uint64_t*>(stack_top - 112);
  for (int i = 0; i < 14; ++i) frame[i] = 0;
  frame[0] = reinterpret_cast<uint64_t>(entry);                  // x19
  frame[1] = reinterpret_cast<uint64_t>(arg);                    // x20
  frame[11] = reinterpret_cast<uint64_t>(aarch64_thread_start);  // x30
  return reinterpret_cast<uintptr_t>(frame);
}

}  // namespace arch
