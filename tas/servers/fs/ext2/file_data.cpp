#include "servers/fs/ext2/file_data.h"

#include <cstring>

#include "servers/fs/ext2/block_map.h"
#include "servers/fs/ext2/inode_table.h"

namespace tas::fs::ext2 {

namespace {

constexpr uint64_t kLargeFileSize = 0x7FFFFFFF;  // above it the large_file feature is needed

// Sets `inode`'s size, and the volume's large_file feature when it takes it.
void set_size(Volume& volume, Inode& inode, uint64_t size) {
  set_inode_size(inode, size);
  SuperBlock& super = volume.super();
  if (size > kLargeFileSize && (super.feature_ro_compat & kRoCompatLargeFile) == 0) {
    super.feature_ro_compat |= kRoCompatLargeFile;
    volume.mark_super_dirty();
  }
}

// Before a file grows past `old_size`: the rest of its last block must read
// as zeros (a block past the end may hold old bytes, e.g. from elsewhere).
Result<void> clear_tail(Volume& volume, const Inode& inode, uint64_t old_size) {
  const uint32_t bs = volume.geometry().block_size;
  const uint32_t used = static_cast<uint32_t>(old_size % bs);
  if (used == 0) return {};
  TRY(block, map_block(volume, inode, old_size / bs));
  if (block == 0) return {};
  TRY(ref, volume.cache().get(block));
  uint8_t* tail = ref.data() + used;
  for (uint32_t i = 0; i < bs - used; ++i) {
    if (tail[i] != 0) {
      std::memset(tail, 0, bs - used);
      ref.mark_dirty();
      break;
    }
  }
  return {};
}

}  // namespace

uint64_t max_file_size(const Geometry& geometry) {
  return max_file_blocks(geometry) * geometry.block_size;
}

Result<size_t> read_data(Volume& volume, const Inode& inode, uint64_t offset,
                         std::span<uint8_t> out) {
  const uint64_t size = inode_size(inode);
  if (offset >= size) return size_t{0};
  const uint64_t available = size - offset;
  const size_t total = out.size() < available ? out.size() : static_cast<size_t>(available);
  const uint32_t bs = volume.geometry().block_size;
  size_t done = 0;
  while (done < total) {
    const uint64_t pos = offset + done;
    const uint32_t in_block = static_cast<uint32_t>(pos % bs);
    const size_t chunk = total - done < bs - in_block ? total - done : bs - in_block;
    TRY(block, map_block(volume, inode, pos / bs));
    if (block == 0) {
      std::memset(out.data() + done, 0, chunk);
    } else {
      TRY(ref, volume.cache().get(block));
      std::memcpy(out.data() + done, ref.data() + in_block, chunk);
    }
    done += chunk;
  }
  return done;
}

Result<size_t> write_data(Volume& volume, uint32_t ino, Inode& inode, uint64_t offset,
                          std::span<const uint8_t> data) {
  if (volume.read_only()) return fail(Error::read_only);
  const uint64_t limit = max_file_size(volume.geometry());
  if (offset >= limit) return fail(Error::file_too_large);
  const size_t total =
      data.size() < limit - offset ? data.size() : static_cast<size_t>(limit - offset);
  const uint64_t old_size = inode_size(inode);
  if (total > 0 && offset + total > old_size) TRY_VOID(clear_tail(volume, inode, old_size));
  const uint32_t bs = volume.geometry().block_size;
  size_t done = 0;
  while (done < total) {
    const uint64_t pos = offset + done;
    const uint32_t in_block = static_cast<uint32_t>(pos % bs);
    const size_t chunk = total - done < bs - in_block ? total - done : bs - in_block;
    auto mapped = map_block_allocating(volume, ino, inode, pos / bs);
    if (!mapped) {
      const Error e = mapped.error();
      if (done > 0 && (e == Error::no_space || e == Error::file_too_large)) break;
      return fail(e);
    }
    // A whole block, or a new one, is not read first.
    auto ref = chunk == bs || mapped->fresh ? volume.cache().get_zeroed(mapped->block)
                                            : volume.cache().get(mapped->block);
    if (!ref) return fail(ref.error());
    std::memcpy(ref->data() + in_block, data.data() + done, chunk);
    ref->mark_dirty();
    done += chunk;
    if (pos + chunk > inode_size(inode)) set_size(volume, inode, pos + chunk);
  }
  return done;
}

Result<void> resize_data(Volume& volume, Inode& inode, uint64_t size) {
  if (volume.read_only()) return fail(Error::read_only);
  if (size > max_file_size(volume.geometry())) return fail(Error::file_too_large);
  const uint64_t old_size = inode_size(inode);
  if (size > old_size) {
    TRY_VOID(clear_tail(volume, inode, old_size));
  } else if (size < old_size) {
    const uint32_t bs = volume.geometry().block_size;
    // Blocks past the new end go; should freeing fail part way, a later
    // truncation frees the rest.
    set_inode_size(inode, size);
    return free_blocks_from(volume, inode, (size + bs - 1) / bs);
  }
  set_size(volume, inode, size);
  return {};
}

}  // namespace tas::fs::ext2
