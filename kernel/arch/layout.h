// The kernel's virtual address layout above the direct map: a region for
// dynamically mapped kernel memory (heaps, stacks), per architecture.
#pragma once
#include <cstdint>

namespace arch {
#if defined(__aarch64__)
// TTBR1 half; the linear map of RAM is at 0xffff000000000000 + phys.
constexpr uintptr_t kKernelDynamicBase = 0xffff800000000000;
#elif defined(__x86_64__)
// Above the direct map (0xffff800000000000 + phys), below the image (-2 GiB).
constexpr uintptr_t kKernelDynamicBase = 0xffffa00000000000;
#endif
constexpr uintptr_t kKernelDynamicSize = uintptr_t{64} << 30;
}  // namespace arch
