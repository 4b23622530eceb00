#include "servers/fs/block_server_device.h"

#include "lib/log.h"
#include "runtime/call.h"
#include "runtime/supervisor.h"
#include "servers/block/block_server.h"

namespace tas::fs {

namespace {

struct Disk {
  uint64_t sectors;
  uint64_t kind;
};

}  // namespace

Result<void> BlockServerDevice::open() {
  TRY(ref, supervisor_.ref<BlockServer>());
  TRY(disk, tas::call(ref, [](BlockServer& b) { return Disk{b.sectors(), b.kind()}; }));
  ref_ = ref;
  sectors_ = disk.sectors;
  kind_ = disk.kind;
  return {};
}

Result<void> BlockServerDevice::renew() {
  ref_ = {};
  TRY(ref, supervisor_.ref<BlockServer>());
  TRY(disk, tas::call(ref, [](BlockServer& b) { return Disk{b.sectors(), b.kind()}; }));
  if (disk.sectors != sectors_ || disk.kind != kind_) {
    KLOG_ERROR("fs: the block server's generation %u serves another disk", ref.generation());
    return fail(Error::io_error);
  }
  ref_ = ref;
  ++renewals_;
  KLOG_INFO("fs: a new reference to the block server (generation %u)", ref.generation());
  return {};
}

template <class F>
Result<void> BlockServerDevice::transfer(F&& f) {
  Error error = Error::io_error;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ref_ || ref_.stale()) {
      if (auto r = renew(); !r) {
        error = r.error();
        continue;
      }
    }
    auto called = tas::call(ref_, f);
    if (called) {
      if (*called) return {};
      // The device's own answer: trying again would get the same.
      error = called->error();
      break;
    }
    error = called.error();
    // Replaced, or faulted inside: a new reference, one more try.
    ref_ = {};
  }
  ++errors_;
  KLOG_WARN("fs: disk transfer failed: %s", rebound::to_string(error));
  return fail(error);
}

Result<void> BlockServerDevice::read_blocks(uint64_t first, std::span<uint8_t> out) {
  return transfer([&](BlockServer& b) { return b.read(first, out.data(), out.size() / 512); });
}

Result<void> BlockServerDevice::write_blocks(uint64_t first, std::span<const uint8_t> data) {
  return transfer([&](BlockServer& b) { return b.write(first, data.data(), data.size() / 512); });
}

Result<void> BlockServerDevice::flush() {
  return transfer([](BlockServer& b) { return b.flush(); });
}

}  // namespace tas::fs
