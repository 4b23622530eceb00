#include "arch/arch.h"

extern "C" char x86_64_thread_start[];

namespace arch {

uintptr_t initial_context(uintptr_t stack_top, void (*entry)(void*), void* arg) {
  // What arch_switch_context pops: r15, r14, r13, r12, rbx, rbp, then the
  // return address. After that ret, RSP = stack_top - 16: 16-byte aligned, as
  // a call into x86_64_thread_start's callee expects.
  auto* frame = reinterpret_cast<uint64_t*>(stack_top - 16 - 7 * 8);
  for (int i = 0; i < 7; ++i) frame[i] = 0;
  frame[2] = reinterpret_cast<uint64_t>(arg);    // r13
  frame[3] = reinterpret_cast<uint64_t>(entry);  // r12
  frame[6] = reinterpret_cast<uint64_t>(x86_64_thread_start);
  return reinterpret_cast<uintptr_t>(frame);
}

}  // namespace arch
