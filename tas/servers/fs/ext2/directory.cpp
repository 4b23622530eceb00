#include "servers/fs/ext2/directory.h"

#include <cstring>

#include "servers/fs/ext2/block_map.h"

namespace tas::fs::ext2 {

namespace {

constexpr uint32_t kNoEntry = ~0u;
constexpr uint32_t kMinRecLen = dir_entry_size(1);

// How many blocks directory `dir` has: its size is a whole number of them.
Result<uint64_t> block_count(const Volume& volume, const Inode& dir) {
  const uint32_t bs = volume.geometry().block_size;
  if (dir.size % bs != 0) return fail(Error::corrupt_file_system);
  return uint64_t{dir.size / bs};
}

// The header of the entry at `offset` of a directory block, checked.
Result<DirEntryHeader> entry_at(const Volume& volume, const BlockRef& block, uint32_t offset) {
  const uint32_t bs = volume.geometry().block_size;
  if (offset > bs - sizeof(DirEntryHeader)) return fail(Error::corrupt_file_system);
  DirEntryHeader h;
  std::memcpy(&h, block.data() + offset, sizeof h);
  if (h.rec_len < kMinRecLen || h.rec_len % 4 != 0 || h.rec_len > bs - offset ||
      dir_entry_size(h.name_len) > h.rec_len || h.inode > volume.geometry().inodes_count ||
      (h.inode != 0 && h.name_len == 0))
    return fail(Error::corrupt_file_system);
  return h;
}

void put_header(BlockRef& block, uint32_t offset, const DirEntryHeader& h) {
  std::memcpy(block.data() + offset, &h, sizeof h);
  block.mark_dirty();
}

const char* name_of(const BlockRef& block, uint32_t offset) {
  return reinterpret_cast<const char*>(block.data() + offset + sizeof(DirEntryHeader));
}

bool same_name(const BlockRef& block, uint32_t offset, const DirEntryHeader& h,
               std::string_view name) {
  return h.inode != 0 && h.name_len == name.size() &&
         std::memcmp(name_of(block, offset), name.data(), name.size()) == 0;
}

uint8_t type_byte(const Volume& volume, FileType type) {
  return volume.has_filetype() ? static_cast<uint8_t>(type) : 0;
}

FileType type_of(const Volume& volume, const DirEntryHeader& h) {
  return volume.has_filetype() && h.file_type <= static_cast<uint8_t>(FileType::symlink)
             ? static_cast<FileType>(h.file_type)
             : FileType::unknown;
}

void write_entry(const Volume& volume, BlockRef& block, uint32_t offset, uint32_t ino,
                 uint32_t rec_len, std::string_view name, FileType type) {
  DirEntryHeader h{ino, static_cast<uint16_t>(rec_len), static_cast<uint8_t>(name.size()),
                   type_byte(volume, type)};
  std::memcpy(block.data() + offset + sizeof h, name.data(), name.size());
  put_header(block, offset, h);
}

// Calls visit(block, logical, offset, previous offset or kNoEntry, header)
// for every entry, in use or not, of the directory's blocks from logical
// block `first` on, until visit returns true. Returns whether it did.
template <class Visit>
Result<bool> walk(Volume& volume, const Inode& dir, uint64_t first, Visit&& visit) {
  const uint32_t bs = volume.geometry().block_size;
  TRY(count, block_count(volume, dir));
  for (uint64_t logical = first; logical < count; ++logical) {
    TRY(block, map_block(volume, dir, logical));
    if (block == 0) return fail(Error::corrupt_file_system);  // directories have no holes
    TRY(ref, volume.cache().get(block));
    uint32_t previous = kNoEntry;
    for (uint32_t offset = 0; offset < bs;) {
      TRY(h, entry_at(volume, ref, offset));
      if (visit(ref, logical, offset, previous, h)) return true;
      previous = offset;
      offset += h.rec_len;
    }
  }
  return false;
}

}  // namespace

Result<void> check_name(std::string_view name) {
  if (name.empty()) return fail(Error::invalid_argument);
  if (name.size() > kNameMax) return fail(Error::name_too_long);
  for (char c : name) {
    if (c == '/' || c == '\0') return fail(Error::invalid_argument);
  }
  return {};
}

Result<FoundEntry> find_entry(Volume& volume, const Inode& dir, std::string_view name) {
  FoundEntry found;
  TRY(hit, walk(volume, dir, 0,
                [&](BlockRef& block, uint64_t, uint32_t offset, uint32_t, const DirEntryHeader& h) {
                  if (!same_name(block, offset, h, name)) return false;
                  found = {h.inode, type_of(volume, h)};
                  return true;
                }));
  if (!hit) return fail(Error::not_found);
  return found;
}

Result<void> add_entry(Volume& volume, uint32_t dir_ino, Inode& dir, std::string_view name,
                       uint32_t ino, FileType type) {
  TRY_VOID(check_name(name));
  const uint32_t need = dir_entry_size(static_cast<uint32_t>(name.size()));
  TRY(placed, walk(volume, dir, 0,
                   [&](BlockRef& block, uint64_t, uint32_t offset, uint32_t, DirEntryHeader h) {
                     // An unused entry, or the slack after a used one.
                     const uint32_t used = h.inode != 0 ? dir_entry_size(h.name_len) : 0;
                     if (h.rec_len - used < need) return false;
                     if (used != 0) {
                       const uint32_t rest = h.rec_len - used;
                       h.rec_len = static_cast<uint16_t>(used);
                       put_header(block, offset, h);
                       write_entry(volume, block, offset + used, ino, rest, name, type);
                     } else {
                       write_entry(volume, block, offset, ino, h.rec_len, name, type);
                     }
                     return true;
                   }));
  dir.flags &= ~kIndexFlag;
  if (placed) return {};
  // A new block at the end.
  const uint32_t bs = volume.geometry().block_size;
  if (uint64_t{dir.size} + bs > UINT32_MAX) return fail(Error::file_too_large);
  TRY(mapped, map_block_allocating(volume, dir_ino, dir, dir.size / bs));
  TRY(block, volume.cache().get_zeroed(mapped.block));
  write_entry(volume, block, 0, ino, bs, name, type);
  dir.size += bs;
  return {};
}

Result<void> remove_entry(Volume& volume, Inode& dir, std::string_view name) {
  TRY(removed,
      walk(volume, dir, 0,
           [&](BlockRef& block, uint64_t, uint32_t offset, uint32_t previous, DirEntryHeader h) {
             if (!same_name(block, offset, h, name)) return false;
             if (previous != kNoEntry) {
               // The entry before it takes its space.
               DirEntryHeader p;
               std::memcpy(&p, block.data() + previous, sizeof p);
               p.rec_len = static_cast<uint16_t>(p.rec_len + h.rec_len);
               put_header(block, previous, p);
             } else {
               h.inode = 0;
               put_header(block, offset, h);
             }
             return true;
           }));
  if (!removed) return fail(Error::not_found);
  dir.flags &= ~kIndexFlag;
  return {};
}

Result<void> retarget_entry(Volume& volume, const Inode& dir, std::string_view name, uint32_t ino,
                            FileType type) {
  TRY(changed, walk(volume, dir, 0,
                    [&](BlockRef& block, uint64_t, uint32_t offset, uint32_t, DirEntryHeader h) {
                      if (!same_name(block, offset, h, name)) return false;
                      h.inode = ino;
                      h.file_type = type_byte(volume, type);
                      put_header(block, offset, h);
                      return true;
                    }));
  if (!changed) return fail(Error::not_found);
  return {};
}

Result<bool> read_entry(Volume& volume, const Inode& dir, uint64_t& position, DirEntry& out) {
  const uint32_t bs = volume.geometry().block_size;
  const uint64_t first = position / bs;
  const uint32_t skip = static_cast<uint32_t>(position % bs);
  TRY(found, walk(volume, dir, first,
                  [&](BlockRef& block, uint64_t logical, uint32_t offset, uint32_t,
                      const DirEntryHeader& h) {
                    if (h.inode == 0 || (logical == first && offset < skip)) return false;
                    out.ino = h.inode;
                    out.type = type_of(volume, h);
                    out.name_length = h.name_len;
                    std::memcpy(out.name, name_of(block, offset), h.name_len);
                    out.name[h.name_len] = '\0';
                    position = logical * bs + offset + h.rec_len;
                    return true;
                  }));
  if (!found) position = dir.size;
  return found;
}

Result<bool> is_empty_directory(Volume& volume, const Inode& dir) {
  TRY(other,
      walk(volume, dir, 0,
           [&](BlockRef& block, uint64_t, uint32_t offset, uint32_t, const DirEntryHeader& h) {
             return h.inode != 0 && !same_name(block, offset, h, ".") &&
                    !same_name(block, offset, h, "..");
           }));
  return !other;
}

Result<void> write_first_block(Volume& volume, uint32_t block, uint32_t self, uint32_t parent) {
  TRY(ref, volume.cache().get_zeroed(block));
  const uint32_t dot = dir_entry_size(1);
  write_entry(volume, ref, 0, self, dot, ".", FileType::directory);
  write_entry(volume, ref, dot, parent, volume.geometry().block_size - dot, "..",
              FileType::directory);
  return {};
}

}  // namespace tas::fs::ext2
