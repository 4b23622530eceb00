// The GDT and the TSS: the segments long mode still needs (kernel and user
// code and data, in the order SYSCALL/SYSRET require), and the TSS: the
// stack entries from user mode land on (rsp0) and the IST stack that double
// faults run on. Included by assembly for the selector values.
#pragma once

#define X86_KERNEL_CS 0x08
#define X86_KERNEL_DS 0x10
// SYSRET to 64-bit mode loads CS = base + 16 and SS = base + 8 (RPL 3); the
// 32-bit user code segment that would sit at the base is left null: no user
// code can run in compatibility mode.
#define X86_SYSRET_BASE (0x18 | 3)
#define X86_USER_DS (0x20 | 3)
#define X86_USER_CS (0x28 | 3)
#define X86_TSS_SELECTOR 0x30

#ifndef __ASSEMBLER__
#include <cstdint>

namespace arch::x86_64 {

// The interrupt stack table slot of the double-fault handler (IDT entry 8).
constexpr unsigned kDoubleFaultIst = 1;

// Builds and loads this CPU's GDT and TSS (core::this_cpu().id picks them:
// the CPU-local block must be set). Leaves FS and GS alone: loading a
// selector into GS would clear the GS base, which holds the CPU-local block.
void gdt_init();

// Where rsp0, the stack this CPU switches to on an interrupt or exception
// from user mode, is in a TSS (gdt_init points core::CpuLocal::tss at this
// CPU's; arch::set_kernel_entry_stack writes it).
constexpr unsigned kTssRsp0 = 4;
// Where the I/O bitmap's offset is in a TSS, and the offset that means none
// (beyond the limit: every port faults); load_user_space writes it.
constexpr unsigned kTssIoBitmapOffset = 102;
constexpr uint16_t kNoIoBitmap = 0xffff;

// This CPU's I/O permission bitmap (a set bit denies its port to user mode)
// and whether its TSS uses it: while not, every port access from user mode
// raises #GP. Starts unused and all ones (io_permission.h).
constexpr unsigned kIoBitmapBytes = 0x10000 / 8;
uint8_t* io_bitmap();
void set_io_bitmap_active(bool active);
bool io_bitmap_active();

}  // namespace arch::x86_64
#endif
