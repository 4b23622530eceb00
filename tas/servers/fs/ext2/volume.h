// A mounted ext2 volume's shared state: the device, the block cache, the
// superblock and the group descriptor table (both kept in memory, written
// back at sync and unmount), the geometry, and the clock. The allocator,
// inode table, block map and directory code all work on a Volume.
//
// The free-block and free-inode totals of the superblock are the sums of the
// group descriptors' counts: recomputed at mount, kept in step by the
// allocator, written with the superblock.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "servers/fs/block_device.h"
#include "servers/fs/ext2/block_cache.h"
#include "servers/fs/ext2/ext2_format.h"
#include "servers/fs/ext2/superblock.h"
#include "servers/fs/fallible_new.h"

namespace tas::fs::ext2 {

// The time in seconds since the epoch, from the caller of mount.
struct Clock {
  uint32_t (*now)(void* context) = nullptr;
  void* context = nullptr;
  uint32_t operator()() const { return now != nullptr ? now(context) : 0; }
};

struct MountOptions {
  bool read_only = false;
  uint32_t cache_blocks = 64;  // buffers of the block cache
  Clock clock;
};

class Volume {
 public:
  // Reads and checks the superblock and group descriptors from `device`;
  // writes nothing. Unknown read-only-compatible features refuse a
  // read-write mount with read_only (a read-only one is allowed).
  Result<void> open(BlockDevice& device, const MountOptions& options);
  // Before the first change of a read-write mount: marks the volume "not
  // clean" on the device (until close()), counts the mount and sets its
  // time -- written and flushed at once, before any change can reach the
  // device. Later calls do nothing. So a volume only read stays as it was.
  Result<void> mark_in_use();
  // Writes the superblock, descriptors and dirty blocks back; the device is
  // flushed.
  Result<void> sync();
  // sync(), with the volume marked clean again if it was at open().
  Result<void> close();

  const Geometry& geometry() const { return geometry_; }
  SuperBlock& super() { return super_; }
  const SuperBlock& super() const { return super_; }
  BlockCache& cache() { return cache_; }
  const BlockCache& cache() const { return cache_; }
  bool read_only() const { return read_only_; }
  bool has_filetype() const { return (super_.feature_incompat & kIncompatFiletype) != 0; }
  uint32_t now() const { return clock_(); }

  // Group descriptors, by value; put() marks the table dirty.
  GroupDescriptor group(uint32_t g) const;
  void put_group(uint32_t g, const GroupDescriptor& desc);
  void mark_super_dirty() { super_dirty_ = true; }

 private:
  Result<void> read_superblock(BlockDevice& device);
  Result<void> load_groups();
  Result<void> store_metadata();

  BlockDevice* device_ = nullptr;
  SuperBlock super_{};
  Geometry geometry_;
  BlockCache cache_;
  Array<uint8_t> descriptors_;  // the descriptor table's blocks, whole
  Clock clock_;
  bool read_only_ = true;
  bool was_clean_ = false;
  bool marked_ = false;  // mark_in_use() has marked the mount
  bool super_dirty_ = false;
  bool groups_dirty_ = false;
};

}  // namespace tas::fs::ext2
