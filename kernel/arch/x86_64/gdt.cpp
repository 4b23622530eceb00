// The kernel's GDTs, one per CPU: flat 64-bit code and data segments for the
// kernel and for user mode (long mode ignores their base and limit), laid out
// for SYSCALL/SYSRET (gdt.h), and the CPU's TSS. The TSS holds rsp0, the
// kernel stack an interrupt or exception from user mode switches to (the
// running thread's, set on every context switch), and the interrupt stack
// table: a double fault (a fault while the CPU pushes an exception frame, e.g.
// on a kernel stack overflow) switches to a stack of its own instead of
// escalating to a triple fault and a silent reset. The I/O permission bitmap
// follows the TSS (io_permission.h); the TSS points at it only while a
// process with I/O ports runs. Every CPU has its own GDT (a TSS descriptor is
// marked busy by the CPU that loads it), TSS, I/O bitmap and double fault
// stack, indexed by core::CpuLocal::id.
#include "arch/x86_64/gdt.h"

#include <cstddef>
#include <cstdint>

#include "arch/arch.h"
#include "core/cpu_local.h"
#include "recovery/panic.h"

namespace arch::x86_64 {
namespace {

struct [[gnu::packed]] Tss {
  uint32_t reserved0;
  uint64_t rsp[3];  // stacks for entries from rings 0-2: rsp[0] for user mode
  uint64_t reserved1;
  uint64_t ist[7];  // interrupt stack table, slots 1-7
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t io_bitmap_offset;  // past the limit: no I/O bitmap
};
static_assert(sizeof(Tss) == 104);

// The TSS and its I/O permission bitmap, which must lie inside the TSS
// segment. The CPU reads two bytes of the bitmap for a port near its end:
// the byte after it stays all ones.
struct [[gnu::packed]] TssWithIoBitmap {
  Tss tss;
  uint8_t io_bitmap[kIoBitmapBytes];
  uint8_t io_bitmap_end;
};
constexpr uint16_t kIoBitmapOffset = sizeof(Tss);

struct [[gnu::packed]] DescriptorPointer {
  uint16_t limit;
  uint64_t base;
};

// Segment descriptors: present, ring 0 or 3, code (64-bit) and data (writable).
constexpr uint64_t kKernelCode = 0x00af9a000000ffff;
constexpr uint64_t kKernelData = 0x00cf92000000ffff;
constexpr uint64_t kUserCode = 0x00affa000000ffff;
constexpr uint64_t kUserData = 0x00cff2000000ffff;
constexpr uint64_t kTssAvailable = 0x89;  // present, 64-bit TSS, not busy

struct PerCpu {
  // null, kernel code, kernel data, null (SYSRET's base), user data, user
  // code, TSS (two entries).
  alignas(16) uint64_t gdt[8];
  alignas(16) TssWithIoBitmap tss;
  alignas(16) uint8_t double_fault_stack[16384];
};
PerCpu g_cpus[kMaxCpus];

PerCpu& this_cpu_state() {
  const unsigned id = core::this_cpu().id;
  if (id >= kMaxCpus) recovery::panic("gdt: CPU %u beyond kMaxCpus", id);
  return g_cpus[id];
}

static_assert(X86_KERNEL_CS == 1 * 8 && X86_KERNEL_DS == 2 * 8 && X86_TSS_SELECTOR == 6 * 8);
static_assert(X86_USER_DS == (4 * 8 | 3) && X86_USER_CS == (5 * 8 | 3));
// SYSCALL: CS = STAR[47:32], SS = that + 8. SYSRET: SS = STAR[63:48] + 8,
// CS = STAR[63:48] + 16.
static_assert(X86_KERNEL_DS == X86_KERNEL_CS + 8);
static_assert(X86_USER_DS == X86_SYSRET_BASE + 8 && X86_USER_CS == X86_SYSRET_BASE + 16);

}  // namespace

void gdt_init() {
  PerCpu& cpu = this_cpu_state();
  core::this_cpu().tss = &cpu.tss.tss;
  cpu.tss.tss.ist[kDoubleFaultIst - 1] =
      reinterpret_cast<uint64_t>(cpu.double_fault_stack + sizeof cpu.double_fault_stack);
  cpu.tss.tss.io_bitmap_offset = kNoIoBitmap;
  __builtin_memset(cpu.tss.io_bitmap, 0xff, sizeof cpu.tss.io_bitmap);
  cpu.tss.io_bitmap_end = 0xff;

  const auto tss = reinterpret_cast<uint64_t>(&cpu.tss);
  const uint64_t limit = sizeof(TssWithIoBitmap) - 1;
  uint64_t* gdt = cpu.gdt;
  gdt[0] = 0;
  gdt[1] = kKernelCode;
  gdt[2] = kKernelData;
  gdt[3] = 0;
  gdt[4] = kUserData;
  gdt[5] = kUserCode;
  // Available, not busy: so that loading it again (ltr) works too.
  gdt[6] = (limit & 0xffff) | (tss & 0xffffff) << 16 | kTssAvailable << 40 |
           ((limit >> 16) & 0xf) << 48 | ((tss >> 24) & 0xff) << 56;
  gdt[7] = tss >> 32;

  const DescriptorPointer gdtr{sizeof cpu.gdt - 1, reinterpret_cast<uint64_t>(gdt)};
  asm volatile(
      "lgdt %0\n"
      // Reload CS with a far return, then the data segments. Not FS and GS:
      // loading them would clear their bases (GS holds the CPU-local block).
      "pushq %1\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1: mov %2, %%ss\n"
      "mov %2, %%ds\n"
      "mov %2, %%es\n"
      "ltr %w3\n"
      :
      : "m"(gdtr), "i"(X86_KERNEL_CS), "r"(X86_KERNEL_DS), "r"(X86_TSS_SELECTOR)
      : "rax", "memory");
}

uint8_t* io_bitmap() { return this_cpu_state().tss.io_bitmap; }

void set_io_bitmap_active(bool active) {
  this_cpu_state().tss.tss.io_bitmap_offset = active ? kIoBitmapOffset : kNoIoBitmap;
}

bool io_bitmap_active() { return this_cpu_state().tss.tss.io_bitmap_offset == kIoBitmapOffset; }

static_assert(offsetof(Tss, rsp) == kTssRsp0);
static_assert(offsetof(Tss, io_bitmap_offset) == kTssIoBitmapOffset);

}  // namespace arch::x86_64
