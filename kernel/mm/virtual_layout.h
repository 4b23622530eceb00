// How the kernel's dynamic region (arch/layout.h) is divided.
#pragma once
#include <cstdint>

#include "arch/layout.h"

namespace mm {

// Heaps: one 1 GiB slot each, so a heap's range never touches another's.
constexpr uintptr_t kHeapsBase = arch::kKernelDynamicBase;
constexpr uintptr_t kHeapSlotSize = uintptr_t{1} << 30;
constexpr unsigned kMaxHeaps = 16;

// Kernel stacks, each in its own slot with unmapped guard pages below it.
constexpr uintptr_t kStacksBase = arch::kKernelDynamicBase + kMaxHeaps * kHeapSlotSize;
constexpr uintptr_t kStacksSize = uintptr_t{16} << 30;

// Free for in-kernel tests that map and unmap pages of their own.
constexpr uintptr_t kTestMappingsBase = kStacksBase + kStacksSize;
constexpr uintptr_t kTestMappingsSize = uintptr_t{1} << 30;

// Device registers (interrupt controllers, timers, UARTs beyond the boot
// console), mapped uncached on demand.
constexpr uintptr_t kDevicesBase = kTestMappingsBase + kTestMappingsSize;
constexpr uintptr_t kDevicesSize = uintptr_t{1} << 30;

static_assert(kDevicesBase + kDevicesSize <= arch::kKernelDynamicBase + arch::kKernelDynamicSize);

}  // namespace mm
