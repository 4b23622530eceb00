// Paths to inode numbers, for the server and the tests: components split
// at '/', empty ones and "." skipped, ".." looked up like any name (the
// root's ".." is the root). Absolute paths start at the root, others at
// `start`. Symbolic links are not followed: a link as a directory component
// is not_a_directory, a link as the last component is returned as itself.
#pragma once
#include <cstdint>
#include <string_view>

#include "lib/result.h"
#include "servers/fs/ext2/file_system.h"

namespace tas::fs::ext2 {

// The inode `path` names.
Result<uint32_t> resolve(FileSystem& fs, std::string_view path,
                         uint32_t start = FileSystem::root());

struct ParentAndName {
  uint32_t dir = 0;
  std::string_view name;  // a part of the path passed in
};
// The directory that holds `path`'s last component, and that component
// ("a/b/" gives a and "b"). invalid_argument for a path with no component
// ("/", "").
Result<ParentAndName> resolve_parent(FileSystem& fs, std::string_view path,
                                     uint32_t start = FileSystem::root());

}  // namespace tas::fs::ext2
