#include "servers/block/block_server.h"

#include "lib/log.h"
#include "recovery/fault_injection.h"
#include "runtime/bulk.h"
#include "servers/block/ram_disk.h"
#include "servers/block/virtio_blk.h"
#include "servers/block/virtio_disk.h"

namespace tas {

using block::kSectorSize;

Result<void> BlockServer::start() {
  if (devices_ == 0) return fail(Error::bad_handle);
  // A virtio-blk disk if one is attached (and usable), else the RAM disk.
  auto transport = block::find_virtio_disk(devices_, holdings());
  if (transport) {
    auto disk = block::VirtioBlk::open(**transport, devices_, lasting_, holdings(), heap());
    if (disk) {
      device_ = virtio_ = *disk;
    } else if (disk.error() == Error::not_supported) {
      KLOG_WARN("block: the %s disk is not one this driver can use", (*transport)->kind());
    } else {
      return fail(disk.error());
    }
  } else if (transport.error() != Error::not_found && transport.error() != Error::not_supported) {
    return fail(transport.error());
  }
  if (device_ == nullptr) {
    TRY(ram_disk, block::RamDisk::open(devices_, lasting_, holdings()));
    device_ = ram_disk;
  }
  KLOG_INFO("block: %s, %lu KiB", device_->kind(),
            static_cast<unsigned long>(device_->sectors() * kSectorSize / 1024));
  return {};
}

bool BlockServer::state_ok() const {
  Locked locked(counters_lock_);
  return reads_.ok();
}

Result<void> BlockServer::check_range(uint64_t first, size_t count) const {
  const uint64_t n = device_->sectors();
  if (count == 0 || first >= n || count > n - first) return fail(Error::out_of_range);
  return {};
}

Result<void> BlockServer::read(uint64_t first, void* data, size_t count) {
  TRY_VOID(check_range(first, count));
  {
    Locked locked(counters_lock_);
    reads_.add();
  }
  return device_->read(first, data, count);
}

Result<void> BlockServer::write(uint64_t first, const void* data, size_t count) {
  TRY_VOID(check_range(first, count));
  {
    Locked locked(counters_lock_);
    ++writes_;
  }
  return device_->write(first, data, count);
}

Result<void> BlockServer::flush() { return device_->flush(); }

rb_message BlockServer::handle(rb_message& request) {
  switch (request.w[0]) {
    case REBOUND_BLOCK_INFO: return info();
    case REBOUND_BLOCK_READ:
      // A corruption here is for the supervisor's tests: the disk's contents
      // outlive the restart (lasting.h, or the disk itself).
      if (recovery::fault_point("block.read")) {
        Locked locked(counters_lock_);
        reads_.corrupt();
      }
      return read_request(request.w[1], request.w[2]);
    case REBOUND_BLOCK_STATS: return stats();
    default: break;
  }
  // What only a test build lets user programs do.
  switch (request.w[0]) {
    case REBOUND_BLOCK_WRITE:
    case REBOUND_BLOCK_FLUSH:
    case REBOUND_BLOCK_PARALLEL_READS:
    case REBOUND_BLOCK_DEVICE_ERRORS:
      if (!test_build_) return status_reply(Error::access_denied);
      break;
    default: return status_reply(Error::invalid_argument);
  }
  switch (request.w[0]) {
    case REBOUND_BLOCK_WRITE: return write_request(request.w[1], request.w[2]);
    case REBOUND_BLOCK_FLUSH:
      if (auto r = flush(); !r) return status_reply(r.error());
      return ok_reply();
    case REBOUND_BLOCK_PARALLEL_READS: return parallel_reads(request);
    default: return device_errors();
  }
}

rb_message BlockServer::info() {
  Locked locked(counters_lock_);
  return ok_reply(device_->sectors(), kSectorSize, reads_.value(), writes_, kind());
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

// From the memory the call lends (read-only is enough) or else the caller's
// payload page.
rb_message BlockServer::write_request(uint64_t first, uint64_t count) {
  const RequestBulk bulk = request_bulk();
  const Bytes from = bulk.grant ? bulk.grant : bulk.buffer;
  if (!from) return status_reply(Error::not_found);
  if (count > from.size / kSectorSize) return status_reply(Error::invalid_argument);
  if (auto r = write(first, from.data, count); !r) return status_reply(r.error());
  return ok_reply(count);
}

rb_message BlockServer::stats() {
  if (virtio_ == nullptr) return ok_reply();
  const block::VirtioBlk::Stats s = virtio_->stats();
  return ok_reply(s.interrupts, s.requests, s.most_in_flight, s.device_errors);
}

}  // namespace tas
