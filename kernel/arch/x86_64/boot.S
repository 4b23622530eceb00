// x86_64 entry. QEMU -kernel loads rebound.bin as a multiboot (version 1)
// kernel: it refuses ELF64, so the header below carries the a.out-kludge
// fields (where the flat image goes, physical). The loader enters _start in
// 32-bit protected mode, paging off, with eax = multiboot magic and ebx = the
// physical address of the multiboot info. We zero .bss, build early page
// tables with 2 MiB pages that map the first 4 GiB at 0 (identity, for the
// switch) and at DIRECT_MAP_BASE (the multiboot info, whose pointers are
// 32-bit), and the first 2 GiB at KERNEL_VBASE (the kernel image), enter long
// mode, jump to the upper half and call arch_boot(magic, info). mmu.cpp later
// replaces these tables with W^X ones.

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/long_mode_switch.h"

#define MULTIBOOT_MAGIC 0x1badb002
// Page-align modules, give a memory map, header has the a.out-kludge fields.
#define MULTIBOOT_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

#define CPUID_LM (1 << 29) // CPUID 0x80000001 EDX
#define CPUID_NX (1 << 20)
#define PTE_PRESENT 0x1
#define PTE_WRITABLE 0x2
#define PTE_LARGE 0x80

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PANIC 3                       // arch::kExitPanic

  .section .boot.header, "a"
  .balign 4
multiboot_header:             // the first bytes of rebound.bin
  .long MULTIBOOT_MAGIC
  .long MULTIBOOT_FLAGS
  .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
  .long multiboot_header      // header_addr
  .long multiboot_header      // load_addr: the file starts here
  .long __load_end_phys       // load_end_addr: the file ends with .init_array
  .long __kernel_end_phys     // bss_end_addr: QEMU puts its boot info after this
  .long _start                // entry_addr

  .section .boot, "ax"
  .code32
  .global _start
  .type _start, @function
_start:
  cli
  cld
  mov %eax, %esi              // multiboot magic (arch_boot checks it)
  mov %ebx, %ebp              // multiboot info, physical

  mov $0x80000000, %eax       // long mode and NX, or stop with a message
  cpuid
  cmp $0x80000001, %eax
  jb no_long_mode
  mov $0x80000001, %eax
  cpuid
  and $(CPUID_LM | CPUID_NX), %edx
  cmp $(CPUID_LM | CPUID_NX), %edx
  jne no_long_mode

  // Zero .bss: the early page tables and the boot stack live there.
  mov $__bss_start_phys, %edi
  mov $__bss_end_phys, %ecx
  sub %edi, %ecx
  shr $2, %ecx
  xor %eax, %eax
  rep stosl

  // boot_pd: 4 page directories of 512 x 2 MiB pages, physical 0 - 4 GiB,
  // writable and executable.
  mov $PHYS(boot_pd), %edi
  mov $(PTE_PRESENT | PTE_WRITABLE | PTE_LARGE), %eax
  xor %edx, %edx              // high half of the entry: the physical address's bit 32 and up
  mov $(4 * 512), %ecx
1:mov %eax, (%edi)
  mov %edx, 4(%edi)
  add $0x200000, %eax
  adc $0, %edx
  add $8, %edi
  loop 1b
  // boot_pdpt_low: 0 - 4 GiB, at 0 (identity) and at DIRECT_MAP_BASE.
  mov $PHYS(boot_pdpt_low), %edi
  mov $(PHYS(boot_pd) + PTE_PRESENT + PTE_WRITABLE), %eax
  mov %eax, 0(%edi)
  add $4096, %eax
  mov %eax, 8(%edi)
  add $4096, %eax
  mov %eax, 16(%edi)
  add $4096, %eax
  mov %eax, 24(%edi)
  // boot_pdpt_high: 0 - 2 GiB at KERNEL_VBASE (-2 GiB).
  mov $(PHYS(boot_pd) + PTE_PRESENT + PTE_WRITABLE), %eax
  mov %eax, PHYS(boot_pdpt_high) + 510 * 8
  add $4096, %eax
  mov %eax, PHYS(boot_pdpt_high) + 511 * 8
  mov $(PHYS(boot_pdpt_low) + PTE_PRESENT + PTE_WRITABLE), %eax
  mov %eax, PHYS(boot_pml4)                   // identity (the switch)
  mov %eax, PHYS(boot_pml4) + 256 * 8         // 0xffff800000000000
  mov $(PHYS(boot_pdpt_high) + PTE_PRESENT + PTE_WRITABLE), %eax
  mov %eax, PHYS(boot_pml4) + 511 * 8         // 0xffffff8000000000

  ENTER_LONG_MODE_ON_BOOT_TABLES
  lgdt boot_gdtr
  ljmp $X86_KERNEL_CS, $long_mode_entry

// Without long mode there is no kernel: say so on COM1 and exit QEMU.
no_long_mode:
  mov $no_long_mode_message, %esi
1:movzbl (%esi), %ecx
  test %ecx, %ecx
  jz 3f
  mov $(COM1 + 5), %dx        // line status: wait for an empty transmitter
2:in %dx, %al
  test $0x20, %al
  jz 2b
  mov $COM1, %dx
  mov %cl, %al
  out %al, %dx
  inc %esi
  jmp 1b
3:mov $DEBUG_EXIT_PORT, %dx
  mov $EXIT_PANIC, %eax
  out %eax, %dx
4:hlt
  jmp 4b
  .size _start, . - _start

  .code64
long_mode_entry:
  LOAD_KERNEL_DATA_SEGMENTS
  movabs $start64, %rax
  jmp *%rax

no_long_mode_message:
  .asciz "\r\nRebound: this CPU has no long mode or no NX: cannot boot x86_64\r\n"

// The GDT of the switch; gdt.cpp loads the kernel's own, with the same
// selectors, before the identity map goes away.
  .balign 8
boot_gdt:
  .quad 0
  .quad 0x00af9a000000ffff    // X86_KERNEL_CS: 64-bit code, ring 0
  .quad 0x00cf92000000ffff    // X86_KERNEL_DS: data, ring 0
boot_gdt_end:
boot_gdtr:
  .word boot_gdt_end - boot_gdt - 1
  .long boot_gdt

  .text
  .type start64, @function
start64:
  .cfi_startproc
  .cfi_undefined %rip         // outermost frame: unwinding stops here
  mov $boot_stack_top, %rsp
  mov %esi, %edi              // arch_boot(magic, info_phys)
  mov %ebp, %esi
  xor %ebp, %ebp
  call arch_boot              // never returns
1:cli
  hlt
  jmp 1b
  .cfi_endproc
  .size start64, . - start64

  .bss
  .balign 4096
// Kept after mmu_init: other CPUs switch to long mode on them
// (ap_trampoline.S), through the identity map of the first 4 GiB.
  .global boot_pml4
boot_pml4: .space 4096
boot_pdpt_low: .space 4096
boot_pdpt_high: .space 4096
boot_pd: .space 4 * 4096
// mmu.cpp leaves the guard page unmapped: a boot stack overflow faults, and
// the double fault it turns into runs on its own stack (gdt.cpp).
  .global boot_stack_guard
boot_stack_guard: .space 4096
  .global boot_stack_bottom
boot_stack_bottom:
  .space 16384
  .global boot_stack_top
boot_stack_top:
