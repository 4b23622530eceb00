// Volumes populated by mke2fs -d from a host directory: the tree read back
// matches the host's (names, kinds, sizes, contents, links, symlink
// targets); removing all of it gives back every block and inode.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "ext2_support.h"
#include "servers/fs/ext2/path.h"

namespace {

using namespace ext2_test;
using tas::fs::ext2::DirEntry;
using tas::fs::ext2::FileSystem;
using tas::fs::ext2::FileType;
namespace stdfs = std::filesystem;

void write_file(const stdfs::path& p, const std::string& data) {
  std::ofstream(p, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

// A tree with every kind of file mke2fs -d copies.
void make_tree(const stdfs::path& root) {
  uint32_t seed = 1;
  for (size_t size : {0u, 1u, 1023u, 1024u, 1025u, 12u * 1024, 12u * 1024 + 1, 300000u})
    write_file(root / ("file" + std::to_string(size)), pattern(size, seed++));
  {
    std::fstream sparse(root / "sparse", std::ios::binary | std::ios::out);
    sparse.seekp(3 << 20);
    sparse << "in the middle";
    sparse.seekp((5 << 20) - 1);
    sparse << 'e';
  }
  stdfs::create_directories(root / "a" / "b" / "c");
  write_file(root / "a" / "b" / "c" / "deep", "deep file\n");
  stdfs::create_directory(root / "empty");
  stdfs::create_directory(root / "crowd");
  for (int i = 0; i < 200; ++i)
    write_file(root / "crowd" / ("member-" + std::to_string(i)), pattern(i * 37, i));
  stdfs::create_symlink("file1", root / "fast-link");
  stdfs::create_symlink(std::string(150, 'L'), root / "a" / "slow-link");
  stdfs::create_hard_link(root / "file1025", root / "a" / "hard");
  mkfifo((root / "a" / "fifo").c_str(), 0644);
}

class Ext2Populated : public ::testing::TestWithParam<uint32_t> {
 protected:
  // Compares directory `ino` of the volume with host directory `host`.
  void compare(FileSystem& fs, uint32_t ino, const stdfs::path& host) {
    std::map<std::string, DirEntry> entries;
    uint64_t cookie = 0;
    DirEntry e;
    for (;;) {
      auto more = fs.read_dir(ino, cookie, e);
      ASSERT_TRUE(more.has_value()) << rebound::to_string(more.error());
      if (!*more) break;
      if (e.name_view() != "." && e.name_view() != "..") entries[std::string(e.name_view())] = e;
    }
    size_t on_host = 0;
    for (const auto& item : stdfs::directory_iterator(host)) {
      ++on_host;
      const std::string name = item.path().filename().string();
      SCOPED_TRACE(item.path().string());
      ASSERT_EQ(entries.count(name), 1u);
      const DirEntry& entry = entries[name];
      ASSERT_OK_VALUE(st, fs.stat(entry.ino));
      EXPECT_EQ(entry.type, st.type);
      struct stat hs;
      ASSERT_EQ(lstat(item.path().c_str(), &hs), 0);
      EXPECT_EQ(st.mode & 07777, hs.st_mode & 07777);
      if (item.is_symlink()) {
        ASSERT_EQ(st.type, FileType::symlink);
        const std::string target = stdfs::read_symlink(item.path()).string();
        std::string got(300, '\0');
        ASSERT_OK_VALUE(n, fs.read_link(entry.ino, std::span<char>(got.data(), got.size())));
        EXPECT_EQ(got.substr(0, n), target);
        EXPECT_ERROR(fs.read(entry.ino, 0, std::span<uint8_t>()), Error::not_supported);
      } else if (item.is_directory()) {
        ASSERT_EQ(st.type, FileType::directory);
        compare(fs, entry.ino, item.path());
      } else if (item.is_regular_file()) {
        ASSERT_EQ(st.type, FileType::regular);
        EXPECT_EQ(st.size, hs.st_size);
        EXPECT_EQ(st.links, hs.st_nlink);
        EXPECT_TRUE(read_all(fs, entry.ino) == read_host_file(item.path()));
      } else {
        EXPECT_EQ(st.type, FileType::fifo);
      }
    }
    EXPECT_EQ(entries.size(), on_host + (ino == FileSystem::root() ? 1 : 0));  // + lost+found
  }

  // Removes everything below directory `ino`.
  void remove_all(FileSystem& fs, uint32_t ino) {
    for (;;) {
      uint64_t cookie = 0;
      DirEntry e;
      bool removed = false;
      for (;;) {
        auto more = fs.read_dir(ino, cookie, e);
        ASSERT_TRUE(more.has_value());
        if (!*more) break;
        const std::string name(e.name_view());
        if (name == "." || name == ".." || name == "lost+found") continue;
        if (e.type == FileType::directory) {
          remove_all(fs, e.ino);
          ASSERT_OK(fs.rmdir(ino, name));
        } else {
          ASSERT_OK(fs.unlink(ino, name));
        }
        removed = true;
        break;
      }
      if (!removed) return;
    }
  }
};

TEST_P(Ext2Populated, ReadsWhatMke2fsWroteAndFreesItAll) {
  TempDir source;
  make_tree(source.path());
  ImageOptions o;
  o.block_size = GetParam();
  o.size_kib = 16384;
  o.populate_from = source.path().string();
  Image image(o);
  ImageOptions plain = o;
  plain.populate_from.clear();
  Image empty(plain);
  uint32_t empty_free_blocks, empty_free_inodes;
  {
    ASSERT_OK_VALUE(fs, empty.mount(true));
    empty_free_blocks = fs->volume_stats().free_blocks;
    empty_free_inodes = fs->volume_stats().free_inodes;
  }
  ASSERT_OK_VALUE(fs, image.mount());
  compare(*fs, FileSystem::root(), source.path());
  remove_all(*fs, FileSystem::root());
  EXPECT_EQ(fs->volume_stats().free_blocks, empty_free_blocks);
  EXPECT_EQ(fs->volume_stats().free_inodes, empty_free_inodes);
  ASSERT_OK(fs->unmount());
  image.save();
  const FsckResult r = fsck(image.file());
  EXPECT_TRUE(r.clean) << r.output;
  EXPECT_EQ(debugfs_list(image.file(), "/").size(), 1u);  // lost+found
}

// Directories e2fsck -D turned into hashed trees (dir_index) read like any
// other; a change drops the index (the tree's blocks read as empty
// entries), which e2fsck accepts.
TEST_P(Ext2Populated, HashedDirectoriesAreReadAndLoseTheirIndexWhenChanged) {
  TempDir source;
  stdfs::create_directory(source.path() / "crowd");
  for (int i = 0; i < 400; ++i)
    write_file(source.path() / "crowd" / ("member-" + std::to_string(i)), std::to_string(i));
  ImageOptions o;
  o.block_size = GetParam();
  o.populate_from = source.path().string();
  Image image(o);
  run("e2fsck -fyD " + quote(image.file().string()));
  image.reload();
  ASSERT_NE(debugfs(image.file(), "stat /crowd").find("Flags: 0x1000"), std::string::npos);
  {
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(crowd, fs->lookup(FileSystem::root(), "crowd"));
    for (int i = 0; i < 400; ++i) {
      ASSERT_OK_VALUE(ino, fs->lookup(crowd, "member-" + std::to_string(i)));
      EXPECT_EQ(read_all(*fs, ino), std::to_string(i));
    }
    for (int i = 0; i < 400; i += 3) ASSERT_OK(fs->unlink(crowd, "member-" + std::to_string(i)));
    for (int i = 0; i < 100; ++i) ASSERT_OK(fs->create(crowd, "new-" + std::to_string(i), 0644));
    ASSERT_OK(fs->unmount());
  }
  image.save();
  const FsckResult r = fsck(image.file());
  EXPECT_TRUE(r.clean) << r.output;
  EXPECT_NE(debugfs(image.file(), "stat /crowd").find("Flags: 0x0"), std::string::npos);
  EXPECT_EQ(debugfs_list(image.file(), "/crowd").size(), 400u - 134u + 100u);
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, Ext2Populated, ::testing::Values(1024u, 4096u),
                         [](const auto& info) { return std::to_string(info.param) + "b"; });

}  // namespace
