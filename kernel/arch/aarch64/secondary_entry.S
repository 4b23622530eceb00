// Where a secondary CPU starts (PSCI CPU_ON, cpu_start.cpp): at EL1 with the
// MMU and caches off, at this code's physical address, with x0 = the
// physical address of its SecondaryStart block (the CPU_ON context id). The
// block was cleaned to the point of coherency before CPU_ON, so the reads
// below, non-cacheable while the MMU is off, see what the boot CPU wrote;
// every field is read before the MMU goes on.
//
// As boot.S does for the boot CPU, it turns the MMU on with TTBR0 = the boot
// tables' identity map of the first 4 GiB (still intact: boot_l0, never
// written after boot.S) and TTBR1 = the kernel's final tables, branches to
// the upper half, then drops the identity map (TTBR0 = 0, TCR.EPD0) and
// sets WXN like mmu_init does, installs the trap vectors, releases the
// block and calls entry(arg) on stack_top with every interrupt masked.

#define KERNEL_VBASE_TOP 0xffff  // KERNEL_VBASE >> 48
#define TCR_EPD0 (1 << 7)
#define SCTLR_WXN (1 << 19)

// struct SecondaryStart (cpu_start.cpp, offsets checked there).
#define START_MAIR 0
#define START_TCR 8
#define START_SCTLR 16
#define START_TTBR0 24
#define START_TTBR1 32
#define START_STACK_TOP 40
#define START_ENTRY 48
#define START_ARG 56
#define START_IN_USE 64

  .text
  .balign 4
  .global aarch64_secondary_entry
  .type aarch64_secondary_entry, %function
aarch64_secondary_entry:
  .cfi_startproc
  .cfi_undefined x30          // outermost frame: unwinding stops here
  msr daifset, #0xf           // firmware enters masked; be sure of it
  msr cpacr_el1, xzr          // FP/SIMD off, as on the boot CPU
  msr tpidr_el1, xzr          // no CpuLocal until entry sets one

  ldp x1, x2, [x0, #START_MAIR]
  ldp x3, x4, [x0, #START_SCTLR]
  ldp x5, x19, [x0, #START_TTBR1]
  ldp x20, x21, [x0, #START_ENTRY]

  msr mair_el1, x1
  msr tcr_el1, x2             // EPD0 clear: TTBR0 walks for the identity map
  msr ttbr0_el1, x4
  msr ttbr1_el1, x5
  isb
  tlbi vmalle1                // nothing from before this CPU was started
  dsb nsh
  isb
  msr sctlr_el1, x3           // MMU and caches on, WXN still off: the
  isb                         // identity blocks are writable and executable

  ldr x1, =upper_half
  br x1
upper_half:
  // The identity map is no longer needed: no walks through TTBR0 until a
  // user address space is loaded, then W^X in hardware.
  msr ttbr0_el1, xzr
  mrs x1, tcr_el1
  orr x1, x1, #TCR_EPD0
  msr tcr_el1, x1
  mrs x1, sctlr_el1
  orr x1, x1, #SCTLR_WXN
  msr sctlr_el1, x1
  isb
  tlbi vmalle1                // the identity entries are global: drop them
  dsb nsh
  isb
  ldr x1, =exception_vectors
  msr vbar_el1, x1
  isb

  // The block is read: the boot CPU may reuse it (through the linear map,
  // now cacheable and coherent with the boot CPU).
  movz x1, #KERNEL_VBASE_TOP, lsl #48
  add x0, x0, x1
  add x0, x0, #START_IN_USE
  stlr xzr, [x0]

  mov sp, x19
  mov x29, xzr
  mov x30, xzr
  mov x0, x21
  blr x20                     // entry(arg): never returns
1:wfe
  b 1b
  .cfi_endproc
  .size aarch64_secondary_entry, . - aarch64_secondary_entry
  .ltorg
