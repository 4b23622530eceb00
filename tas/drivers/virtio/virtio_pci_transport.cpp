#include "drivers/virtio/virtio_pci_transport.h"

#include "lib/log.h"
#include "runtime/sys.h"

namespace tas::virtio {
namespace {

// Vendor capability (section 4.1.4): cfg_type at +3, bar +4, offset +8,
// length +12; the notification capability's multiplier at +16.
constexpr uint8_t kVendorCapability = 9;
constexpr uint8_t kCommonCfg = 1, kNotifyCfg = 2, kIsrCfg = 3, kDeviceCfg = 4;
constexpr uint16_t kModernBase = 0x1040, kTransitionalFirst = 0x1000, kTransitionalLast = 0x103f;

// Common configuration (section 4.1.4.3), byte offsets.
constexpr size_t kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04;
constexpr size_t kDriverFeatureSelect = 0x08, kDriverFeature = 0x0c;
constexpr size_t kDeviceStatus = 0x14, kConfigGeneration = 0x15;
constexpr size_t kQueueSelect = 0x16, kQueueSize = 0x18, kQueueMsixVector = 0x1a;
constexpr size_t kQueueEnable = 0x1c, kQueueNotifyOff = 0x1e;
constexpr size_t kQueueDesc = 0x20, kQueueDriver = 0x28, kQueueDevice = 0x30;
constexpr uint16_t kNoVector = 0xffff;

constexpr uint64_t kPage = 4096;

struct Capability {
  bool found = false;
  uint8_t bar = 0;
  uint32_t offset = 0, length = 0;
};

}  // namespace

uint32_t PciTransport::device_type(pci::ConfigSpace& config, pci::Function f) {
  if (config.read16(f, pci::kVendorId) != kVendor) return 0;
  const uint16_t id = config.read16(f, pci::kDeviceId);
  if (id >= kModernBase) return id - kModernBase;
  if (id >= kTransitionalFirst && id <= kTransitionalLast)
    return config.read16(f, pci::kSubsystemId);
  return 0;
}

Result<PciTransport*> PciTransport::open(pci::ConfigSpace& config, pci::Function f,
                                         rebound_handle devices, Holdings& holdings,
                                         unsigned line) {
  Capability caps[kDeviceCfg + 1];
  uint32_t multiplier = 0;
  if ((config.read16(f, pci::kStatus) & pci::kStatusCapabilities) == 0)
    return fail(Error::not_supported);
  uint8_t at = config.read8(f, pci::kCapabilities) & 0xfc;
  for (unsigned n = 0; at != 0 && n < 48; ++n) {  // a loop in the list ends too
    if (config.read8(f, at) == kVendorCapability) {
      const uint8_t type = config.read8(f, static_cast<uint16_t>(at + 3));
      if (type >= kCommonCfg && type <= kDeviceCfg && !caps[type].found) {
        caps[type] = Capability{true, config.read8(f, static_cast<uint16_t>(at + 4)),
                                config.read32(f, static_cast<uint16_t>(at + 8)),
                                config.read32(f, static_cast<uint16_t>(at + 12))};
        if (type == kNotifyCfg) multiplier = config.read32(f, static_cast<uint16_t>(at + 16));
      }
    }
    at = config.read8(f, static_cast<uint16_t>(at + 1)) & 0xfc;
  }
  for (uint8_t type = kCommonCfg; type <= kDeviceCfg; ++type) {
    if (!caps[type].found || caps[type].bar > 5 || config.memory_bar(f, caps[type].bar) == 0)
      return fail(Error::not_supported);
  }

  // The device decodes its memory BARs and may reach memory (DMA); its
  // INTx pin is on.
  const uint16_t command = config.read16(f, pci::kCommand);
  config.write16(f, pci::kCommand,
                 static_cast<uint16_t>((command | pci::kCommandMemory | pci::kCommandBusMaster) &
                                       ~pci::kCommandIntxDisable));

  volatile uint8_t* where[kDeviceCfg + 1] = {};
  // One mapping per BAR, over the pages its capabilities' ranges cover.
  for (unsigned bar = 0; bar <= 5; ++bar) {
    uint64_t low = ~uint64_t{0}, high = 0;
    for (uint8_t type = kCommonCfg; type <= kDeviceCfg; ++type) {
      if (caps[type].bar != bar) continue;
      low = caps[type].offset < low ? caps[type].offset : low;
      const uint64_t end = uint64_t{caps[type].offset} + caps[type].length;
      high = end > high ? end : high;
    }
    if (high == 0) continue;
    const uint64_t base = config.memory_bar(f, bar);
    const uint64_t first = (base + low) & ~(kPage - 1);
    const uint64_t size = ((base + high + kPage - 1) & ~(kPage - 1)) - first;
    TRY(address, value(RB_SYS5(REBOUND_SYS_DEVICE_MAP, devices, first, size, 0,
                               REBOUND_VM_READ | REBOUND_VM_WRITE)));
    if (auto kept = holdings.keep_mapping(address, size); !kept) {
      RB_SYS3(REBOUND_SYS_VM_UNMAP, address, size, 0);
      return fail(kept.error());
    }
    KLOG_INFO("virtio-pci: BAR %u at 0x%lx, registers 0x%lx-0x%lx mapped", bar,
              static_cast<unsigned long>(base), static_cast<unsigned long>(first),
              static_cast<unsigned long>(first + size - 1));
    for (uint8_t type = kCommonCfg; type <= kDeviceCfg; ++type) {
      if (caps[type].bar == bar)
        where[type] =
            reinterpret_cast<volatile uint8_t*>(address + (base + caps[type].offset) - first);
    }
  }
  auto* t = new PciTransport(line);
  t->common_ = where[kCommonCfg];
  t->notify_ = where[kNotifyCfg];
  t->isr_ = where[kIsrCfg];
  t->device_ = where[kDeviceCfg];
  t->notify_multiplier_ = multiplier;
  return t;
}

void PciTransport::reset() {
  common<uint8_t>(kDeviceStatus) = 0;
  while (common<uint8_t>(kDeviceStatus) != 0) {
  }
}

uint8_t PciTransport::status() { return common<uint8_t>(kDeviceStatus); }
void PciTransport::set_status(uint8_t status) { common<uint8_t>(kDeviceStatus) = status; }

uint64_t PciTransport::device_features() {
  common<uint32_t>(kDeviceFeatureSelect) = 0;
  const uint64_t low = common<uint32_t>(kDeviceFeature);
  common<uint32_t>(kDeviceFeatureSelect) = 1;
  return low | uint64_t{common<uint32_t>(kDeviceFeature)} << 32;
}

void PciTransport::set_driver_features(uint64_t features) {
  common<uint32_t>(kDriverFeatureSelect) = 0;
  common<uint32_t>(kDriverFeature) = static_cast<uint32_t>(features);
  common<uint32_t>(kDriverFeatureSelect) = 1;
  common<uint32_t>(kDriverFeature) = static_cast<uint32_t>(features >> 32);
}

uint16_t PciTransport::queue_max_size(uint16_t queue) {
  if (queue >= kMaxQueues) return 0;
  common<uint16_t>(kQueueSelect) = queue;
  return common<uint16_t>(kQueueSize);
}

// 64-bit fields as two 32-bit writes, low half first (section 4.1.3.1).
void PciTransport::enable_queue(uint16_t queue, uint16_t size, uint64_t descriptors,
                                uint64_t available, uint64_t used) {
  if (queue >= kMaxQueues) return;  // queue_max_size said 0
  common<uint16_t>(kQueueSelect) = queue;
  common<uint16_t>(kQueueSize) = size;
  common<uint16_t>(kQueueMsixVector) = kNoVector;
  const size_t fields[] = {kQueueDesc, kQueueDriver, kQueueDevice};
  const uint64_t values[] = {descriptors, available, used};
  for (int i = 0; i < 3; ++i) {
    common<uint32_t>(fields[i]) = static_cast<uint32_t>(values[i]);
    common<uint32_t>(fields[i] + 4) = static_cast<uint32_t>(values[i] >> 32);
  }
  notify_offset_[queue] = common<uint16_t>(kQueueNotifyOff) * notify_multiplier_;
  common<uint16_t>(kQueueEnable) = 1;
}

void PciTransport::notify(uint16_t queue) {
  device_barrier();
  *reinterpret_cast<volatile uint16_t*>(notify_ + notify_offset_[queue]) = queue;
}

// Reading the ISR status clears it and lowers the INTx line.
uint32_t PciTransport::take_interrupt() { return *isr_; }

uint32_t PciTransport::config_read32(size_t offset) {
  return *reinterpret_cast<volatile uint32_t*>(device_ + offset);
}
uint32_t PciTransport::config_generation() { return common<uint8_t>(kConfigGeneration); }

}  // namespace tas::virtio
