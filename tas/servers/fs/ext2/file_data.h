// A file's bytes over its block map: reads (holes and the space past the
// end read as zeros), writes that allocate blocks as they go and extend
// the size, and size changes that free what lies past a new end. The Inode
// passed in is updated (size, i_blocks, block pointers); the caller writes
// it back, also after an error, since blocks may have changed already.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "lib/result.h"
#include "servers/fs/ext2/ext2_format.h"
#include "servers/fs/ext2/volume.h"

namespace tas::fs::ext2 {

// The largest size a file of this volume can have.
uint64_t max_file_size(const Geometry& geometry);

// Reads up to out.size() bytes from `offset`; fewer at the end of the file.
Result<size_t> read_data(Volume& volume, const Inode& inode, uint64_t offset,
                         std::span<uint8_t> out);

// Writes `data` at `offset` (past the end leaves a hole). When the volume
// fills up or the file reaches its maximum size part way, returns the
// bytes written so far; no_space or file_too_large only when none was.
Result<size_t> write_data(Volume& volume, uint32_t ino, Inode& inode, uint64_t offset,
                          std::span<const uint8_t> data);

// Makes the file `size` bytes long: shorter frees the blocks past the new
// end, longer leaves a hole.
Result<void> resize_data(Volume& volume, Inode& inode, uint64_t size);

}  // namespace tas::fs::ext2
