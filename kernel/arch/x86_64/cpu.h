// Access to x86_64 control registers, MSRs and I/O ports, and the kernel's
// two views of physical memory.
#pragma once
#include <cstdint>

namespace arch::x86_64 {

// The kernel image is linked at kKernelVbase + its physical address (the top
// 2 GiB, for -mcmodel=kernel); all RAM is mapped at kDirectMapBase + phys.
// boot.S and linker.ld use the same two constants.
constexpr uint64_t kKernelVbase = 0xffffffff80000000;
constexpr uint64_t kDirectMapBase = 0xffff800000000000;

inline uintptr_t phys_to_virt(uint64_t phys) { return phys + kDirectMapBase; }
inline uint64_t virt_to_phys(uintptr_t virt) {
  return virt >= kKernelVbase ? virt - kKernelVbase : virt - kDirectMapBase;
}

// Control register bits.
constexpr uint64_t kCr0Wp = 1ull << 16;  // ring 0 honours read-only pages
constexpr uint64_t kCr4Pge = 1ull << 7;  // global pages
// Model-specific registers.
constexpr uint32_t kMsrEfer = 0xc0000080, kMsrFsBase = 0xc0000100, kMsrGsBase = 0xc0000101,
                   kMsrKernelGsBase = 0xc0000102;  // swapgs trades it with GS base
constexpr uint64_t kEferNxe = 1ull << 11;  // the NX bit of page-table entries

inline uint64_t read_cr0() {
  uint64_t v;
  asm volatile("mov %%cr0, %0" : "=r"(v));
  return v;
}
inline void write_cr0(uint64_t v) { asm volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
inline uint64_t read_cr4() {
  uint64_t v;
  asm volatile("mov %%cr4, %0" : "=r"(v));
  return v;
}
inline void write_cr4(uint64_t v) { asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }
// Loading CR3 switches address spaces and flushes the non-global TLB entries.
inline void write_cr3(uint64_t v) { asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }

inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (uint64_t{hi} << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t value) {
  asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(value)),
               "d"(static_cast<uint32_t>(value >> 32))
               : "memory");
}

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

inline uint8_t inb(uint16_t port) {
  uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }

}  // namespace arch::x86_64
