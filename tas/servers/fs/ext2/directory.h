// Directory contents: the entries in a directory's blocks (ext2's linked
// records, each with a rec_len reaching the next, the last one reaching the
// end of its block). Lookup, add (into an unused entry or the slack after
// one, else a new block), remove (merged into the entry before it, or
// marked unused when first in its block), retarget, iterate, emptiness.
// Every entry read is checked -- rec_len, name length, inode number -- and
// a bad one is corrupt_file_system. Hashed (dir_index) directories are read
// linearly like Linux's ext2 does; changing one clears its index flag.
//
// Functions that take an Inode& may change it (size, blocks, flags): the
// caller writes it back.
#pragma once
#include <cstdint>
#include <string_view>

#include "lib/result.h"
#include "servers/fs/ext2/ext2_format.h"
#include "servers/fs/ext2/volume.h"

namespace tas::fs::ext2 {

struct DirEntry {
  uint32_t ino = 0;
  FileType type = FileType::unknown;  // unknown without the filetype feature
  uint8_t name_length = 0;
  char name[kNameMax + 1] = {};  // NUL-terminated
  std::string_view name_view() const { return {name, name_length}; }
};

// A name that can go in a directory: 1-255 bytes (name_too_long), neither
// '/' nor NUL in it (invalid_argument). "." and ".." pass.
Result<void> check_name(std::string_view name);

struct FoundEntry {
  uint32_t ino = 0;
  FileType type = FileType::unknown;
};
// The entry `name` of directory `dir`; not_found if there is none.
Result<FoundEntry> find_entry(Volume& volume, const Inode& dir, std::string_view name);

// Adds entry `name` -> `ino` to directory `dir_ino` (whose inode is `dir`).
// The name must not be there yet.
Result<void> add_entry(Volume& volume, uint32_t dir_ino, Inode& dir, std::string_view name,
                       uint32_t ino, FileType type);
// Removes entry `name`; not_found if there is none.
Result<void> remove_entry(Volume& volume, Inode& dir, std::string_view name);
// Points the existing entry `name` at `ino` instead.
Result<void> retarget_entry(Volume& volume, const Inode& dir, std::string_view name, uint32_t ino,
                            FileType type);

// The next entry in use at byte position `position` or after it (0 starts
// over); advances `position` past it. False at the end of the directory.
Result<bool> read_entry(Volume& volume, const Inode& dir, uint64_t& position, DirEntry& out);

// Whether `dir` has no entry besides "." and "..".
Result<bool> is_empty_directory(Volume& volume, const Inode& dir);

// Writes `block` as a new directory's first block: "." -> self, ".." ->
// parent.
Result<void> write_first_block(Volume& volume, uint32_t block, uint32_t self, uint32_t parent);

}  // namespace tas::fs::ext2
