// How a virtio driver reaches its device, whatever the bus: the device
// status, feature bits, queues, notifications, the interrupt's causes and
// the device-specific configuration (virtio 1.x, section 4). Two
// implementations, both of the modern (version 1) interface:
// virtio_mmio_transport.h (QEMU virt's virtio-mmio slots, version 2
// registers) and virtio_pci_transport.h (a PCI function's virtio
// capabilities in a memory BAR). A device driver (servers/block/virtio_blk.h)
// is written against this and the split virtqueue (virtqueue.h) only.
//
// Made on its server's heap; what it maps is in that server generation's
// holdings.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"

namespace tas::virtio {

// Device status bits (section 2.1).
namespace status {
constexpr uint8_t kAcknowledge = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8, kNeedsReset = 64,
                  kFailed = 128;
}

// Feature bits every device type shares (section 6).
namespace feature {
constexpr uint64_t kVersion1 = uint64_t{1} << 32;
}

// The causes of an interrupt (the ISR status, the MMIO InterruptStatus).
namespace cause {
constexpr uint32_t kUsedBuffer = 1, kConfigChange = 2;
}

// Everything written to memory before is visible to the device before
// anything written to its registers after (aarch64: to the outer shareable
// domain, which devices are in; x86_64: stores are ordered, the fence keeps
// the compiler and any later load in place).
inline void device_barrier() {
#if defined(__aarch64__)
  asm volatile("dsb st" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

class Transport {
 public:
  // "virtio-mmio" or "virtio-pci", and where: for the log.
  virtual const char* kind() const = 0;
  // The interrupt line (docs/syscalls.md, INTERRUPT_CREATE) its interrupt
  // comes on.
  virtual unsigned interrupt_line() const = 0;

  // Resets the device (status 0) and waits until it has: it stops using
  // every queue and buffer it was given.
  virtual void reset() = 0;
  virtual uint8_t status() = 0;
  virtual void set_status(uint8_t status) = 0;
  virtual uint64_t device_features() = 0;
  virtual void set_driver_features(uint64_t features) = 0;

  // The most entries queue `queue` may have (0: no such queue).
  virtual uint16_t queue_max_size(uint16_t queue) = 0;
  // Gives the device queue `queue` of `size` entries at those physical
  // addresses, and enables it.
  virtual void enable_queue(uint16_t queue, uint16_t size, uint64_t descriptors, uint64_t available,
                            uint64_t used) = 0;
  // Tells the device that queue `queue` has new available buffers (after a
  // full barrier: everything written before is visible to the device).
  virtual void notify(uint16_t queue) = 0;

  // Reads and acknowledges what the device interrupted for (cause::*):
  // the device lowers its interrupt line.
  virtual uint32_t take_interrupt() = 0;

  // Device-specific configuration (virtio-blk: its capacity, ...): 32 bits
  // at `offset`, and the generation that changes when it does.
  virtual uint32_t config_read32(size_t offset) = 0;
  virtual uint32_t config_generation() = 0;

 protected:
  ~Transport() = default;  // lives on its server's heap, dropped with it
};

// The device initialisation of section 3.1.1, up to FEATURES_OK: reset,
// ACKNOWLEDGE, DRIVER, the features: those of `wanted` the device offers,
// plus VERSION_1, which it must offer (else Error::not_supported: a legacy
// device). Returns the features agreed. The caller sets its queues up and
// then sets DRIVER_OK (driver_ok). On failure the device is left FAILED.
Result<uint64_t> negotiate(Transport& t, uint64_t wanted);
void driver_ok(Transport& t);
// A 64-bit field of the device configuration, read whole: again if the
// configuration changed in between.
uint64_t config_read64(Transport& t, size_t offset);

}  // namespace tas::virtio
