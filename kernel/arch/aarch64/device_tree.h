// The device tree the loader passed at boot, for drivers that look devices
// up after boot (boot.cpp sets it; the blob stays reserved and mapped).
#pragma once
#include <cstddef>

namespace arch::aarch64 {
struct DeviceTree {
  const void* blob = nullptr;  // direct-map address
  size_t size = 0;
};
extern DeviceTree g_device_tree;
}  // namespace arch::aarch64
