// The switch from 32-bit protected mode to long mode on the boot page
// tables (boot.S: boot_pml4), shared by the boot CPU's entry (boot.S) and
// the other CPUs' trampoline (ap_trampoline.S). Assembly only.
#pragma once

#define KERNEL_VBASE 0xffffffff80000000  // cpu.h: kKernelVbase
#define PHYS(x) ((x) - KERNEL_VBASE)      // for symbols of the upper half

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)   // x87 instructions trap (#NM), SSE/MMX ones are #UD:
#define CR0_TS (1 << 3)   //   the kernel has no FP state of its own
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)  // ring 0 honours read-only pages
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#ifdef __ASSEMBLER__
// PAE, the boot page tables, long mode and NX enabled, then paging on (with
// caches on, write protection in ring 0, and x87 trapping): long mode is
// active, in compatibility mode until a far jump to a 64-bit segment.
// Clobbers eax, ecx and edx.
.macro ENTER_LONG_MODE_ON_BOOT_TABLES
  mov %cr4, %eax
  or $CR4_PAE, %eax
  mov %eax, %cr4
  mov $PHYS(boot_pml4), %eax
  mov %eax, %cr3
  mov $MSR_EFER, %ecx
  rdmsr
  or $(EFER_LME | EFER_NXE), %eax
  wrmsr
  mov %cr0, %eax
  and $(~(CR0_CD | CR0_NW | CR0_MP) & 0xffffffff), %eax
  or $(CR0_PG | CR0_WP | CR0_NE | CR0_EM | CR0_TS | CR0_PE), %eax
  mov %eax, %cr0
.endm

// In 64-bit mode: the kernel's data selector in DS, ES and SS, null FS and GS
// (the GS base is set later, by arch::set_cpu_local). Clobbers eax.
.macro LOAD_KERNEL_DATA_SEGMENTS
  mov $X86_KERNEL_DS, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %ss
  xor %eax, %eax
  mov %eax, %fs
  mov %eax, %gs
.endm
#endif
