// What the device capability (core/device_control.h) refuses even to the
// TAS: RAM and everything in the boot memory map, the kernel's interrupt
// controllers' registers, and the ports the kernel drives.
#include "boot/boot_info.h"
#include "core/device_control.h"
#include "ktest/ktest.h"

namespace {

using core::DeviceControl;

bool refused(const Result<void>& r, Error e) { return !r.has_value() && r.error() == e; }

}  // namespace

KTEST(device_capability_maps_device_registers_but_never_ram_or_the_kernels_own) {
  const boot::MemoryMap& map = boot::boot_memory_map();
  for (size_t i = 0; i < map.size(); ++i) {
    const uint64_t page = map[i].base & ~uint64_t{0xfff};
    KEXPECT(refused(DeviceControl::check_registers(page, 4096), Error::access_denied));
  }
#if defined(__aarch64__)
  KEXPECT(DeviceControl::check_registers(0x09000000, 4096).has_value());  // the PL011
  KEXPECT(refused(DeviceControl::check_registers(0x08000000, 4096), Error::access_denied));  // GICD
  // A range that only ends in the distributor.
  KEXPECT(refused(DeviceControl::check_registers(0x07ff0000, 0x20000), Error::access_denied));
#elif defined(__x86_64__)
  KEXPECT(
      refused(DeviceControl::check_registers(0xfee00000, 4096), Error::access_denied));  // LAPIC
  KEXPECT(
      refused(DeviceControl::check_registers(0xfec00000, 4096), Error::access_denied));  // I/O APIC
#endif
  KEXPECT(refused(DeviceControl::check_registers(0x09000800, 4096), Error::invalid_argument));
  KEXPECT(refused(DeviceControl::check_registers(0x09000000, 0), Error::invalid_argument));
  KEXPECT(
      refused(DeviceControl::check_registers(~uint64_t{0xfff}, 0x2000), Error::invalid_argument));
}

KTEST(device_capability_gives_ports_but_never_the_kernels_own) {
  KEXPECT(
      DeviceControl::check_io_ports(0x3f8, 8).has_value());  // COM1: shared, the kernel transmits
  KEXPECT(DeviceControl::check_io_ports(0xffff, 1).has_value());
  for (uint64_t port : {0x20, 0x21, 0xa1, 0x40, 0x43, 0x61, 0xf4, 0xf7})
    KEXPECT(refused(DeviceControl::check_io_ports(port, 1), Error::access_denied));
  KEXPECT(refused(DeviceControl::check_io_ports(0x00, 0x10000), Error::access_denied));
  KEXPECT(refused(DeviceControl::check_io_ports(0x3f8, 0), Error::invalid_argument));
  KEXPECT(refused(DeviceControl::check_io_ports(0xffff, 2), Error::invalid_argument));
  KEXPECT(refused(DeviceControl::check_io_ports(0x10000, 1), Error::invalid_argument));
}
