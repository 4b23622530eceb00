#include "servers/fs/ext2/superblock.h"

namespace tas::fs::ext2 {

namespace {

uint32_t divide_up(uint64_t n, uint64_t d) { return static_cast<uint32_t>((n + d - 1) / d); }

bool is_power_of_two(uint32_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Whether [first, first + count) lies in [lo, hi).
bool inside(uint64_t first, uint64_t count, uint64_t lo, uint64_t hi) {
  return first >= lo && first + count <= hi;
}

bool overlaps(uint64_t a, uint64_t a_count, uint64_t b, uint64_t b_count) {
  return a < b + b_count && b < a + a_count;
}

}  // namespace

Result<SuperblockCheck> check_superblock(const SuperBlock& sb, uint64_t device_bytes) {
  if (sb.magic != kMagic) return fail(Error::corrupt_file_system);  // not ext2 at all
  // Revision 0 has no inode size or features fields: refused rather than
  // guessed at. Later revisions do not exist.
  if (sb.rev_level != kDynamicRevision) return fail(Error::not_supported);
  if (sb.log_block_size > kMaxBlockLog - kMinBlockLog) return fail(Error::not_supported);
  if ((sb.feature_incompat & ~kIncompatSupported) != 0) return fail(Error::not_supported);
  // Fragments (and bigalloc clusters) other than the block size: not ext2's.
  if (sb.log_frag_size != sb.log_block_size) return fail(Error::not_supported);

  SuperblockCheck check;
  Geometry& g = check.geometry;
  g.block_log = kMinBlockLog + sb.log_block_size;
  g.block_size = 1u << g.block_log;
  g.blocks_count = sb.blocks_count;
  g.first_data_block = sb.first_data_block;
  g.blocks_per_group = sb.blocks_per_group;
  g.inodes_per_group = sb.inodes_per_group;
  g.inodes_count = sb.inodes_count;
  g.inode_size = sb.inode_size;
  g.first_inode = sb.first_ino;
  g.pointers_per_block = g.block_size / 4;

  const uint32_t bits_per_block = g.block_size * 8;
  // The superblock sits at byte 1024: in block 1 with 1 KiB blocks, in
  // block 0 otherwise -- and the first group starts with it.
  if (g.first_data_block != (g.block_size == 1024 ? 1u : 0u))
    return fail(Error::corrupt_file_system);
  if (g.blocks_per_group < 8 || g.blocks_per_group > bits_per_block ||
      g.blocks_per_group % 8 != 0 || sb.frags_per_group != g.blocks_per_group)
    return fail(Error::corrupt_file_system);
  if (g.inodes_per_group == 0 || g.inodes_per_group > bits_per_block)
    return fail(Error::corrupt_file_system);
  if (g.inode_size < kOldInodeSize || g.inode_size > g.block_size || !is_power_of_two(g.inode_size))
    return fail(Error::corrupt_file_system);
  if (g.blocks_count <= g.first_data_block + 1 ||
      static_cast<uint64_t>(g.blocks_count) * g.block_size > device_bytes)
    return fail(Error::corrupt_file_system);

  g.group_count = divide_up(g.blocks_count - g.first_data_block, g.blocks_per_group);
  if (static_cast<uint64_t>(g.group_count) * g.inodes_per_group != g.inodes_count)
    return fail(Error::corrupt_file_system);
  if (g.first_inode < kOldFirstInode || g.first_inode > g.inodes_count)
    return fail(Error::corrupt_file_system);
  g.descriptor_blocks = divide_up(uint64_t{g.group_count} * sizeof(GroupDescriptor), g.block_size);
  g.reserved_gdt_blocks = sb.reserved_gdt_blocks;
  g.inode_table_blocks = divide_up(uint64_t{g.inodes_per_group} * g.inode_size, g.block_size);
  // Group 0 holds the superblock, the descriptors, two bitmaps and its
  // inode table.
  if (uint64_t{g.primary_metadata_end()} + 2 + g.inode_table_blocks >
      g.first_data_block + uint64_t{g.group_block_count(0)})
    return fail(Error::corrupt_file_system);
  if (sb.free_blocks_count > g.blocks_count || sb.free_inodes_count > g.inodes_count)
    return fail(Error::corrupt_file_system);

  check.read_only_only = (sb.feature_ro_compat & ~kRoCompatSupported) != 0;
  return check;
}

Result<void> check_group(const Geometry& g, uint32_t group, const GroupDescriptor& d) {
  const uint64_t first = g.group_first_block(group);
  const uint64_t end = first + g.group_block_count(group);
  if (!inside(d.block_bitmap, 1, first, end) || !inside(d.inode_bitmap, 1, first, end) ||
      !inside(d.inode_table, g.inode_table_blocks, first, end))
    return fail(Error::corrupt_file_system);
  const uint64_t meta = g.first_data_block, meta_count = g.primary_metadata_end() - meta;
  if (overlaps(d.block_bitmap, 1, meta, meta_count) ||
      overlaps(d.inode_bitmap, 1, meta, meta_count) ||
      overlaps(d.inode_table, g.inode_table_blocks, meta, meta_count) ||
      d.block_bitmap == d.inode_bitmap ||
      overlaps(d.block_bitmap, 1, d.inode_table, g.inode_table_blocks) ||
      overlaps(d.inode_bitmap, 1, d.inode_table, g.inode_table_blocks))
    return fail(Error::corrupt_file_system);
  if (d.free_blocks_count > g.group_block_count(group) ||
      d.free_inodes_count > g.inodes_per_group ||
      d.used_dirs_count > g.inodes_per_group - d.free_inodes_count)
    return fail(Error::corrupt_file_system);
  return {};
}

bool is_metadata_block(const Geometry& g, const GroupDescriptor& d, uint32_t block) {
  if (block < g.primary_metadata_end()) return true;
  if (block == d.block_bitmap || block == d.inode_bitmap) return true;
  return block >= d.inode_table && block - d.inode_table < g.inode_table_blocks;
}

}  // namespace tas::fs::ext2
