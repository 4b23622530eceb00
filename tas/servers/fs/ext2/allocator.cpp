#include "servers/fs/ext2/allocator.h"

namespace tas::fs::ext2 {

namespace {

constexpr uint32_t kNone = ~0u;

bool test_bit(const uint8_t* map, uint32_t bit) { return ((map[bit / 8] >> (bit % 8)) & 1) != 0; }
void set_bit(uint8_t* map, uint32_t bit) {
  map[bit / 8] = static_cast<uint8_t>(map[bit / 8] | 1u << (bit % 8));
}
void clear_bit(uint8_t* map, uint32_t bit) {
  map[bit / 8] = static_cast<uint8_t>(map[bit / 8] & ~(1u << (bit % 8)));
}

// The first clear bit in [from, end), or kNone.
uint32_t find_clear(const uint8_t* map, uint32_t from, uint32_t end) {
  for (uint32_t i = from; i < end;) {
    if (i % 8 == 0 && i + 8 <= end && map[i / 8] == 0xFF) {
      i += 8;
      continue;
    }
    if (!test_bit(map, i)) return i;
    ++i;
  }
  return kNone;
}

// The group a new directory goes to: among the groups with at least the
// average number of free inodes, the one with the most free blocks.
uint32_t group_for_directory(const Volume& volume) {
  const Geometry& g = volume.geometry();
  const uint32_t average = volume.super().free_inodes_count / g.group_count;
  uint32_t best = kNone, any = kNone;
  uint32_t best_blocks = 0;
  for (uint32_t i = 0; i < g.group_count; ++i) {
    const GroupDescriptor d = volume.group(i);
    if (d.free_inodes_count == 0) continue;
    if (any == kNone) any = i;
    if (d.free_inodes_count >= average && (best == kNone || d.free_blocks_count > best_blocks)) {
      best = i;
      best_blocks = d.free_blocks_count;
    }
  }
  return best != kNone ? best : any;
}

// The group a new file goes to: its directory's if that has room, else the
// next one that has, else the next one with a free inode.
uint32_t group_for_file(const Volume& volume, uint32_t parent) {
  const Geometry& g = volume.geometry();
  const uint32_t home = g.is_inode(parent) ? g.group_of_inode(parent) : 0;
  for (uint32_t i = 0; i < g.group_count; ++i) {
    const GroupDescriptor d = volume.group((home + i) % g.group_count);
    if (d.free_inodes_count > 0 && d.free_blocks_count > 0) return (home + i) % g.group_count;
  }
  for (uint32_t i = 0; i < g.group_count; ++i) {
    if (volume.group((home + i) % g.group_count).free_inodes_count > 0)
      return (home + i) % g.group_count;
  }
  return kNone;
}

}  // namespace

Result<uint32_t> allocate_block(Volume& volume, uint32_t goal) {
  if (volume.read_only()) return fail(Error::read_only);
  const Geometry& g = volume.geometry();
  if (volume.super().free_blocks_count == 0) return fail(Error::no_space);
  if (!g.is_block(goal)) goal = g.first_data_block;
  const uint32_t home = g.group_of_block(goal);
  for (uint32_t i = 0; i < g.group_count; ++i) {
    const uint32_t group = (home + i) % g.group_count;
    GroupDescriptor d = volume.group(group);
    if (d.free_blocks_count == 0) continue;
    TRY(bitmap, volume.cache().get(d.block_bitmap));
    const uint32_t count = g.group_block_count(group);
    const uint32_t from = i == 0 ? goal - g.group_first_block(group) : 0;
    uint32_t bit = find_clear(bitmap.data(), from, count);
    if (bit == kNone) bit = find_clear(bitmap.data(), 0, from);
    // The descriptor counts free blocks the bitmap does not have, or the
    // bitmap offers metadata: either way it cannot be trusted.
    if (bit == kNone) return fail(Error::corrupt_file_system);
    const uint32_t block = g.group_first_block(group) + bit;
    if (is_metadata_block(g, d, block)) return fail(Error::corrupt_file_system);
    set_bit(bitmap.data(), bit);
    bitmap.mark_dirty();
    --d.free_blocks_count;
    volume.put_group(group, d);
    --volume.super().free_blocks_count;
    return block;
  }
  return fail(Error::corrupt_file_system);  // the total counted blocks no group has
}

Result<void> free_block(Volume& volume, uint32_t block) {
  if (volume.read_only()) return fail(Error::read_only);
  const Geometry& g = volume.geometry();
  if (!g.is_block(block)) return fail(Error::corrupt_file_system);
  const uint32_t group = g.group_of_block(block);
  GroupDescriptor d = volume.group(group);
  if (is_metadata_block(g, d, block) || d.free_blocks_count >= g.group_block_count(group))
    return fail(Error::corrupt_file_system);
  TRY(bitmap, volume.cache().get(d.block_bitmap));
  const uint32_t bit = block - g.group_first_block(group);
  if (!test_bit(bitmap.data(), bit)) return fail(Error::corrupt_file_system);  // already free
  clear_bit(bitmap.data(), bit);
  bitmap.mark_dirty();
  ++d.free_blocks_count;
  volume.put_group(group, d);
  ++volume.super().free_blocks_count;
  return {};
}

Result<uint32_t> allocate_inode(Volume& volume, uint32_t parent, bool directory) {
  if (volume.read_only()) return fail(Error::read_only);
  const Geometry& g = volume.geometry();
  if (volume.super().free_inodes_count == 0) return fail(Error::no_space);
  const uint32_t group = directory ? group_for_directory(volume) : group_for_file(volume, parent);
  if (group == kNone) return fail(Error::corrupt_file_system);
  GroupDescriptor d = volume.group(group);
  TRY(bitmap, volume.cache().get(d.inode_bitmap));
  // Inode numbers below first_inode are reserved (the root, the resize
  // inode, ...), whatever their bits say.
  const uint64_t group_base = uint64_t{group} * g.inodes_per_group;  // inode number - 1 of bit 0
  uint64_t from = 0;
  if (g.first_inode - 1 > group_base) from = g.first_inode - 1 - group_base;
  if (from > g.inodes_per_group) from = g.inodes_per_group;
  const uint32_t bit = find_clear(bitmap.data(), static_cast<uint32_t>(from), g.inodes_per_group);
  if (bit == kNone) return fail(Error::corrupt_file_system);
  set_bit(bitmap.data(), bit);
  bitmap.mark_dirty();
  --d.free_inodes_count;
  if (directory) ++d.used_dirs_count;
  volume.put_group(group, d);
  --volume.super().free_inodes_count;
  return static_cast<uint32_t>(group_base + bit + 1);
}

Result<void> free_inode(Volume& volume, uint32_t ino, bool directory) {
  if (volume.read_only()) return fail(Error::read_only);
  const Geometry& g = volume.geometry();
  if (!g.is_inode(ino) || ino < g.first_inode) return fail(Error::corrupt_file_system);
  const uint32_t group = g.group_of_inode(ino);
  GroupDescriptor d = volume.group(group);
  if (d.free_inodes_count >= g.inodes_per_group || (directory && d.used_dirs_count == 0))
    return fail(Error::corrupt_file_system);
  TRY(bitmap, volume.cache().get(d.inode_bitmap));
  const uint32_t bit = (ino - 1) % g.inodes_per_group;
  if (!test_bit(bitmap.data(), bit)) return fail(Error::corrupt_file_system);
  clear_bit(bitmap.data(), bit);
  bitmap.mark_dirty();
  ++d.free_inodes_count;
  if (directory) --d.used_dirs_count;
  volume.put_group(group, d);
  ++volume.super().free_inodes_count;
  return {};
}

uint32_t inode_block_goal(const Volume& volume, uint32_t ino) {
  const Geometry& g = volume.geometry();
  if (!g.is_inode(ino)) return g.first_data_block;
  const GroupDescriptor d = volume.group(g.group_of_inode(ino));
  return d.inode_table + g.inode_table_blocks;
}

}  // namespace tas::fs::ext2
