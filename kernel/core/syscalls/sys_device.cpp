// Devices, for the drivers of the TAS: interrupt objects
// (core/interrupt_object.h), device registers and I/O ports, and copies of
// boot images (the RAM disk's contents) and DMA memory, and the power switch, each reached through
// the device capability (core/device_control.h), which only the TAS holds. Checked first, so that a
// process without it learns nothing else.
#include "arch/arch.h"
#include "core/boot_images.h"
#include "core/device_control.h"
#include "core/interrupt_object.h"
#include "core/memory_object.h"
#include "core/syscalls/syscall.h"
#include "lib/align.h"
#include "lib/log.h"

namespace core::syscalls {
namespace {

Result<Ref<DeviceControl>> device_control(uint64_t handle) {
  return caller().handles().get<DeviceControl>(static_cast<rebound_handle>(handle), 0);
}

Result<Ref<InterruptObject>> interrupt(uint64_t handle) {
  return caller().handles().get<InterruptObject>(static_cast<rebound_handle>(handle),
                                                 REBOUND_RIGHT_WAIT);
}

}  // namespace

Result<Values> sys_interrupt_create(Args a) {
  TRY_VOID(device_control(a[0]));
  if (a[1] > UINT32_MAX) return fail(Error::out_of_range);
  TRY(object, InterruptObject::create(static_cast<unsigned>(a[1])));
  TRY(handle, caller().handles().add(object, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_WAIT));
  return Values{handle, 0};
}

Result<Values> sys_interrupt_wait(Args a) {
  TRY(object, interrupt(a[0]));
  TRY_VOID(object->wait());
  return Values{object->fired(), 0};
}

Result<Values> sys_interrupt_ack(Args a) {
  TRY(object, interrupt(a[0]));
  object->ack();
  return Values{};
}

Result<Values> sys_device_map(Args a) {
  TRY_VOID(device_control(a[0]));
  const uint64_t phys = a[1], size = a[2], address = a[3], perms = a[4];
  if ((perms & ~uint64_t{REBOUND_VM_READ | REBOUND_VM_WRITE}) != 0 || perms == 0)
    return fail(Error::invalid_argument);  // registers are never executable
  TRY_VOID(DeviceControl::check_registers(phys, size));
  mm::Perms p = 0;
  if ((perms & REBOUND_VM_READ) != 0) p |= mm::perm::read;
  if ((perms & REBOUND_VM_WRITE) != 0) p |= mm::perm::write;
  TRY(at, caller().space()->map_physical(address, phys, size, p));
  return Values{at, 0};
}

Result<Values> sys_io_ports_allow(Args a) {
  TRY_VOID(device_control(a[0]));
  if (!arch::kHasIoPorts) return fail(Error::not_supported);
  TRY_VOID(DeviceControl::check_io_ports(a[1], a[2]));
  TRY_VOID(caller().io_ports().allow(static_cast<uint32_t>(a[1]), static_cast<uint32_t>(a[2])));
  return Values{};
}

// The disk image built into the kernel becomes the RAM disk's backing
// store: a copy, so that writes reach neither the image nor anyone else.
Result<Values> sys_boot_image_copy(Args a) {
  TRY_VOID(device_control(a[0]));
  TRY(name, user_name(a[1], a[2]));
  const BootImage* image = find_boot_image(name.text, name.length);
  if (image == nullptr) return fail(Error::not_found);
  const size_t size = lib::align_up<size_t>(image->size, mm::kPageSize);
  if (size == 0 || size > MemoryObject::kMaxSize) return fail(Error::limit_reached);
  TRY(memory, MemoryObject::create(size));
  for (size_t page = 0, at = 0; at < image->size; ++page, at += mm::kPageSize) {
    TRY(frame, memory->frame(page));
    const size_t n = image->size - at < mm::kPageSize ? image->size - at : mm::kPageSize;
    __builtin_memcpy(reinterpret_cast<void*>(arch::phys_to_virt(frame)), image->data + at, n);
  }
  TRY(handle, caller().handles().add(memory, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_MAP |
                                                 REBOUND_RIGHT_READ | REBOUND_RIGHT_WRITE));
  return Values{handle, image->size};
}

// DMA memory: contiguous frames, zeroed, whose physical address a driver
// gives its device (virtio's queues and buffers). A memory object like any
// other (mapped with VM_MAP_MEMORY, freed with its last handle or mapping);
// only the device capability learns where it is.
Result<Values> sys_dma_memory_create(Args a) {
  TRY_VOID(device_control(a[0]));
  TRY(memory, MemoryObject::create_contiguous(a[1]));
  TRY(handle, caller().handles().add(memory, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_MAP |
                                                 REBOUND_RIGHT_READ | REBOUND_RIGHT_WRITE));
  return Values{handle, memory->contiguous_base()};
}

// The machine off, for the TAS: its process server calls it when init ends
// (tas/servers/process), as the kernel does itself after run=NAME.
Result<Values> sys_system_shutdown(Args a) {
  TRY_VOID(device_control(a[0]));
  if (a[1] > 255) return fail(Error::out_of_range);
  KLOG_INFO("shutdown: asked by %s with status %lu", caller().name(),
            static_cast<unsigned long>(a[1]));
  arch::shutdown(static_cast<int>(a[1]));
}

}  // namespace core::syscalls
