#include "servers/fs/ext2/volume.h"

#include <cstring>

namespace tas::fs::ext2 {

namespace {

// Where the superblock lives: its block and the byte offset inside it.
uint32_t super_block_number(const Geometry& g) { return kSuperblockOffset / g.block_size; }
uint32_t super_block_offset(const Geometry& g) { return kSuperblockOffset % g.block_size; }

}  // namespace

Result<void> Volume::read_superblock(BlockDevice& device) {
  const uint32_t sector = device.block_size();
  // The superblock is read in device blocks before the volume's block size
  // is known: they must tile its 1024 bytes.
  if (sector < 512 || sector > kSuperblockSize || kSuperblockSize % sector != 0)
    return fail(Error::not_supported);
  alignas(8) uint8_t bytes[kSuperblockSize];
  if (!device.read_blocks(kSuperblockOffset / sector, std::span<uint8_t>(bytes)))
    return fail(Error::io_error);
  std::memcpy(&super_, bytes, sizeof super_);
  return {};
}

Result<void> Volume::load_groups() {
  const Geometry& g = geometry_;
  const size_t bytes = size_t{g.descriptor_blocks} * g.block_size;
  TRY(descriptors, make_array<uint8_t>(bytes));
  descriptors_ = std::move(descriptors);
  for (uint32_t i = 0; i < g.descriptor_blocks; ++i) {
    TRY(block, cache_.get(g.first_data_block + 1 + i));
    std::memcpy(descriptors_.get() + size_t{i} * g.block_size, block.data(), g.block_size);
  }
  uint64_t free_blocks = 0, free_inodes = 0;
  for (uint32_t i = 0; i < g.group_count; ++i) {
    const GroupDescriptor d = group(i);
    TRY_VOID(check_group(g, i, d));
    free_blocks += d.free_blocks_count;
    free_inodes += d.free_inodes_count;
  }
  super_.free_blocks_count = static_cast<uint32_t>(free_blocks);
  super_.free_inodes_count = static_cast<uint32_t>(free_inodes);
  return {};
}

Result<void> Volume::open(BlockDevice& device, const MountOptions& options) {
  TRY_VOID(read_superblock(device));
  TRY(check, check_superblock(super_, device.block_count() * device.block_size()));
  if (check.read_only_only && !options.read_only) return fail(Error::read_only);
  geometry_ = check.geometry;
  device_ = &device;
  clock_ = options.clock;
  TRY_VOID(cache_.init(device, geometry_.block_size, options.cache_blocks));
  TRY_VOID(load_groups());
  read_only_ = options.read_only;
  was_clean_ = (super_.state & kStateValid) != 0;
  return {};
}

Result<void> Volume::mark_in_use() {
  if (read_only_) return fail(Error::read_only);
  if (marked_) return {};
  // "Not clean" on the device until close().
  marked_ = true;
  super_.state = static_cast<uint16_t>(super_.state & ~kStateValid);
  super_.mnt_count = static_cast<uint16_t>(super_.mnt_count + 1);
  super_.mtime = now();
  super_dirty_ = true;
  return sync();
}

GroupDescriptor Volume::group(uint32_t g) const {
  GroupDescriptor d;
  std::memcpy(&d, descriptors_.get() + size_t{g} * sizeof d, sizeof d);
  return d;
}

void Volume::put_group(uint32_t g, const GroupDescriptor& desc) {
  std::memcpy(descriptors_.get() + size_t{g} * sizeof desc, &desc, sizeof desc);
  groups_dirty_ = true;
}

Result<void> Volume::store_metadata() {
  const Geometry& g = geometry_;
  if (groups_dirty_) {
    for (uint32_t i = 0; i < g.descriptor_blocks; ++i) {
      TRY(block, cache_.get(g.first_data_block + 1 + i));
      std::memcpy(block.data(), descriptors_.get() + size_t{i} * g.block_size, g.block_size);
      block.mark_dirty();
    }
    groups_dirty_ = false;
    super_dirty_ = true;  // its free counts changed with them
  }
  if (super_dirty_) {
    super_.wtime = now();
    TRY(block, cache_.get(super_block_number(g)));
    std::memcpy(block.data() + super_block_offset(g), &super_, sizeof super_);
    block.mark_dirty();
    super_dirty_ = false;
  }
  return {};
}

Result<void> Volume::sync() {
  if (read_only_) return {};
  TRY_VOID(store_metadata());
  return cache_.write_back();
}

Result<void> Volume::close() {
  if (read_only_) return {};
  if (marked_) {
    if (was_clean_) super_.state = static_cast<uint16_t>(super_.state | kStateValid);
    super_dirty_ = true;
  }
  return sync();
}

}  // namespace tas::fs::ext2
