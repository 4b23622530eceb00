// The file-system server's disk: a tas::fs::BlockDevice (512-byte blocks)
// over the block server (servers/block/block_server.h), reached by in-TAS
// calls through a reference to one generation of it (runtime/server_ref.h).
// When that generation has been replaced (server_restarted), or faulted in
// the call (server_fault), the reference is made again and the transfer
// tried once more: a read or write of sectors by number is idempotent. A
// new generation must serve the same disk (its kind and size), else the
// transfer fails: the volume is on that disk.
#pragma once
#include "runtime/server_ref.h"
#include "servers/fs/block_device.h"

namespace tas {

class Supervisor;
class BlockServer;

namespace fs {

class BlockServerDevice final : public BlockDevice {
 public:
  explicit BlockServerDevice(Supervisor& supervisor) : supervisor_(supervisor) {}
  // Takes a reference to the block server and learns its disk.
  Result<void> open();

  uint32_t block_size() const override { return 512; }
  uint64_t block_count() const override { return sectors_; }
  Result<void> read_blocks(uint64_t first, std::span<uint8_t> out) override;
  Result<void> write_blocks(uint64_t first, std::span<const uint8_t> data) override;
  Result<void> flush() override;

  // The kind of disk (enum rebound_block_kind).
  uint64_t kind() const { return kind_; }
  // Transfers that failed (each an error to the file system), and
  // references made again after the block server was replaced or faulted.
  uint64_t errors() const { return errors_; }
  uint64_t renewals() const { return renewals_; }

 private:
  // A reference to the block server's current generation, which must serve
  // the disk this one opened.
  Result<void> renew();
  // Calls f(BlockServer&) -> Result<void> through the reference, as above.
  template <class F>
  Result<void> transfer(F&& f);

  Supervisor& supervisor_;
  ServerRef<BlockServer> ref_;
  uint64_t sectors_ = 0;
  uint64_t kind_ = 0;
  uint64_t errors_ = 0;
  uint64_t renewals_ = 0;
};

}  // namespace fs
}  // namespace tas
