// virtio over MMIO (virtio 1.x, section 4.2), the modern register layout
// (version 2) only: QEMU's virt machine has 32 such slots, at 0x0a000000 +
// 0x200 * i, interrupt SPI 16 + i. QEMU offers the legacy layout (version 1)
// unless it runs with `-global virtio-mmio.force-legacy=false`; this
// transport refuses a legacy slot (probe: Error::not_supported), so the
// virtqueue and the driver have one layout to know.
#pragma once
#include "drivers/virtio/virtio_transport.h"

namespace tas::virtio {

class MmioTransport final : public Transport {
 public:
  static constexpr size_t kSlotSize = 0x200;
  static constexpr uint32_t kMagic = 0x74726976;  // "virt"

  // What a slot holds, from its registers (mapped at `registers`): the
  // device ID (0: nothing there) and the register layout's version.
  struct Probe {
    uint32_t device_id, version;
  };
  static Probe probe(volatile void* registers);

  // A transport over the slot mapped at `registers` (version 2), whose
  // interrupt is device line `line`.
  MmioTransport(volatile void* registers, unsigned line)
      : registers_(static_cast<volatile uint32_t*>(registers)), line_(line) {}

  const char* kind() const override { return "virtio-mmio"; }
  unsigned interrupt_line() const override { return line_; }
  void reset() override;
  uint8_t status() override;
  void set_status(uint8_t status) override;
  uint64_t device_features() override;
  void set_driver_features(uint64_t features) override;
  uint16_t queue_max_size(uint16_t queue) override;
  void enable_queue(uint16_t queue, uint16_t size, uint64_t descriptors, uint64_t available,
                    uint64_t used) override;
  void notify(uint16_t queue) override;
  uint32_t take_interrupt() override;
  uint32_t config_read32(size_t offset) override;
  uint32_t config_generation() override;

 private:
  volatile uint32_t& reg(size_t offset) { return registers_[offset / 4]; }

  volatile uint32_t* const registers_;
  const unsigned line_;
};

}  // namespace tas::virtio
