// x86_64 secondary CPU start: the code a STARTUP IPI runs, and its way into
// the kernel.
//
// x86_64_ap_trampoline is position independent real-mode code that
// arch::start_cpu (cpu_start.cpp) copies to the start page, a page below
// 1 MiB (reserve_start_page). The STARTUP IPI starts the CPU in real mode at
// CS:IP = page*256:0. It switches to protected mode on a GDT of its own,
// enables paging on the boot page tables (boot.S: boot_pml4, which map the
// first 4 GiB at 0, so the page itself too, and the kernel image at
// KERNEL_VBASE) with EFER.LME, and jumps to 64-bit code in the page and from
// there to ap_start64 in the kernel's upper half. ap_start64 loads a GDT in
// the kernel image and the kernel's final page tables, takes the start
// block (x86_64_ap_start_block) if it was posted for this CPU's APIC id, and
// calls entry(arg) on its stack with interrupts masked.
//
// Control registers end as the boot CPU's are after boot.S and mmu_init:
// CR0 = PG WP NE EM TS PE (no FP: x87 traps), CR4 = PAE PGE, EFER = LME NXE
// (LMA). The rest -- GDT and TSS, IDT, SYSCALL MSRs, SMEP/SMAP -- is
// arch::init_this_cpu's, once entry has set the CPU-local block.

#include "arch/x86_64/cpu_start.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/long_mode_switch.h"

// The 32-bit code segment of the switch (the trampoline's GDT only).
#define TRAMPOLINE_CS32 0x18

// An offset in the trampoline: in real mode DS is the page, in protected
// mode %ebx holds the page's address.
#define OFF(x) ((x) - x86_64_ap_trampoline)

// Copied, never run in place: read-only data of the image (the no-FP check
// disassembles only code, which 16-bit code would confuse).
  .section .rodata.ap_trampoline, "a"
  .balign 16
  .global x86_64_ap_trampoline
x86_64_ap_trampoline:
  .code16
  cli
  cld
  mov %cs, %ax
  mov %ax, %ds
  movzwl %ax, %ebx
  shl $4, %ebx                // the page's physical address
  // Linear addresses the far jumps and LGDT need.
  leal OFF(trampoline_gdt)(%ebx), %eax
  movl %eax, OFF(trampoline_gdtr) + 2
  leal OFF(protected_mode)(%ebx), %eax
  movl %eax, OFF(to_protected_mode)
  leal OFF(long_mode)(%ebx), %eax
  movl %eax, OFF(to_long_mode)
  lgdtl OFF(trampoline_gdtr)
  mov %cr0, %eax
  or $CR0_PE, %eax
  mov %eax, %cr0
  ljmpl *OFF(to_protected_mode)

  .code32
protected_mode:
  mov $X86_KERNEL_DS, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %ss
  ENTER_LONG_MODE_ON_BOOT_TABLES
  ljmpl *OFF(to_long_mode)(%ebx)

  .code64
long_mode:
  movabs $ap_start64, %rax    // the kernel's upper half, mapped by boot_pml4
  jmp *%rax

  .balign 8
trampoline_gdt:
  .quad 0
  .quad 0x00af9b000000ffff    // X86_KERNEL_CS: 64-bit code (accessed: never written)
  .quad 0x00cf93000000ffff    // X86_KERNEL_DS: data
  .quad 0x00cf9b000000ffff    // TRAMPOLINE_CS32: 32-bit code
trampoline_gdt_end:
trampoline_gdtr:
  .word trampoline_gdt_end - trampoline_gdt - 1
  .long 0                     // linear address, filled in
to_protected_mode:            // far pointers, m16:32; offsets filled in
  .long 0
  .word TRAMPOLINE_CS32
to_long_mode:
  .long 0
  .word X86_KERNEL_CS
  .global x86_64_ap_trampoline_end
x86_64_ap_trampoline_end:
// linker.ld checks that it fits its page.

// In the kernel image, still on the boot page tables (no stack yet).
  .text
  .type ap_start64, @function
ap_start64:
  .cfi_startproc
  .cfi_undefined %rip         // outermost frame: unwinding stops here
  // A GDT in the image: the trampoline's page is not mapped in the kernel's
  // tables. Same selectors, same descriptors (CS need not be reloaded).
  lgdt ap_gdtr(%rip)
  LOAD_KERNEL_DATA_SEGMENTS
  mov x86_64_ap_start_block + AP_START_CR3(%rip), %rax
  mov %rax, %cr3              // the kernel's page tables
  mov %cr4, %rax
  or $CR4_PGE, %rax
  mov %rax, %cr4

  // This CPU's APIC id, found as boot.cpp's boot_apic_id finds the boot
  // CPU's: the x2APIC id of CPUID leaf 0xb where there is one, else the
  // 8-bit id of leaf 1.
  xor %eax, %eax
  cpuid
  cmp $0xb, %eax
  jb 1f
  mov $0xb, %eax
  xor %ecx, %ecx
  cpuid
  test %ebx, %ebx
  jz 1f
  mov %edx, %esi
  jmp 2f
1:mov $1, %eax
  cpuid
  shr $24, %ebx
  mov %ebx, %esi

  // Take the block if it was posted for this CPU; else park (a start that
  // arch::start_cpu gave up on, or one for another CPU).
2:mov %esi, %eax
  bts $AP_START_POSTED_BIT, %rax
  xor %edx, %edx
  bts $AP_START_TAKEN_BIT, %rdx
  lock cmpxchg %rdx, x86_64_ap_start_block + AP_START_STATE(%rip)
  jne park
  mov x86_64_ap_start_block + AP_START_STACK(%rip), %rsp
  mov x86_64_ap_start_block + AP_START_ENTRY(%rip), %rax
  mov x86_64_ap_start_block + AP_START_ARG(%rip), %rdi
  // Done with the block (stores stay in order after the loads): free again.
  movq $0, x86_64_ap_start_block + AP_START_STATE(%rip)
  xor %ebp, %ebp
  call *%rax                  // entry(arg): never returns
park:
  cli
  hlt
  jmp park
  .cfi_endproc
  .size ap_start64, . - ap_start64

  .data
  .balign 8
ap_gdt:
  .quad 0
  .quad 0x00af9b000000ffff    // X86_KERNEL_CS
  .quad 0x00cf93000000ffff    // X86_KERNEL_DS
ap_gdt_end:
  .balign 8
  .word 0, 0, 0               // aligns the base below
ap_gdtr:
  .word ap_gdt_end - ap_gdt - 1
  .quad ap_gdt
