// The block server ("block"): the disk, for the file-system server in the
// TAS (in-TAS calls: read, write, flush) and, read-only, for user programs
// (protocol: abi/rebound/services.h) -- a test or a tool may look at the
// raw disk, but only the TAS writes it. Ranges are checked here, once, for
// every device. Today the disk is the RAM disk (ram_disk.h); virtio-blk
// comes next.
#pragma once
#include "rebound/services.h"
#include "runtime/serve.h"
#include "runtime/supervisor.h"
#include "servers/block/block_device.h"

namespace tas {

class BlockServer final : public Server {
 public:
  static constexpr const char* kService = "block";

  explicit BlockServer(const Services& services)
      : devices_(services.devices), lasting_(services.lasting) {}
  Result<void> start() override;
  rb_message handle(rb_message& request) override;
  // The count of reads, kept twice, agrees (fault site "block.read").
  bool state_ok() const override { return reads_ == ~reads_twin_; }

  // In-TAS. Error::out_of_range for sectors past the end (or count 0).
  uint64_t sectors() const { return device_->sectors(); }
  Result<void> read(uint64_t first, void* data, size_t count);
  Result<void> write(uint64_t first, const void* data, size_t count);
  Result<void> flush();

 private:
  Result<void> check_range(uint64_t first, size_t count) const;
  rb_message read_request(uint64_t first, uint64_t count);

  const rebound_handle devices_;
  Lasting& lasting_;
  block::BlockDevice* device_ = nullptr;  // on the server's heap
  uint64_t reads_ = 0, reads_twin_ = ~uint64_t{0}, writes_ = 0;
};

}  // namespace tas
