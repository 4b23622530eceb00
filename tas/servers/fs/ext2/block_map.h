// An inode's block map: the logical blocks of a file mapped to volume
// blocks through i_block[] -- 12 direct pointers, then a single, a double
// and a triple indirect tree. A zero pointer is a hole (reads as zeros).
// Blocks are allocated on demand, indirect ones zeroed; truncation frees
// data blocks and every indirect block left empty. i_blocks (512-byte
// units) counts both kinds and is kept in the Inode passed in, which the
// caller writes back.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "servers/fs/ext2/ext2_format.h"
#include "servers/fs/ext2/volume.h"

namespace tas::fs::ext2 {

// How a logical block is reached: depth 0 is i_block[slot] itself; depth
// 1-3 goes through that many indirect blocks from i_block[slot], taking
// index[0], index[1], ... in each.
struct BlockPath {
  uint32_t depth = 0;
  uint32_t slot = 0;
  uint32_t index[3] = {};
};

// Logical blocks a file can have: 12 + P + P^2 + P^3 (P pointers a block).
uint64_t max_file_blocks(const Geometry& geometry);
// file_too_large past max_file_blocks().
Result<BlockPath> block_path(const Geometry& geometry, uint64_t logical);

// The volume block holding logical block `logical`, or 0 for a hole.
Result<uint32_t> map_block(Volume& volume, const Inode& inode, uint64_t logical);

struct MappedBlock {
  uint32_t block = 0;
  bool fresh = false;  // just allocated: its contents are undefined until written
};
// Like map_block, allocating the data block and any missing indirect block.
// Nothing is allocated unless everything needed can be (no_space, or
// file_too_large if i_blocks would overflow). `ino` places new blocks.
Result<MappedBlock> map_block_allocating(Volume& volume, uint32_t ino, Inode& inode,
                                         uint64_t logical);

// Frees every block mapped at logical `first` or later, and the indirect
// blocks that no longer map any block. Does not change i_size.
Result<void> free_blocks_from(Volume& volume, Inode& inode, uint64_t first);

}  // namespace tas::fs::ext2
