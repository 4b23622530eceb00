// Access to aarch64 system registers by name.
#pragma once
#include <cstdint>

#define READ_SYSREG(name)                          \
  ({                                               \
    uint64_t value_;                               \
    asm volatile("mrs %0, " #name : "=r"(value_)); \
    value_;                                        \
  })
#define WRITE_SYSREG(name, value) \
  asm volatile("msr " #name ", %0" ::"r"(static_cast<uint64_t>(value)) : "memory")

namespace arch::aarch64 {
constexpr uint64_t kKernelVbase = 0xffff000000000000;
inline uintptr_t phys_to_virt(uint64_t phys) { return phys + kKernelVbase; }
inline uint64_t virt_to_phys(uintptr_t virt) { return virt - kKernelVbase; }
inline void isb() { asm volatile("isb" ::: "memory"); }
}  // namespace arch::aarch64
