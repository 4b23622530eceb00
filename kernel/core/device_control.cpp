#include "core/device_control.h"

#include "boot/boot_info.h"
#include "mm/device_memory.h"
#include "mm/kernel_memory.h"

namespace core {
namespace {

bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size) {
  return a < b + b_size && b < a + a_size;
}

// The x86 ports the kernel itself drives (arch/x86_64/platform.cpp):
// first, count. COM1 is not among them: the kernel only ever transmits on
// it, and the console server receives.
struct PortRange {
  uint32_t first, count;
};
constexpr PortRange kKernelPorts[] = {
    {0x20, 2},  // PIC 1
    {0xa0, 2},  // PIC 2
    {0x40, 4},  // PIT
    {0x61, 1},  // PIT channel 2 gate (TSC calibration)
    {0xf4, 4},  // isa-debug-exit
};

}  // namespace

Result<Ref<DeviceControl>> DeviceControl::create() { return make_object<DeviceControl>(); }

Result<void> DeviceControl::check_registers(uint64_t phys, uint64_t size) {
  if (size == 0 || phys % mm::kPageSize != 0 || size % mm::kPageSize != 0 || phys + size < phys)
    return fail(Error::invalid_argument);
  const boot::MemoryMap& map = boot::boot_memory_map();
  for (size_t i = 0; i < map.size(); ++i) {
    if (overlaps(phys, size, map[i].base, map[i].size)) return fail(Error::access_denied);
  }
  if (mm::is_kernel_device(phys, size)) return fail(Error::access_denied);
  return {};
}

Result<void> DeviceControl::check_io_ports(uint64_t first, uint64_t count) {
  if (count == 0 || first > 0xffff || count > 0x10000 - first) return fail(Error::invalid_argument);
  for (const PortRange& k : kKernelPorts) {
    if (overlaps(first, count, k.first, k.count)) return fail(Error::access_denied);
  }
  return {};
}

}  // namespace core
