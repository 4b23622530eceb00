// FileSystem: mounting, files and their data, open inodes, reading
// directories. The operations that change names are in
// file_system_names.cpp.
#include "servers/fs/ext2/file_system.h"

#include <cstring>
#include <new>

#include "servers/fs/ext2/allocator.h"
#include "servers/fs/ext2/block_map.h"
#include "servers/fs/ext2/file_data.h"
#include "servers/fs/ext2/inode_table.h"

namespace tas::fs::ext2 {

namespace {

constexpr uint32_t kAttributeMagic = 0xEA020000;
constexpr uint32_t kFastSymlinkMax = sizeof(Inode::block);  // a target this short is in i_block

bool is_fast_symlink(const Volume& volume, const Inode& inode) {
  const uint32_t attribute = inode.file_acl != 0 ? volume.geometry().block_size / 512 : 0;
  return is_symlink(inode) && inode.blocks == attribute && inode.size < kFastSymlinkMax;
}

// Whether i_block[] holds block pointers (not a symlink's target or a
// device number).
bool has_block_map(const Volume& volume, const Inode& inode) {
  return is_regular(inode) || is_directory(inode) ||
         (is_symlink(inode) && !is_fast_symlink(volume, inode));
}

}  // namespace

Result<std::unique_ptr<FileSystem>> FileSystem::mount(BlockDevice& device,
                                                      const MountOptions& options) {
  std::unique_ptr<FileSystem> fs(new (std::nothrow_t{}) FileSystem);  // see fallible_new.h
  if (!fs) return fail(Error::no_memory);
  TRY_VOID(fs->volume_.open(device, options));
  fs->mounted_ = true;
  // The root must be a directory in use; anything else is not a volume to
  // work on.
  auto root = fs->load_directory(kRootInode);
  if (!root) {
    fs->mounted_ = false;
    (void)fs->volume_.close();
    return fail(root.error() == Error::not_found || root.error() == Error::not_a_directory
                    ? Error::corrupt_file_system
                    : root.error());
  }
  return fs;
}

FileSystem::~FileSystem() {
  if (mounted_) (void)unmount();
}

Result<void> FileSystem::sync() {
  if (!mounted_) return fail(Error::invalid_argument);
  return volume_.sync();
}

Result<void> FileSystem::unmount() {
  if (!mounted_) return fail(Error::invalid_argument);
  Result<void> result;
  // Open inodes with no name left go now.
  while (open_.size() > 0) {
    const uint32_t ino = open_.at(0);
    (void)open_.remove(ino);
    while (open_.contains(ino)) (void)open_.remove(ino);
    auto inode = read_inode(volume_, ino);
    if (inode && inode->links_count == 0 && !volume_.read_only()) {
      if (auto r = release(ino, *inode); !r && result) result = r;
    }
  }
  mounted_ = false;
  if (auto r = volume_.close(); !r && result) result = r;
  return result;
}

VolumeStats FileSystem::volume_stats() const {
  const Geometry& g = volume_.geometry();
  return {g.block_size,
          g.blocks_count,
          volume_.super().free_blocks_count,
          g.inodes_count,
          volume_.super().free_inodes_count,
          volume_.read_only()};
}

Result<void> FileSystem::check_writable() {
  if (!mounted_) return fail(Error::invalid_argument);
  if (volume_.read_only()) return fail(Error::read_only);
  return volume_.mark_in_use();
}

Result<Inode> FileSystem::load(uint32_t ino) {
  if (!mounted_) return fail(Error::invalid_argument);
  const Geometry& g = volume_.geometry();
  if (ino != kRootInode && (ino < g.first_inode || ino > g.inodes_count))
    return fail(Error::not_found);
  TRY(inode, read_inode(volume_, ino));
  if (inode.mode == 0 || (inode.links_count == 0 && !open_.contains(ino)))
    return fail(Error::not_found);
  return inode;
}

Result<Inode> FileSystem::load_directory(uint32_t ino) {
  TRY(inode, load(ino));
  if (!is_directory(inode)) return fail(Error::not_a_directory);
  return inode;
}

Result<void> FileSystem::store(uint32_t ino, const Inode& inode) {
  return write_inode(volume_, ino, inode);
}

void FileSystem::touch(Inode& inode) { inode.mtime = inode.ctime = volume_.now(); }

Result<Stat> FileSystem::stat(uint32_t ino) {
  TRY(inode, load(ino));
  Stat s;
  s.ino = ino;
  s.mode = inode.mode;
  s.type = file_type_of(inode.mode);
  s.links = inode.links_count;
  s.uid = uint32_t{inode.uid_high} << 16 | inode.uid;
  s.gid = uint32_t{inode.gid_high} << 16 | inode.gid;
  s.size = inode_size(inode);
  s.blocks = inode.blocks;
  s.atime = inode.atime;
  s.mtime = inode.mtime;
  s.ctime = inode.ctime;
  s.generation = inode.generation;
  return s;
}

Result<size_t> FileSystem::read(uint32_t ino, uint64_t offset, std::span<uint8_t> out) {
  TRY(inode, load(ino));
  if (is_directory(inode)) return fail(Error::is_a_directory);
  if (!is_regular(inode)) return fail(Error::not_supported);
  return read_data(volume_, inode, offset, out);
}

Result<size_t> FileSystem::write(uint32_t ino, uint64_t offset, std::span<const uint8_t> data) {
  TRY_VOID(check_writable());
  TRY(inode, load(ino));
  if (is_directory(inode)) return fail(Error::is_a_directory);
  if (!is_regular(inode)) return fail(Error::not_supported);
  const Inode before = inode;
  auto written = write_data(volume_, ino, inode, offset, data);
  if (written && *written > 0) touch(inode);
  // Blocks may have been mapped even when the write failed.
  if (std::memcmp(&before, &inode, sizeof inode) != 0) TRY_VOID(store(ino, inode));
  return written;
}

Result<void> FileSystem::truncate(uint32_t ino, uint64_t size) {
  TRY_VOID(check_writable());
  TRY(inode, load(ino));
  if (is_directory(inode)) return fail(Error::is_a_directory);
  if (!is_regular(inode)) return fail(Error::not_supported);
  const Inode before = inode;
  const uint64_t old_size = inode_size(inode);
  auto resized = resize_data(volume_, inode, size);
  if (resized && size != old_size) touch(inode);
  // Blocks may have been freed even when it failed.
  if (std::memcmp(&before, &inode, sizeof inode) != 0) TRY_VOID(store(ino, inode));
  return resized;
}

Result<size_t> FileSystem::read_link(uint32_t ino, std::span<char> out) {
  TRY(inode, load(ino));
  if (!is_symlink(inode)) return fail(Error::invalid_argument);
  if (is_fast_symlink(volume_, inode)) {
    const size_t n = inode.size < out.size() ? inode.size : out.size();
    std::memcpy(out.data(), inode.block, n);
    return n;
  }
  return read_data(volume_, inode, 0,
                   std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
}

Result<void> FileSystem::open(uint32_t ino) {
  TRY_VOID(load(ino));
  return open_.add(ino);
}

Result<void> FileSystem::close(uint32_t ino) {
  if (!mounted_) return fail(Error::invalid_argument);
  TRY(last, open_.remove(ino));
  if (!last || volume_.read_only()) return {};
  TRY(inode, read_inode(volume_, ino));
  if (inode.links_count == 0) return release(ino, inode);
  return {};
}

Result<uint32_t> FileSystem::lookup(uint32_t dir, std::string_view name) {
  TRY_VOID(check_name(name));
  TRY(inode, load_directory(dir));
  TRY(found, find_entry(volume_, inode, name));
  return found.ino;
}

Result<bool> FileSystem::read_dir(uint32_t dir, uint64_t& cookie, DirEntry& out) {
  TRY(inode, load_directory(dir));
  return read_entry(volume_, inode, cookie, out);
}

Result<void> FileSystem::drop_link(uint32_t ino, Inode& inode) {
  if (inode.links_count > 0) --inode.links_count;
  inode.ctime = volume_.now();
  if (inode.links_count == 0 && !open_.contains(ino)) return release(ino, inode);
  return store(ino, inode);
}

Result<void> FileSystem::release_attribute_block(Inode& inode) {
  const uint32_t block = inode.file_acl;
  if (!volume_.geometry().is_block(block)) return fail(Error::corrupt_file_system);
  TRY(ref, volume_.cache().get(block));
  uint32_t header[2];  // magic, reference count
  std::memcpy(header, ref.data(), sizeof header);
  if (header[0] != kAttributeMagic || header[1] == 0) return fail(Error::corrupt_file_system);
  if (header[1] > 1) {
    --header[1];
    std::memcpy(ref.data(), header, sizeof header);
    ref.mark_dirty();
  } else {
    TRY_VOID(free_block(volume_, block));
  }
  const uint32_t sectors = volume_.geometry().block_size / 512;
  inode.blocks = inode.blocks >= sectors ? inode.blocks - sectors : 0;
  inode.file_acl = 0;
  return {};
}

Result<void> FileSystem::release(uint32_t ino, Inode& inode) {
  const bool directory = is_directory(inode);
  Result<void> result;
  if (has_block_map(volume_, inode)) result = free_blocks_from(volume_, inode, 0);
  if (result && inode.file_acl != 0) result = release_attribute_block(inode);
  if (result && has_block_map(volume_, inode)) set_inode_size(inode, 0);
  inode.links_count = 0;
  inode.dtime = volume_.now();
  if (inode.dtime == 0) inode.dtime = 1;  // 0 would say "in use"
  TRY_VOID(store(ino, inode));
  // Blocks that could not all be freed stay the inode's: it stays allocated.
  if (!result) return result;
  return free_inode(volume_, ino, directory);
}

}  // namespace tas::fs::ext2
