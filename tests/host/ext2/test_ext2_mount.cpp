// Mounting: the volumes mke2fs makes are accepted, with their feature
// variants; foreign, corrupt and unsupported ones are refused with an
// error.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "ext2_support.h"
#include "servers/fs/ext2/path.h"

namespace {

using namespace ext2_test;
using tas::fs::ext2::FileSystem;

constexpr size_t kSuper = 1024;  // the superblock's byte offset

void put32(std::vector<uint8_t>& bytes, size_t at, uint32_t v) { std::memcpy(&bytes[at], &v, 4); }
uint32_t get32(const std::vector<uint8_t>& bytes, size_t at) {
  uint32_t v;
  std::memcpy(&v, &bytes[at], 4);
  return v;
}

TEST(Ext2Mount, AcceptsWhatMke2fsMakes) {
  for (uint32_t bs : {1024u, 2048u, 4096u}) {
    ImageOptions o;
    o.block_size = bs;
    o.size_kib = 32768;
    Image image(o);
    ASSERT_OK_VALUE(fs, image.mount());
    const auto stats = fs->volume_stats();
    EXPECT_EQ(stats.block_size, bs);
    EXPECT_EQ(uint64_t{stats.blocks} * bs, 32768u * 1024);
    const std::string dump = run("dumpe2fs -h " + quote(image.file().string()));
    EXPECT_NE(dump.find("Free blocks:              " + std::to_string(stats.free_blocks) + "\n"),
              std::string::npos)
        << dump;
    EXPECT_NE(dump.find("Free inodes:              " + std::to_string(stats.free_inodes) + "\n"),
              std::string::npos);
    ASSERT_OK_VALUE(lf, fs->lookup(FileSystem::root(), "lost+found"));
    EXPECT_EQ(lf, 11u);
    ASSERT_OK(fs->unmount());
    image.save();
    const FsckResult r = fsck(image.file());
    EXPECT_TRUE(r.clean) << r.output;
  }
}

// Feature variants that stay ext2 revision 1: each works, and e2fsck agrees.
TEST(Ext2Mount, FeatureVariants) {
  for (const char* extra : {"-O ^filetype", "-O ^sparse_super,^resize_inode",
                            "-O ^large_file,^resize_inode", "-O ^dir_index,^ext_attr", "ext3"}) {
    SCOPED_TRACE(extra);
    ImageOptions o;
    if (std::string(extra) == "ext3") o.type = "ext3";
    o.block_size = 4096;
    o.size_kib = 16384;
    if (o.type == "ext2") o.extra = extra;
    Image image(o);
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(d, fs->mkdir(FileSystem::root(), "d", 0755));
    ASSERT_OK_VALUE(f, fs->create(d, "f", 0644));
    // Past 2 GiB: needs large_file, which is set if it was not.
    ASSERT_TRUE(write_at(*fs, f, uint64_t{3} << 30, "big"));
    ASSERT_OK(fs->rename(d, "f", FileSystem::root(), "g"));
    ASSERT_OK_VALUE(entry_type, fs->stat(d));
    EXPECT_EQ(entry_type.links, 2);
    ASSERT_OK(fs->unmount());
    image.save();
    const FsckResult r = fsck(image.file());
    EXPECT_TRUE(r.clean) << r.output;
    EXPECT_EQ(stat_field(debugfs(image.file(), "stat /g"), "Size"), (int64_t{3} << 30) + 3);
    EXPECT_NE(run("dumpe2fs -h " + quote(image.file().string())).find("large_file"),
              std::string::npos);
  }
}

// Mounts `bytes`, which must be refused with `expected`.
void expect_refused(std::vector<uint8_t> bytes, Error expected, bool read_only = false) {
  MemoryDisk disk(std::move(bytes));
  tas::fs::ext2::MountOptions options;
  options.read_only = read_only;
  auto fs = FileSystem::mount(disk, options);
  ASSERT_FALSE(fs.has_value());
  EXPECT_EQ(fs.error(), expected) << rebound::to_string(fs.error());
}

TEST(Ext2Mount, RefusesForeignAndCorruptVolumes) {
  Image image;  // 1 KiB blocks: descriptors at 2048
  const std::vector<uint8_t> good = image.disk().bytes();
  auto patched = [&](size_t at, uint32_t v) {
    std::vector<uint8_t> b = good;
    put32(b, at, v);
    return b;
  };
  expect_refused(std::vector<uint8_t>(good.size(), 0), Error::corrupt_file_system);
  expect_refused(std::vector<uint8_t>(good.begin(), good.begin() + 4096),
                 Error::corrupt_file_system);
  expect_refused(std::vector<uint8_t>(100, 0), Error::io_error);  // too small to hold a superblock
  expect_refused(patched(kSuper + 76, 0), Error::not_supported);  // revision 0
  expect_refused(patched(kSuper + 76, 2), Error::not_supported);  // an unknown revision
  expect_refused(patched(kSuper + 24, 3), Error::not_supported);  // 8 KiB blocks
  expect_refused(patched(kSuper + 24, 30), Error::not_supported);
  // Incompatible features: extents, 64bit, flex_bg, a journal to recover.
  for (uint32_t feature : {0x40u, 0x80u, 0x200u, 0x4u, 0x10u, 0x8000u})
    expect_refused(patched(kSuper + 96, get32(good, kSuper + 96) | feature), Error::not_supported);
  // Counts and sizes that do not fit together.
  expect_refused(patched(kSuper + 4, get32(good, kSuper + 4) * 2), Error::corrupt_file_system);
  expect_refused(patched(kSuper + 0, get32(good, kSuper + 0) + 8), Error::corrupt_file_system);
  expect_refused(patched(kSuper + 32, 0), Error::corrupt_file_system);  // blocks per group
  expect_refused(patched(kSuper + 40, 0), Error::corrupt_file_system);  // inodes per group
  expect_refused(patched(kSuper + 40, 1u << 20), Error::corrupt_file_system);
  expect_refused(patched(kSuper + 20, 0), Error::corrupt_file_system);  // first data block
  expect_refused(patched(kSuper + 84, 3), Error::corrupt_file_system);  // first inode
  std::vector<uint8_t> odd = good;
  odd[kSuper + 88] = 200;  // inode size
  expect_refused(odd, Error::corrupt_file_system);
  // Group descriptors: bitmaps or inode table outside their group, or on
  // the superblock; counts past the group's size.
  expect_refused(patched(2048 + 0, 1), Error::corrupt_file_system);
  expect_refused(patched(2048 + 4, 999999), Error::corrupt_file_system);
  expect_refused(patched(2048 + 8, get32(good, kSuper + 4) - 2), Error::corrupt_file_system);
  expect_refused(patched(2048 + 12, 0xFFFF), Error::corrupt_file_system);
  // The root inode (inode 2, 256 bytes into the table) not a directory.
  std::vector<uint8_t> root = good;
  const size_t table = size_t{get32(good, 2048 + 8)} * 1024;
  root[table + 256 + 1] = 0x80;  // mode 0x81ed: a regular file
  expect_refused(root, Error::corrupt_file_system);
  std::vector<uint8_t> no_root = good;
  std::memset(&no_root[table + 256], 0, 128);
  expect_refused(no_root, Error::corrupt_file_system);
}

// Bitmaps that call a live inode or a group's metadata free are not
// trusted: the allocation fails instead of overwriting them.
TEST(Ext2Mount, BitmapsThatLieAreCaught) {
  ImageOptions o;
  o.size_kib = 1024;
  o.extra = "-m 0";
  Image image(o);
  {
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(f, fs->create(FileSystem::root(), "live", 0644));
    EXPECT_EQ(f, 12u);
    ASSERT_TRUE(write_at(*fs, f, 0, "still here"));
    ASSERT_OK(fs->unmount());
  }
  image.save();
  run("debugfs -w -R 'freei /live' " + quote(image.file().string()));
  image.reload();
  {
    ASSERT_OK_VALUE(fs, image.mount());
    EXPECT_ERROR(fs->create(FileSystem::root(), "new", 0644), Error::corrupt_file_system);
    ASSERT_OK_VALUE(live, fs->lookup(FileSystem::root(), "live"));
    EXPECT_EQ(read_all(*fs, live), "still here");
    ASSERT_OK(fs->unmount());
  }
  // Full, then the inode table's first block marked free: the only free
  // block the allocator can find.
  {
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(fill, fs->create(FileSystem::root(), "fill", 0644));
    const std::string chunk = pattern(1 << 20, 3);
    uint64_t at = 0;
    for (;;) {
      auto n = fs->write(
          fill, at,
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()));
      if (!n) break;
      at += *n;
    }
    ASSERT_EQ(fs->volume_stats().free_blocks, 0u);
    ASSERT_OK(fs->unmount());
  }
  std::vector<uint8_t> bytes = image.disk().bytes();
  const uint32_t table = get32(bytes, 2048 + 8), bitmap = get32(bytes, 2048 + 0);
  const uint32_t bit = table - 1;  // 1 KiB blocks: group 0 starts at block 1
  bytes[size_t{bitmap} * 1024 + bit / 8] &= static_cast<uint8_t>(~(1u << (bit % 8)));
  uint16_t free_blocks;
  std::memcpy(&free_blocks, &bytes[2048 + 12], 2);
  ++free_blocks;
  std::memcpy(&bytes[2048 + 12], &free_blocks, 2);
  MemoryDisk disk(bytes);
  ASSERT_OK_VALUE(fs, FileSystem::mount(disk));
  ASSERT_OK_VALUE(fill, fs->lookup(FileSystem::root(), "fill"));
  ASSERT_OK_VALUE(st, fs->stat(fill));
  const std::string x = "x";
  const uint64_t next_block = (st.size + 1023) / 1024 * 1024;  // needs a new block
  EXPECT_ERROR(
      fs->write(fill, next_block,
                std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(x.data()), x.size())),
      Error::corrupt_file_system);
}

TEST(Ext2Mount, UnknownReadOnlyFeaturesAllowReadingOnly) {
  Image image;
  std::vector<uint8_t> bytes = image.disk().bytes();
  put32(bytes, kSuper + 100, get32(bytes, kSuper + 100) | 0x20);  // dir_nlink
  expect_refused(bytes, Error::read_only);
  MemoryDisk disk(bytes);
  tas::fs::ext2::MountOptions options;
  options.read_only = true;
  ASSERT_OK_VALUE(fs, FileSystem::mount(disk, options));
  EXPECT_TRUE(fs->volume_stats().read_only);
  ASSERT_OK(fs->lookup(FileSystem::root(), "lost+found"));
  EXPECT_ERROR(fs->mkdir(FileSystem::root(), "x", 0755), Error::read_only);
}

TEST(Ext2Mount, RefusesOtherFileSystemsAndDevices) {
  TempDir dir;
  const auto file = dir.path() / "ext4";
  run("mke2fs -q -F -t ext4 " + quote(file.string()) + " 16M");
  const std::string ext4 = read_host_file(file);
  expect_refused(std::vector<uint8_t>(ext4.begin(), ext4.end()), Error::not_supported);
  // Device blocks that do not tile the superblock.
  Image image;
  MemoryDisk big_sectors(image.disk().bytes(), 4096);
  auto fs = FileSystem::mount(big_sectors);
  ASSERT_FALSE(fs.has_value());
  EXPECT_EQ(fs.error(), Error::not_supported);
}

TEST(Ext2Mount, WorksOnDevicesWithLargerSectors) {
  ImageOptions o;
  o.block_size = 4096;
  Image image(o);
  MemoryDisk disk(image.disk().bytes(), 1024);
  ASSERT_OK_VALUE(fs, FileSystem::mount(disk));
  ASSERT_OK_VALUE(f, fs->create(FileSystem::root(), "f", 0644));
  ASSERT_TRUE(write_at(*fs, f, 0, pattern(10000, 1)));
  ASSERT_OK(fs->unmount());
  image.disk().bytes() = disk.bytes();
  image.save();
  const FsckResult r = fsck(image.file());
  EXPECT_TRUE(r.clean) << r.output;
  EXPECT_EQ(debugfs(image.file(), "cat /f"), pattern(10000, 1));
}

}  // namespace
