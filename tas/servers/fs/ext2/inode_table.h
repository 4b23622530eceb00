// Inodes in the groups' inode tables, by number: read, written back, and
// written fresh for a new inode (its extra space past the first 128 bytes
// cleared, with the extra-size field and creation time Linux would set).
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "servers/fs/ext2/ext2_format.h"
#include "servers/fs/ext2/volume.h"

namespace tas::fs::ext2 {

// Inode `ino`'s first 128 bytes; corrupt_file_system if `ino` is not an
// inode number of the volume.
Result<Inode> read_inode(Volume& volume, uint32_t ino);
// Writes `inode` over inode `ino`'s first 128 bytes (the rest is kept).
Result<void> write_inode(Volume& volume, uint32_t ino, const Inode& inode);
// Writes `inode` as a newly allocated inode `ino`, whole.
Result<void> write_new_inode(Volume& volume, uint32_t ino, const Inode& inode);

// The size of a file (64 bits for regular files; directories and others
// use the low 32 only).
inline uint64_t inode_size(const Inode& inode) {
  return is_regular(inode) ? (uint64_t{inode.size_high} << 32 | inode.size) : inode.size;
}
inline void set_inode_size(Inode& inode, uint64_t size) {
  inode.size = static_cast<uint32_t>(size);
  if (is_regular(inode)) inode.size_high = static_cast<uint32_t>(size >> 32);
}

}  // namespace tas::fs::ext2
