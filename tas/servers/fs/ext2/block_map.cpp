#include "servers/fs/ext2/block_map.h"

#include <cstring>

#include "servers/fs/ext2/allocator.h"

namespace tas::fs::ext2 {

namespace {

uint32_t load_entry(const BlockRef& block, uint32_t index) {
  uint32_t v;
  std::memcpy(&v, block.data() + size_t{index} * 4, 4);
  return v;
}

void store_entry(BlockRef& block, uint32_t index, uint32_t value) {
  std::memcpy(block.data() + size_t{index} * 4, &value, 4);
  block.mark_dirty();
}

// Extents, inline data and compression are other block maps than ext2's.
Result<void> check_mappable(const Inode& inode) {
  if ((inode.flags & kUnsupportedFlags) != 0) return fail(Error::not_supported);
  return {};
}

uint32_t sectors_per_block(const Volume& volume) { return volume.geometry().block_size / 512; }

// A block number found in an inode or an indirect block: in the volume.
Result<uint32_t> checked(const Volume& volume, uint32_t block) {
  if (!volume.geometry().is_block(block)) return fail(Error::corrupt_file_system);
  return block;
}

void uncount(Volume& volume, Inode& inode) {
  const uint32_t n = sectors_per_block(volume);
  inode.blocks = inode.blocks >= n ? inode.blocks - n : 0;
}

// How many blocks mapping `path` takes: the data block and the indirect
// blocks on the way that are missing.
Result<uint32_t> blocks_missing(Volume& volume, const Inode& inode, const BlockPath& path) {
  uint32_t pointer = inode.block[path.slot];
  for (uint32_t level = 0; level < path.depth; ++level) {
    if (pointer == 0) return path.depth - level + 1;
    TRY(checked_pointer, checked(volume, pointer));
    TRY(block, volume.cache().get(checked_pointer));
    pointer = load_entry(block, path.index[level]);
  }
  return pointer == 0 ? 1u : 0u;
}

// Frees what the indirect block `block` (`depth` levels above the data)
// maps from relative logical block `first` on. Returns whether it now maps
// nothing at all (the caller frees it).
Result<bool> free_tree(Volume& volume, Inode& inode, uint32_t block, uint32_t depth,
                       uint64_t first) {
  const Geometry& g = volume.geometry();
  TRY(checked_block, checked(volume, block));
  TRY(ref, volume.cache().get(checked_block));
  uint64_t child_span = 1;
  for (uint32_t i = 1; i < depth; ++i) child_span *= g.pointers_per_block;
  bool empty = true;
  for (uint32_t i = 0; i < g.pointers_per_block; ++i) {
    const uint32_t entry = load_entry(ref, i);
    if (entry == 0) continue;
    const uint64_t child_first = i * child_span;
    if (child_first + child_span <= first) {
      empty = false;  // wholly before the cut
      continue;
    }
    if (depth > 1) {
      TRY(child_empty, free_tree(volume, inode, entry, depth - 1,
                                 first > child_first ? first - child_first : 0));
      if (!child_empty) {
        empty = false;
        continue;
      }
    }
    TRY_VOID(free_block(volume, entry));
    store_entry(ref, i, 0);
    uncount(volume, inode);
  }
  return empty;
}

// A new block near `goal`; an indirect one (`zeroed`) is cleared in the
// cache before anyone can point at it.
Result<uint32_t> allocate(Volume& volume, uint32_t goal, bool zeroed) {
  TRY(block, allocate_block(volume, goal));
  if (zeroed) {
    if (auto ref = volume.cache().get_zeroed(block); !ref) {
      (void)free_block(volume, block);
      return fail(ref.error());
    }
  }
  return block;
}

}  // namespace

uint64_t max_file_blocks(const Geometry& g) {
  const uint64_t p = g.pointers_per_block;
  return kDirectBlocks + p + p * p + p * p * p;
}

Result<BlockPath> block_path(const Geometry& g, uint64_t logical) {
  const uint64_t p = g.pointers_per_block;
  BlockPath path;
  if (logical < kDirectBlocks) {
    path.slot = static_cast<uint32_t>(logical);
    return path;
  }
  logical -= kDirectBlocks;
  if (logical < p) {
    path = {1, kIndirectSlot, {static_cast<uint32_t>(logical), 0, 0}};
    return path;
  }
  logical -= p;
  if (logical < p * p) {
    path = {2,
            kDoubleSlot,
            {static_cast<uint32_t>(logical / p), static_cast<uint32_t>(logical % p), 0}};
    return path;
  }
  logical -= p * p;
  if (logical < p * p * p) {
    path = {3,
            kTripleSlot,
            {static_cast<uint32_t>(logical / (p * p)), static_cast<uint32_t>(logical / p % p),
             static_cast<uint32_t>(logical % p)}};
    return path;
  }
  return fail(Error::file_too_large);
}

Result<uint32_t> map_block(Volume& volume, const Inode& inode, uint64_t logical) {
  TRY_VOID(check_mappable(inode));
  TRY(path, block_path(volume.geometry(), logical));
  uint32_t pointer = inode.block[path.slot];
  for (uint32_t level = 0; level < path.depth && pointer != 0; ++level) {
    TRY(checked_pointer, checked(volume, pointer));
    TRY(block, volume.cache().get(checked_pointer));
    pointer = load_entry(block, path.index[level]);
  }
  if (pointer == 0) return 0u;
  return checked(volume, pointer);
}

Result<MappedBlock> map_block_allocating(Volume& volume, uint32_t ino, Inode& inode,
                                         uint64_t logical) {
  TRY_VOID(check_mappable(inode));
  TRY(path, block_path(volume.geometry(), logical));
  TRY(missing, blocks_missing(volume, inode, path));
  if (missing == 0) {
    TRY(block, map_block(volume, inode, logical));
    return MappedBlock{block, false};
  }
  const uint32_t sectors = sectors_per_block(volume);
  if (uint64_t{inode.blocks} + uint64_t{missing} * sectors > UINT32_MAX)
    return fail(Error::file_too_large);
  if (volume.super().free_blocks_count < missing) return fail(Error::no_space);

  // The top pointer, in the inode.
  uint32_t pointer = inode.block[path.slot];
  bool fresh = false;
  if (pointer == 0) {
    uint32_t goal = inode_block_goal(volume, ino);
    if (path.slot > 0 && inode.block[path.slot - 1] != 0) goal = inode.block[path.slot - 1] + 1;
    TRY(block, allocate(volume, goal, path.depth > 0));
    inode.block[path.slot] = block;
    inode.blocks += sectors;
    pointer = block;
    fresh = true;
  }
  // Down the indirect blocks.
  for (uint32_t level = 0; level < path.depth; ++level) {
    TRY(checked_pointer, checked(volume, pointer));
    TRY(parent, volume.cache().get(checked_pointer));
    const uint32_t index = path.index[level];
    uint32_t entry = load_entry(parent, index);
    fresh = false;
    if (entry == 0) {
      const uint32_t before = index > 0 ? load_entry(parent, index - 1) : 0;
      TRY(block,
          allocate(volume, before != 0 ? before + 1 : checked_pointer + 1, level + 1 < path.depth));
      store_entry(parent, index, block);
      inode.blocks += sectors;
      entry = block;
      fresh = true;
    }
    pointer = entry;
  }
  TRY(block, checked(volume, pointer));
  return MappedBlock{block, fresh};
}

Result<void> free_blocks_from(Volume& volume, Inode& inode, uint64_t first) {
  TRY_VOID(check_mappable(inode));
  for (uint32_t slot = 0; slot < kDirectBlocks; ++slot) {
    if (slot < first || inode.block[slot] == 0) continue;
    TRY_VOID(free_block(volume, inode.block[slot]));
    inode.block[slot] = 0;
    uncount(volume, inode);
  }
  const uint64_t p = volume.geometry().pointers_per_block;
  uint64_t base = kDirectBlocks, span = p;
  for (uint32_t depth = 1; depth <= 3; ++depth, base += span, span *= p) {
    const uint32_t slot = kDirectBlocks + depth - 1;
    if (inode.block[slot] == 0 || first >= base + span) continue;
    TRY(empty, free_tree(volume, inode, inode.block[slot], depth, first > base ? first - base : 0));
    if (!empty) continue;
    TRY_VOID(free_block(volume, inode.block[slot]));
    inode.block[slot] = 0;
    uncount(volume, inode);
  }
  return {};
}

}  // namespace tas::fs::ext2
