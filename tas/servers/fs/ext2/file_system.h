// An ext2 file system (revision 1; 1, 2 and 4 KiB blocks) on a BlockDevice:
// the engine the file-system server serves requests with. Every operation
// names files by inode number (a directory and a name for the namespace
// operations), so the server can keep open files as inode numbers; path.h
// turns paths into them. Expected failures are Results (not_found,
// not_a_directory, no_space, corrupt_file_system, ...), never exceptions.
//
// Changes live in the block cache until sync() or unmount() writes them
// back. Link counts, the free counts of the superblock and group
// descriptors and the directory counts are kept consistent at every step,
// so that after unmount e2fsck finds the volume clean. Times come from
// MountOptions::clock; reads do not update the access time.
//
// Not thread-safe: the server serializes the calls.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "lib/result.h"
#include "servers/fs/block_device.h"
#include "servers/fs/ext2/directory.h"
#include "servers/fs/ext2/open_inodes.h"
#include "servers/fs/ext2/volume.h"

namespace tas::fs::ext2 {

struct Stat {
  uint32_t ino = 0;
  uint16_t mode = 0;  // type and permission bits, as on disk
  FileType type = FileType::unknown;
  uint16_t links = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  uint64_t blocks = 0;  // 512-byte units
  uint32_t atime = 0;
  uint32_t mtime = 0;
  uint32_t ctime = 0;
  // Set when the inode is made: one more than its number's previous
  // occupant had, so that a name kept by inode number and generation (the
  // server's file ids) is found stale once the inode is freed and made again.
  uint32_t generation = 0;
};

struct VolumeStats {
  uint32_t block_size = 0;
  uint32_t blocks = 0;
  uint32_t free_blocks = 0;
  uint32_t inodes = 0;
  uint32_t free_inodes = 0;
  bool read_only = false;
};

class FileSystem {
 public:
  // Mounts the ext2 volume on `device`. A foreign or corrupt volume is
  // corrupt_file_system; one with features this code does not know is
  // not_supported (or read_only: it may be mounted read-only).
  static Result<std::unique_ptr<FileSystem>> mount(BlockDevice& device,
                                                   const MountOptions& options = {});
  // Unmounts if unmount() was not called (its error is lost then).
  ~FileSystem();
  FileSystem(const FileSystem&) = delete;
  FileSystem& operator=(const FileSystem&) = delete;

  // Writes every change back to the device and flushes it.
  Result<void> sync();
  // Forgets every change not written back yet, without touching the device:
  // for a caller that no longer trusts what is in memory (a device error in
  // the middle of an update). Every later call fails (invalid_argument); the
  // volume is mounted again to go on.
  void abandon() { mounted_ = false; }
  // Frees open-but-unlinked inodes, writes everything back and marks the
  // volume clean. Every later call fails (invalid_argument).
  Result<void> unmount();

  static constexpr uint32_t root() { return kRootInode; }
  VolumeStats volume_stats() const;
  BlockCacheStats cache_stats() const { return volume_.cache().stats(); }

  // --- Files, by inode number -------------------------------------------
  Result<Stat> stat(uint32_t ino);
  // Regular files only (is_a_directory for a directory).
  Result<size_t> read(uint32_t ino, uint64_t offset, std::span<uint8_t> out);
  Result<size_t> write(uint32_t ino, uint64_t offset, std::span<const uint8_t> data);
  Result<void> truncate(uint32_t ino, uint64_t size);
  // A symbolic link's target; returns its length (cut to out.size()).
  Result<size_t> read_link(uint32_t ino, std::span<char> out);
  // Open files: an inode unlinked while open lives on until its last close.
  Result<void> open(uint32_t ino);
  Result<void> close(uint32_t ino);

  // --- Directories --------------------------------------------------------
  Result<uint32_t> lookup(uint32_t dir, std::string_view name);
  // The next entry from `cookie` (0 to start); false at the end.
  Result<bool> read_dir(uint32_t dir, uint64_t& cookie, DirEntry& out);
  // A new regular file or directory; already_exists if `name` is taken.
  // `mode` gives the permission bits.
  Result<uint32_t> create(uint32_t dir, std::string_view name, uint16_t mode);
  Result<uint32_t> mkdir(uint32_t dir, std::string_view name, uint16_t mode);
  // A new name for file `ino` (not a directory).
  Result<void> link(uint32_t dir, std::string_view name, uint32_t ino);
  // Removes a name of a non-directory (is_a_directory otherwise).
  Result<void> unlink(uint32_t dir, std::string_view name);
  // Removes an empty directory (not_empty, not_a_directory).
  Result<void> rmdir(uint32_t dir, std::string_view name);
  // POSIX rename: replaces an existing `to_name` of a compatible kind (a
  // file over a file, a directory over an empty directory); a directory
  // cannot move into itself or below itself (invalid_argument).
  Result<void> rename(uint32_t from_dir, std::string_view from_name, uint32_t to_dir,
                      std::string_view to_name);

 private:
  FileSystem() = default;

  // Whether the volume may be changed; the first time it may, the mount
  // is marked on the device (Volume::mark_in_use) before anything changes.
  Result<void> check_writable();
  // An inode in use (or open): not_found for a free or reserved number.
  Result<Inode> load(uint32_t ino);
  Result<Inode> load_directory(uint32_t ino);
  Result<void> store(uint32_t ino, const Inode& inode);
  // Takes one link away; frees the inode when none is left and it is not open.
  Result<void> drop_link(uint32_t ino, Inode& inode);
  // Frees inode `ino` and everything it holds.
  Result<void> release(uint32_t ino, Inode& inode);
  Result<void> release_attribute_block(Inode& inode);
  // A new inode of `mode` named `name` in `dir`, with links and blocks.
  Result<uint32_t> make_node(uint32_t dir, std::string_view name, uint16_t mode);
  // invalid_argument if directory `dir` is `ino` or below it.
  Result<void> check_not_below(uint32_t dir, uint32_t ino);
  void touch(Inode& inode);  // mtime and ctime: now

  Volume volume_;
  OpenInodes open_;
  bool mounted_ = false;
};

}  // namespace tas::fs::ext2
