#include "drivers/virtio/virtio_mmio_transport.h"

namespace tas::virtio {
namespace {

// Registers (section 4.2.2), byte offsets.
constexpr size_t kMagicValue = 0x000, kVersion = 0x004, kDeviceId = 0x008;
constexpr size_t kDeviceFeatures = 0x010, kDeviceFeaturesSel = 0x014;
constexpr size_t kDriverFeatures = 0x020, kDriverFeaturesSel = 0x024;
constexpr size_t kQueueSel = 0x030, kQueueNumMax = 0x034, kQueueNum = 0x038;
constexpr size_t kQueueReady = 0x044, kQueueNotify = 0x050;
constexpr size_t kInterruptStatus = 0x060, kInterruptAck = 0x064, kStatus = 0x070;
constexpr size_t kQueueDescLow = 0x080, kQueueDescHigh = 0x084;
constexpr size_t kQueueDriverLow = 0x090, kQueueDriverHigh = 0x094;
constexpr size_t kQueueDeviceLow = 0x0a0, kQueueDeviceHigh = 0x0a4;
constexpr size_t kConfigGeneration = 0x0fc, kConfig = 0x100;

}  // namespace

MmioTransport::Probe MmioTransport::probe(volatile void* registers) {
  auto* r = static_cast<volatile uint32_t*>(registers);
  if (r[kMagicValue / 4] != kMagic) return {0, 0};
  return {r[kDeviceId / 4], r[kVersion / 4]};
}

void MmioTransport::reset() {
  reg(kStatus) = 0;
  while (reg(kStatus) != 0) {
  }
}

uint8_t MmioTransport::status() { return static_cast<uint8_t>(reg(kStatus)); }
void MmioTransport::set_status(uint8_t status) { reg(kStatus) = status; }

uint64_t MmioTransport::device_features() {
  reg(kDeviceFeaturesSel) = 0;
  const uint64_t low = reg(kDeviceFeatures);
  reg(kDeviceFeaturesSel) = 1;
  return low | uint64_t{reg(kDeviceFeatures)} << 32;
}

void MmioTransport::set_driver_features(uint64_t features) {
  reg(kDriverFeaturesSel) = 0;
  reg(kDriverFeatures) = static_cast<uint32_t>(features);
  reg(kDriverFeaturesSel) = 1;
  reg(kDriverFeatures) = static_cast<uint32_t>(features >> 32);
}

uint16_t MmioTransport::queue_max_size(uint16_t queue) {
  reg(kQueueSel) = queue;
  if (reg(kQueueReady) != 0) return 0;  // in use: not after a reset
  const uint32_t max = reg(kQueueNumMax);
  return static_cast<uint16_t>(max > 0xffff ? 0xffff : max);
}

void MmioTransport::enable_queue(uint16_t queue, uint16_t size, uint64_t descriptors,
                                 uint64_t available, uint64_t used) {
  reg(kQueueSel) = queue;
  reg(kQueueNum) = size;
  reg(kQueueDescLow) = static_cast<uint32_t>(descriptors);
  reg(kQueueDescHigh) = static_cast<uint32_t>(descriptors >> 32);
  reg(kQueueDriverLow) = static_cast<uint32_t>(available);
  reg(kQueueDriverHigh) = static_cast<uint32_t>(available >> 32);
  reg(kQueueDeviceLow) = static_cast<uint32_t>(used);
  reg(kQueueDeviceHigh) = static_cast<uint32_t>(used >> 32);
  reg(kQueueReady) = 1;
}

void MmioTransport::notify(uint16_t queue) {
  device_barrier();
  reg(kQueueNotify) = queue;
}

uint32_t MmioTransport::take_interrupt() {
  const uint32_t causes = reg(kInterruptStatus);
  if (causes != 0) reg(kInterruptAck) = causes;
  return causes;
}

uint32_t MmioTransport::config_read32(size_t offset) { return reg(kConfig + offset); }
uint32_t MmioTransport::config_generation() { return reg(kConfigGeneration); }

}  // namespace tas::virtio
