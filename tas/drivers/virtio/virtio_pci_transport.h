// virtio over PCI (virtio 1.x, section 4.1), the modern interface: the
// function's vendor capabilities (ID 9) say where in its memory BARs the
// common configuration, the notification area, the ISR status and the
// device configuration are; those BAR ranges are mapped into the TAS
// (DEVICE_MAP; firmware -- SeaBIOS on q35 -- assigned the BARs). A
// transitional device's legacy I/O BAR is not used, so one layout serves
// virtio-mmio and virtio-pci alike.
//
// Interrupts: the function's INTx pin (level-triggered, shared in
// principle: the ISR status says whether it was this device; reading it
// lowers the line). MSI-X stays off. Which interrupt line the pin reaches is
// the board's business (the caller's: servers/block/arch/x86_64/).
#pragma once
#include "drivers/pci/pci_config.h"
#include "drivers/virtio/virtio_transport.h"
#include "rebound/syscall.h"
#include "runtime/holdings.h"

namespace tas::virtio {

class PciTransport final : public Transport {
 public:
  static constexpr uint16_t kVendor = 0x1af4;
  // A virtio device's PCI device ID: modern 0x1040 + its type, or
  // transitional 0x1000-0x103f with the type in the subsystem ID.
  static uint32_t device_type(pci::ConfigSpace& config, pci::Function f);

  // The transport of function `f`: enables its memory decoding and bus
  // mastering (DMA), maps the BAR ranges its capabilities name (mappings
  // into `holdings`). Error::not_supported: a capability is missing or its
  // BAR unassigned.
  static Result<PciTransport*> open(pci::ConfigSpace& config, pci::Function f,
                                    rebound_handle devices, Holdings& holdings, unsigned line);

  const char* kind() const override { return "virtio-pci"; }
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
  static constexpr unsigned kMaxQueues = 4;  // whose notify offsets are kept

  PciTransport(unsigned line) : line_(line) {}
  template <class T>
  volatile T& common(size_t offset) {
    return *reinterpret_cast<volatile T*>(common_ + offset);
  }

  const unsigned line_;
  volatile uint8_t* common_ = nullptr;
  volatile uint8_t* notify_ = nullptr;
  volatile uint8_t* isr_ = nullptr;
  volatile uint8_t* device_ = nullptr;
  uint32_t notify_multiplier_ = 0;
  uint32_t notify_offset_[kMaxQueues] = {};
};

}  // namespace tas::virtio
