// aarch64 entry. The kernel boots as an arm64 Linux "Image" (the header
// below): QEMU -kernel loads it at RAM base + text_offset and enters at EL1
// with the MMU off, x0 = physical address of the device tree. We zero .bss, map the first 4 GiB twice with
// 1 GiB blocks (identity for the switch, and at KERNEL_VBASE for the kernel),
// turn the MMU on, jump to the upper half and call arch_boot(x0 = DTB).
// mmu.cpp later replaces these tables with fine-grained W^X ones.

#define KERNEL_VBASE 0xffff000000000000

// Block descriptors: AF | inner-shareable | AttrIndx | block.
#define BLOCK_DEVICE ((1 << 10) | (0 << 2) | 1 | (1 << 53) | (1 << 54))
#define BLOCK_NORMAL ((1 << 10) | (3 << 8) | (1 << 2) | 1)

// MAIR: attr0 = Device-nGnRnE, attr1 = Normal write-back.
#define MAIR_VALUE 0xff00
// TCR: T0SZ=T1SZ=16 (48-bit), 4 KiB granules, write-back inner-shareable walks.
#define TCR_VALUE 0xB5103510
// SCTLR: RES1 bits | M | C | SA | I. (WXN comes with the final W^X tables:
// these early blocks are writable and executable.)
#define SCTLR_VALUE (0x30d00800 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 12))

  .section .text.boot, "ax"
  .global image_header
image_header:                 // Documentation/arm64/booting.rst
  b _start                    // code0
  .long 0                     // code1
  .quad 0x80000               // text_offset: load at RAM base + 512 KiB
  .quad __kernel_end - image_header  // image_size, .bss included
  .quad 0x2                   // flags: little-endian, 4 KiB pages
  .quad 0, 0, 0               // reserved
  .ascii "ARM\x64"            // magic
  .long 0                     // reserved

  .global _start
_start:
  .cfi_startproc
  .cfi_undefined x30          // outermost frame: unwinding stops here
  mov x19, x0                 // the DTB pointer, if the loader gave one

  // FP/SIMD off: any such instruction in the kernel traps (EC 0x07).
  msr cpacr_el1, xzr

  // Zero .bss (physical addresses: adrp is PC-relative).
  adrp x0, __bss_start
  add x0, x0, :lo12:__bss_start
  adrp x1, __bss_end
  add x1, x1, :lo12:__bss_end
1:cmp x0, x1
  b.hs 2f
  str xzr, [x0], #8
  b 1b
2:
  // L0[0] -> L1; L1[0] = devices (0-1 GiB), L1[1..3] = RAM (1-4 GiB).
  adrp x0, boot_l0
  adrp x1, boot_l1
  orr x2, x1, #3              // table descriptor
  str x2, [x0]
  ldr x2, =BLOCK_DEVICE
  str x2, [x1]
  ldr x2, =BLOCK_NORMAL
  mov x3, #1
3:lsl x4, x3, #30
  orr x4, x4, x2
  str x4, [x1, x3, lsl #3]
  add x3, x3, #1
  cmp x3, #4
  b.lo 3b

  ldr x1, =MAIR_VALUE
  msr mair_el1, x1
  ldr x1, =TCR_VALUE
  mrs x2, id_aa64mmfr0_el1    // IPS = the CPU's physical address range (max 48 bits)
  and x2, x2, #7
  cmp x2, #5
  mov x3, #5
  csel x2, x2, x3, ls
  orr x1, x1, x2, lsl #32
  msr tcr_el1, x1
  msr ttbr0_el1, x0
  msr ttbr1_el1, x0
  isb
  tlbi vmalle1
  dsb nsh
  isb
  ldr x1, =SCTLR_VALUE
  msr sctlr_el1, x1
  isb

  ldr x1, =upper_half
  br x1
upper_half:
  ldr x1, =boot_stack_top
  mov sp, x1
  mov x29, xzr
  mov x0, x19
  bl arch_boot                // never returns
4:wfe
  b 4b
  .cfi_endproc

// Left as they are after mmu_init: secondary CPUs turn their MMU on through
// this identity map (secondary_entry.S).
  .section .bss
  .balign 4096
  .global boot_l0
boot_l0: .space 4096
boot_l1: .space 4096

// The boot stack, and the boot CPU's stack for reporting a kernel stack
// overflow (vectors.S), shaped like kernel stacks (mm/kernel_stack.h) so
// that the vectors' stack check accepts them: each is the top 16 KiB of a
// 64 KiB-aligned block whose lower 48 KiB mmu.cpp leaves unmapped, a guard.
// Stacks need no zeroing: .noinit.
  .section .noinit.stacks, "aw", %nobits
  .balign 65536
  .global boot_stack_guard
boot_stack_guard: .space 49152
  .global boot_stack_bottom
boot_stack_bottom: .space 16384
  .global boot_stack_top
boot_stack_top:
  .global overflow_stack_guard
overflow_stack_guard: .space 49152
overflow_stack_bottom: .space 16384
  .global overflow_stack_top
overflow_stack_top:
