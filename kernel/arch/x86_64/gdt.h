// The GDT and the TSS: the segments long mode still needs, and the IST stack
// that double faults run on. Included by boot.S for the selector values.
#pragma once

#define X86_KERNEL_CS 0x08
#define X86_KERNEL_DS 0x10
#define X86_TSS_SELECTOR 0x18

#ifndef __ASSEMBLER__
namespace arch::x86_64 {

// The interrupt stack table slot of the double-fault handler (IDT entry 8).
constexpr unsigned kDoubleFaultIst = 1;

// Loads the kernel's GDT and TSS. Leaves FS and GS alone: loading a selector
// into GS would clear the GS base, which holds the CPU-local block.
void gdt_init();

}  // namespace arch::x86_64
#endif
