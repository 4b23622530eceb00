#include "drivers/virtio/virtio_transport.h"

namespace tas::virtio {

Result<uint64_t> negotiate(Transport& t, uint64_t wanted) {
  t.reset();
  t.set_status(status::kAcknowledge);
  t.set_status(status::kAcknowledge | status::kDriver);
  const uint64_t offered = t.device_features();
  if ((offered & feature::kVersion1) == 0) {
    t.set_status(status::kFailed);
    return fail(Error::not_supported);
  }
  const uint64_t agreed = (offered & wanted) | feature::kVersion1;
  t.set_driver_features(agreed);
  t.set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  if ((t.status() & status::kFeaturesOk) == 0) {  // the device refused them
    t.set_status(status::kFailed);
    return fail(Error::not_supported);
  }
  return agreed;
}

void driver_ok(Transport& t) {
  t.set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
}

uint64_t config_read64(Transport& t, size_t offset) {
  for (;;) {
    const uint32_t before = t.config_generation();
    const uint64_t low = t.config_read32(offset), high = t.config_read32(offset + 4);
    if (t.config_generation() == before) return low | high << 32;
  }
}

}  // namespace tas::virtio
