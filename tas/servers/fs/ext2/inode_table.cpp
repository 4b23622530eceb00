#include "servers/fs/ext2/inode_table.h"

#include <cstring>

namespace tas::fs::ext2 {

namespace {

struct Location {
  uint32_t block;
  uint32_t offset;
};

Result<Location> locate(const Volume& volume, uint32_t ino) {
  const Geometry& g = volume.geometry();
  if (!g.is_inode(ino)) return fail(Error::corrupt_file_system);
  const GroupDescriptor d = volume.group(g.group_of_inode(ino));
  const uint64_t byte = uint64_t{(ino - 1) % g.inodes_per_group} * g.inode_size;
  return Location{d.inode_table + static_cast<uint32_t>(byte / g.block_size),
                  static_cast<uint32_t>(byte % g.block_size)};
}

}  // namespace

Result<Inode> read_inode(Volume& volume, uint32_t ino) {
  TRY(where, locate(volume, ino));
  TRY(block, volume.cache().get(where.block));
  Inode inode;
  std::memcpy(&inode, block.data() + where.offset, sizeof inode);
  return inode;
}

Result<void> write_inode(Volume& volume, uint32_t ino, const Inode& inode) {
  if (volume.read_only()) return fail(Error::read_only);
  TRY(where, locate(volume, ino));
  TRY(block, volume.cache().get(where.block));
  std::memcpy(block.data() + where.offset, &inode, sizeof inode);
  block.mark_dirty();
  return {};
}

Result<void> write_new_inode(Volume& volume, uint32_t ino, const Inode& inode) {
  if (volume.read_only()) return fail(Error::read_only);
  TRY(where, locate(volume, ino));
  TRY(block, volume.cache().get(where.block));
  const uint32_t size = volume.geometry().inode_size;
  uint8_t* p = block.data() + where.offset;
  std::memset(p, 0, size);
  std::memcpy(p, &inode, sizeof inode);
  if (size >= kOldInodeSize + kExtraIsize) {
    const uint16_t extra = kExtraIsize;
    std::memcpy(p + kExtraIsizeOffset, &extra, sizeof extra);
    std::memcpy(p + kCrtimeOffset, &inode.ctime, sizeof inode.ctime);
  }
  block.mark_dirty();
  return {};
}

}  // namespace tas::fs::ext2
