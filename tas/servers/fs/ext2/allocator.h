// Block and inode allocation with the groups' bitmaps. Every change updates
// the bitmap, the group descriptor's free count (and used-directory count)
// and the superblock's total together, so they always agree. A bitmap that
// disagrees with its counts, or a bit that says "free" for metadata, is
// corrupt_file_system, never a double allocation.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "servers/fs/ext2/volume.h"

namespace tas::fs::ext2 {

// A free block, as close after `goal` as there is (any block if `goal` is
// not one): no_space when none is left.
Result<uint32_t> allocate_block(Volume& volume, uint32_t goal);
// Gives `block` back; corrupt_file_system if it is not a data block or not
// allocated.
Result<void> free_block(Volume& volume, uint32_t block);

// A free inode number for a new inode in directory `parent`: files near
// their directory, directories spread over the groups with the most room.
Result<uint32_t> allocate_inode(Volume& volume, uint32_t parent, bool directory);
// Gives inode `ino` back.
Result<void> free_inode(Volume& volume, uint32_t ino, bool directory);

// The first block of the group of inode `ino`'s data: the goal for its
// first block.
uint32_t inode_block_goal(const Volume& volume, uint32_t ino);

}  // namespace tas::fs::ext2
