// The device capability: a handle to this object lets a process drive the
// machine's devices from user mode -- bind device interrupt lines
// (INTERRUPT_CREATE, core/interrupt_object.h), map device registers
// (DEVICE_MAP) and use I/O ports (IO_PORTS_ALLOW, x86_64). The kernel makes
// one at boot and gives it to the TAS alone, with its first call on the name
// service (core/tas_boot.h); no system call makes another, so a process
// that was not handed it cannot reach a device. What it grants stops short
// of the kernel's own: RAM, the kernel's interrupt controllers and timers,
// and their lines and ports are refused to it too.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/kernel_object.h"

namespace core {

class DeviceControl final : public KernelObject {
 public:
  static Result<Ref<DeviceControl>> create();

  // Whether [phys, phys+size) (page-aligned, size > 0) is device registers
  // a driver may map: Error::access_denied if it overlaps anything in the
  // boot memory map (RAM, the kernel, firmware tables, reserved ranges) or
  // registers the kernel drives itself (mm::map_device); invalid_argument
  // if it is empty, unaligned or wraps.
  static Result<void> check_registers(uint64_t phys, uint64_t size);

  // Whether ports [first, first+count) may be given to a driver:
  // Error::access_denied for those the kernel drives (the PICs, the PIT and
  // its gate, the QEMU exit port); invalid_argument if empty or past 0xffff.
  static Result<void> check_io_ports(uint64_t first, uint64_t count);

 private:
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  DeviceControl() = default;
};

}  // namespace core
