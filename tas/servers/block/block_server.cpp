#include "servers/block/block_server.h"

#include "lib/log.h"
#include "recovery/fault_injection.h"
#include "runtime/bulk.h"
#include "servers/block/ram_disk.h"

namespace tas {

using block::kSectorSize;

Result<void> BlockServer::start() {
  if (devices_ == 0) return fail(Error::bad_handle);
  TRY(ram_disk, block::RamDisk::open(devices_, lasting_, holdings()));
  device_ = ram_disk;
  KLOG_INFO("block: %s, %lu KiB", device_->kind(),
            static_cast<unsigned long>(device_->sectors() * kSectorSize / 1024));
  return {};
}

Result<void> BlockServer::check_range(uint64_t first, size_t count) const {
  const uint64_t n = device_->sectors();
  if (count == 0 || first >= n || count > n - first) return fail(Error::out_of_range);
  return {};
}

Result<void> BlockServer::read(uint64_t first, void* data, size_t count) {
  TRY_VOID(check_range(first, count));
  ++reads_;
  --reads_twin_;
  return device_->read(first, data, count);
}

Result<void> BlockServer::write(uint64_t first, const void* data, size_t count) {
  TRY_VOID(check_range(first, count));
  ++writes_;
  return device_->write(first, data, count);
}

Result<void> BlockServer::flush() { return device_->flush(); }

rb_message BlockServer::handle(rb_message& request) {
  switch (request.w[0]) {
    case REBOUND_BLOCK_INFO: return ok_reply(device_->sectors(), kSectorSize, reads_, writes_);
    case REBOUND_BLOCK_READ:
      // A corruption here is for the supervisor's tests: the disk's contents
      // outlive the restart (lasting.h).
      if (recovery::fault_point("block.read")) reads_twin_ = reads_;
      return read_request(request.w[1], request.w[2]);
    default: return status_reply(Error::invalid_argument);
  }
}

// Into the memory the call lends, writable, or else the caller's payload
// page: whichever holds count sectors.
rb_message BlockServer::read_request(uint64_t first, uint64_t count) {
  const RequestBulk bulk = request_bulk();
  Bytes to;
  if (bulk.grant && bulk.grant_writable)
    to = bulk.grant;
  else if (bulk.grant)
    return status_reply(Error::access_denied);
  else
    to = bulk.buffer;
  if (!to) return status_reply(Error::not_found);
  if (count > to.size / kSectorSize) return status_reply(Error::invalid_argument);
  if (auto r = read(first, to.data, count); !r) return status_reply(r.error());
  return ok_reply(count);
}

}  // namespace tas
