// arch/user_space.h on x86_64.
#pragma once
#include <cstdint>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/tlb_shootdown.h"
#include "core/cpu_local.h"

namespace arch {

// TSS.rsp0 (interrupts and exceptions) and CpuLocal::kernel_entry_stack
// (SYSCALL, which switches no stack itself), in `cpu`: this CPU's block.
inline void set_kernel_entry_stack(core::CpuLocal& cpu, uintptr_t top) {
  cpu.kernel_entry_stack = top;
  __builtin_memcpy(static_cast<char*>(cpu.tss) + x86_64::kTssRsp0, &top, sizeof top);  // unaligned
}

// switch_user_space(root, asid) on `cpu` (this CPU's block) when it holds
// `previous` (0: none).
inline void load_user_space(core::CpuLocal& cpu, uint64_t root, uint16_t asid, uint64_t) {
  if (root == 0) [[unlikely]] {
    switch_user_space(root, asid);
    return;
  }
  x86_64::write_cr3(root);  // (no PCIDs: flushes the user TLB entries)
  x86_64::note_loaded_space(cpu, asid);
  // No I/O bitmap: the next space's ports, if any, on its first use
  // (io_permission.h) -- never the previous space's. One store of the
  // 16-bit immediate (GCC would build it in a register first).
  auto* offset =
      reinterpret_cast<uint16_t*>(static_cast<char*>(cpu.tss) + x86_64::kTssIoBitmapOffset);
  asm volatile("movw %1, %0" : "=m"(*offset) : "i"(x86_64::kNoIoBitmap));
}

}  // namespace arch
