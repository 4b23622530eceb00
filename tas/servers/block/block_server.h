// The block server ("block"): the disk, for the file-system server in the
// TAS (in-TAS calls: read, write, flush -- from any number of threads at
// once) and, read-only, for user programs (protocol: abi/rebound/services.h)
// -- a test or a tool may look at the raw disk, but only the TAS writes it;
// test builds let user programs write and flush too, and look at the
// driver's requests in flight. Ranges are checked here, once, for every
// device. The disk is a virtio-blk disk when the machine has one attached
// (virtio_blk.h; found by virtio_disk.h), else the RAM disk (ram_disk.h).
#pragma once
#include "rebound/services.h"
#include "runtime/checked_count.h"
#include "runtime/serve.h"
#include "runtime/spin_lock.h"
#include "runtime/supervisor.h"
#include "servers/block/block_device.h"

namespace tas {

namespace block {
class VirtioBlk;
}

class BlockServer final : public Server {
 public:
  static constexpr const char* kService = "block";

  explicit BlockServer(const Services& services)
      : devices_(services.devices), lasting_(services.lasting), test_build_(services.test_build) {}
  // Takes the virtio-blk disk if there is one, else the RAM disk.
  Result<void> start() override;
  rb_message handle(rb_message& request) override;
  // The count of reads, kept twice, agrees (fault site "block.read").
  bool state_ok() const override;

  // In-TAS, from any thread. Error::out_of_range for sectors past the end
  // (or count 0); the device's errors (io_error, ...).
  uint64_t sectors() const { return device_->sectors(); }
  // The kind of disk: enum rebound_block_kind.
  uint64_t kind() const {
    return virtio_ != nullptr ? REBOUND_BLOCK_KIND_VIRTIO : REBOUND_BLOCK_KIND_RAM_DISK;
  }
  Result<void> read(uint64_t first, void* data, size_t count);
  Result<void> write(uint64_t first, const void* data, size_t count);
  Result<void> flush();

 private:
  Result<void> check_range(uint64_t first, size_t count) const;
  rb_message info();
  rb_message read_request(uint64_t first, uint64_t count);
  rb_message write_request(uint64_t first, uint64_t count);
  rb_message stats();
  // Test builds (block_test_requests.cpp).
  rb_message parallel_reads(const rb_message& request);
  rb_message device_errors();

  const rebound_handle devices_;
  Lasting& lasting_;
  const bool test_build_;
  block::BlockDevice* device_ = nullptr;  // on the server's heap
  block::VirtioBlk* virtio_ = nullptr;    // the same device, if it is that
  mutable SpinLock counters_lock_;        // the counters below (calls come from any thread)
  CheckedCount reads_;
  uint64_t writes_ = 0;
};

}  // namespace tas
