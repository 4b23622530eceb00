// The mount-time checks of an ext2 superblock and its group descriptors,
// and the geometry they describe (block size, groups, where each group's
// blocks and inodes are). Anything inconsistent is corrupt_file_system;
// anything valid this implementation does not handle is not_supported.
// After these checks every number derived from the geometry is in range,
// so later code can compute block and inode locations without overflow.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "servers/fs/ext2/ext2_format.h"

namespace tas::fs::ext2 {

struct Geometry {
  uint32_t block_size = 0;  // bytes: 1024, 2048 or 4096
  uint32_t block_log = 0;   // log2(block_size)
  uint32_t blocks_count = 0;
  uint32_t first_data_block = 0;  // 1 with 1 KiB blocks, else 0
  uint32_t blocks_per_group = 0;
  uint32_t inodes_per_group = 0;
  uint32_t inodes_count = 0;
  uint32_t inode_size = 0;
  uint32_t first_inode = 0;  // the first inode number that is not reserved
  uint32_t group_count = 0;
  uint32_t descriptor_blocks = 0;    // blocks of the group descriptor table
  uint32_t reserved_gdt_blocks = 0;  // after it, for resizing
  uint32_t inode_table_blocks = 0;   // per group
  uint32_t pointers_per_block = 0;   // block numbers in an indirect block

  uint32_t group_first_block(uint32_t group) const {
    return first_data_block + group * blocks_per_group;
  }
  // The blocks in `group` (the last group may be short).
  uint32_t group_block_count(uint32_t group) const {
    const uint32_t first = group_first_block(group);
    return blocks_count - first < blocks_per_group ? blocks_count - first : blocks_per_group;
  }
  uint32_t group_of_block(uint32_t block) const {
    return (block - first_data_block) / blocks_per_group;
  }
  uint32_t group_of_inode(uint32_t ino) const { return (ino - 1) / inodes_per_group; }
  bool is_block(uint32_t block) const { return block >= first_data_block && block < blocks_count; }
  bool is_inode(uint32_t ino) const { return ino >= 1 && ino <= inodes_count; }
  // The superblock and descriptor table this implementation reads and
  // writes: blocks [first_data_block, primary_metadata_end()).
  uint32_t primary_metadata_end() const {
    return first_data_block + 1 + descriptor_blocks + reserved_gdt_blocks;
  }
};

struct SuperblockCheck {
  Geometry geometry;
  // Unknown read-only-compatible features: the volume may be read, not written.
  bool read_only_only = false;
};

// Checks a superblock read from a device of `device_bytes` bytes.
Result<SuperblockCheck> check_superblock(const SuperBlock& super, uint64_t device_bytes);

// Checks group `group`'s descriptor: its bitmaps and inode table inside the
// group and clear of the primary superblock and descriptors and of each
// other, its counts within the group's size.
Result<void> check_group(const Geometry& geometry, uint32_t group, const GroupDescriptor& desc);

// Whether `block` holds group metadata (the primary superblock and
// descriptor table, or a group's bitmaps and inode table): never handed
// out or freed as a data block.
bool is_metadata_block(const Geometry& geometry, const GroupDescriptor& desc, uint32_t block);

}  // namespace tas::fs::ext2
