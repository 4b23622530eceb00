// File data on real ext2 images: writes, reads, holes, the three indirect
// trees, truncation, times, open-but-unlinked files, a full volume, I/O
// errors -- each checked by e2fsck -fn and debugfs after unmount.
#include <gtest/gtest.h>

#include "ext2_support.h"
#include "servers/fs/ext2/path.h"

namespace {

using namespace ext2_test;
using tas::fs::ext2::FileSystem;
using tas::fs::ext2::resolve;

struct Layout {
  uint32_t block_size;
  uint32_t inode_size;
};

class Ext2Files : public ::testing::TestWithParam<Layout> {
 protected:
  ImageOptions options() const {
    ImageOptions o;
    o.block_size = GetParam().block_size;
    o.inode_size = GetParam().inode_size;
    o.size_kib = 16384;
    return o;
  }
};

// Unmounts `fs`, saves the image and requires e2fsck to find it clean.
#define UNMOUNT_AND_FSCK(image, fs)                 \
  do {                                              \
    ASSERT_OK((fs)->unmount());                     \
    (image).save();                                 \
    const FsckResult check_ = fsck((image).file()); \
    EXPECT_TRUE(check_.clean) << check_.output;     \
  } while (0)

TEST_P(Ext2Files, WrittenFilesReadBackAndDebugfsSeesThem) {
  Image image(options());
  const std::string small = "hello, ext2\n";
  const std::string big = pattern(100 * 1024 + 7, 1);
  {
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(hello, fs->create(FileSystem::root(), "hello", 0644));
    ASSERT_TRUE(write_at(*fs, hello, 0, small));
    ASSERT_OK_VALUE(dir, fs->mkdir(FileSystem::root(), "dir", 0755));
    ASSERT_OK_VALUE(file, fs->create(dir, "big", 0600));
    ASSERT_TRUE(write_at(*fs, file, 0, big));
    EXPECT_EQ(read_all(*fs, hello), small);
    EXPECT_EQ(read_all(*fs, file), big);
    ASSERT_OK_VALUE(st, fs->stat(file));
    EXPECT_EQ(st.size, big.size());
    EXPECT_EQ(st.mode, 0100600);
    EXPECT_EQ(st.links, 1);
    UNMOUNT_AND_FSCK(image, fs);
  }
  EXPECT_EQ(debugfs(image.file(), "cat /hello"), small);
  EXPECT_EQ(debugfs(image.file(), "cat /dir/big"), big);
  const std::string st = debugfs(image.file(), "stat /dir/big");
  EXPECT_EQ(stat_field(st, "Size"), static_cast<int64_t>(big.size()));
  // Data blocks and the indirect block of a 100 KiB file, in 512-byte units.
  const uint32_t bs = GetParam().block_size;
  const uint64_t data_blocks = (big.size() + bs - 1) / bs;
  const uint64_t indirect = data_blocks > 12 ? 1 : 0;
  EXPECT_EQ(stat_field(st, "Blockcount"),
            static_cast<int64_t>((data_blocks + indirect) * bs / 512));

  // Mounted again, the files are still there.
  ASSERT_OK_VALUE(fs, image.mount());
  ASSERT_OK_VALUE(again, resolve(*fs, "/dir/big"));
  EXPECT_EQ(read_all(*fs, again), big);
  UNMOUNT_AND_FSCK(image, fs);
}

TEST_P(Ext2Files, HolesAndEveryIndirectTree) {
  Image image(options());
  const uint32_t bs = GetParam().block_size;
  const uint64_t p = bs / 4;
  // The first block of each tree, in bytes.
  const uint64_t single = 12ull * bs, dbl = (12 + p) * bs, triple = (12 + p + p * p) * bs;
  const std::string chunk = pattern(3000, 7);
  ASSERT_OK_VALUE(fs, image.mount());
  const uint32_t free_before = fs->volume_stats().free_blocks;
  ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "sparse", 0644));
  for (uint64_t at : {uint64_t{5}, single + 100, dbl + 10, triple + bs - 1})
    ASSERT_TRUE(write_at(*fs, ino, at, chunk)) << at;
  ASSERT_OK_VALUE(st, fs->stat(ino));
  EXPECT_EQ(st.size, triple + bs - 1 + chunk.size());
  // Holes read as zeros, data as written.
  std::string buffer(chunk.size() + 200, 'x');
  auto span = std::span<uint8_t>(reinterpret_cast<uint8_t*>(buffer.data()), buffer.size());
  ASSERT_OK_VALUE(n, fs->read(ino, dbl + 10 - 100, span));
  EXPECT_EQ(n, buffer.size());
  EXPECT_EQ(buffer.substr(0, 100), std::string(100, '\0'));
  EXPECT_EQ(buffer.substr(100, chunk.size()), chunk);
  EXPECT_EQ(buffer.substr(100 + chunk.size()), std::string(100, '\0'));
  if (bs == 4096) {
    // Past 4 GiB: the size's high half, and the large_file feature.
    EXPECT_GT(st.size, uint64_t{1} << 32);
  }
  const uint32_t used = free_before - fs->volume_stats().free_blocks;
  EXPECT_EQ(st.blocks, uint64_t{used} * bs / 512);
  UNMOUNT_AND_FSCK(image, fs);
  const std::string dstat = debugfs(image.file(), "stat /sparse");
  EXPECT_EQ(stat_field(dstat, "Size"), static_cast<int64_t>(st.size));
  EXPECT_EQ(stat_field(dstat, "Blockcount"), static_cast<int64_t>(st.blocks));
  // debugfs reads the data where it was written (the tree before the
  // triple one: a dump that stays small).
  ASSERT_OK_VALUE(fs2, image.mount());
  ASSERT_OK_VALUE(ino2, resolve(*fs2, "/sparse"));
  ASSERT_OK(fs2->truncate(ino2, dbl + 10 + chunk.size()));
  UNMOUNT_AND_FSCK(image, fs2);
  const std::string dumped = debugfs(image.file(), "cat /sparse");
  ASSERT_EQ(dumped.size(), dbl + 10 + chunk.size());
  EXPECT_EQ(dumped.substr(5, chunk.size()), chunk);
  EXPECT_EQ(dumped.substr(single + 100, chunk.size()), chunk);
  EXPECT_EQ(dumped.substr(dbl + 10, chunk.size()), chunk);
  EXPECT_EQ(dumped.substr(0, 5), std::string(5, '\0'));
}

TEST_P(Ext2Files, TruncateFreesBlocksAndGrowingReadsZeros) {
  Image image(options());
  const uint32_t bs = GetParam().block_size;
  ASSERT_OK_VALUE(fs, image.mount());
  const uint32_t free_before = fs->volume_stats().free_blocks;
  ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "f", 0644));
  const std::string data = pattern(300 * 1024, 3);
  ASSERT_TRUE(write_at(*fs, ino, 0, data));
  EXPECT_LT(fs->volume_stats().free_blocks, free_before - data.size() / bs);
  // Down to part of a block, then up again: what was cut reads as zeros.
  ASSERT_OK(fs->truncate(ino, 100));
  EXPECT_EQ(fs->volume_stats().free_blocks, free_before - 1);
  ASSERT_OK(fs->truncate(ino, 5000));
  std::string expected = data.substr(0, 100) + std::string(4900, '\0');
  EXPECT_EQ(read_all(*fs, ino), expected);
  // A write past the end leaves a hole, and the old tail stays zero.
  ASSERT_TRUE(write_at(*fs, ino, 9000, "tail"));
  expected += std::string(4000, '\0') + "tail";
  EXPECT_EQ(read_all(*fs, ino), expected);
  ASSERT_OK(fs->truncate(ino, 0));
  EXPECT_EQ(fs->volume_stats().free_blocks, free_before);
  ASSERT_OK(fs->truncate(ino, 50));
  EXPECT_EQ(read_all(*fs, ino), std::string(50, '\0'));
  EXPECT_EQ(fs->volume_stats().free_blocks, free_before);  // a hole
  ASSERT_OK(fs->truncate(ino, 3 * bs + 1));
  ASSERT_TRUE(write_at(*fs, ino, 0, "x"));
  UNMOUNT_AND_FSCK(image, fs);
  EXPECT_EQ(debugfs(image.file(), "cat /f"), "x" + std::string(3 * bs, '\0'));
  EXPECT_EQ(stat_field(debugfs(image.file(), "stat /f"), "Blockcount"), bs / 512);
}

TEST_P(Ext2Files, TimesComeFromTheClock) {
  Image image(options());
  image.now = 1000000;
  ASSERT_OK_VALUE(fs, image.mount());
  ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "t", 0644));
  image.now = 1000050;
  ASSERT_TRUE(write_at(*fs, ino, 0, "abc"));
  ASSERT_OK_VALUE(st, fs->stat(ino));
  EXPECT_EQ(st.atime, 1000000u);
  EXPECT_EQ(st.mtime, 1000050u);
  EXPECT_EQ(st.ctime, 1000050u);
  ASSERT_OK_VALUE(root, fs->stat(FileSystem::root()));
  EXPECT_EQ(root.mtime, 1000000u);  // the entry was added then
  image.now = 1000100;
  ASSERT_OK(fs->truncate(ino, 1));
  ASSERT_OK_VALUE(st2, fs->stat(ino));
  EXPECT_EQ(st2.mtime, 1000100u);
  UNMOUNT_AND_FSCK(image, fs);
  const std::string dstat = debugfs(image.file(), "stat /t");
  EXPECT_NE(dstat.find("mtime: 0x000f42a4"), std::string::npos) << dstat;  // 1000100
  EXPECT_NE(dstat.find("atime: 0x000f4240"), std::string::npos) << dstat;  // 1000000
}

TEST_P(Ext2Files, AnUnlinkedOpenFileLivesUntilClosed) {
  Image image(options());
  ASSERT_OK_VALUE(fs, image.mount());
  const auto before = fs->volume_stats();
  ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "open", 0644));
  ASSERT_TRUE(write_at(*fs, ino, 0, pattern(20000, 9)));
  ASSERT_OK(fs->open(ino));
  ASSERT_OK(fs->unlink(FileSystem::root(), "open"));
  EXPECT_ERROR(fs->lookup(FileSystem::root(), "open"), Error::not_found);
  EXPECT_EQ(read_all(*fs, ino), pattern(20000, 9));
  ASSERT_TRUE(write_at(*fs, ino, 20000, "more"));
  ASSERT_OK_VALUE(st, fs->stat(ino));
  EXPECT_EQ(st.links, 0);
  EXPECT_ERROR(fs->link(FileSystem::root(), "back", ino), Error::not_found);
  ASSERT_OK(fs->close(ino));
  EXPECT_ERROR(fs->stat(ino), Error::not_found);
  EXPECT_EQ(fs->volume_stats().free_blocks, before.free_blocks);
  EXPECT_EQ(fs->volume_stats().free_inodes, before.free_inodes);
  EXPECT_ERROR(fs->close(ino), Error::not_found);
  // One still open at unmount goes then.
  ASSERT_OK_VALUE(ino2, fs->create(FileSystem::root(), "open2", 0644));
  ASSERT_TRUE(write_at(*fs, ino2, 0, pattern(5000, 2)));
  ASSERT_OK(fs->open(ino2));
  ASSERT_OK(fs->open(ino2));
  ASSERT_OK(fs->unlink(FileSystem::root(), "open2"));
  ASSERT_OK(fs->close(ino2));
  EXPECT_EQ(read_all(*fs, ino2), pattern(5000, 2));
  UNMOUNT_AND_FSCK(image, fs);
  ASSERT_OK_VALUE(fs2, image.mount(true));
  EXPECT_EQ(fs2->volume_stats().free_inodes, before.free_inodes);
  EXPECT_EQ(fs2->volume_stats().free_blocks, before.free_blocks);
}

TEST_P(Ext2Files, ReadOnlyMountChangesNothing) {
  Image image(options());
  {
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "f", 0644));
    ASSERT_TRUE(write_at(*fs, ino, 0, "data"));
    ASSERT_OK(fs->unmount());
  }
  const std::vector<uint8_t> bytes = image.disk().bytes();
  const uint64_t writes = image.disk().writes();
  ASSERT_OK_VALUE(fs, image.mount(true));
  ASSERT_OK_VALUE(ino, resolve(*fs, "/f"));
  EXPECT_EQ(read_all(*fs, ino), "data");
  EXPECT_ERROR(fs->create(FileSystem::root(), "g", 0644), Error::read_only);
  EXPECT_ERROR(fs->mkdir(FileSystem::root(), "g", 0755), Error::read_only);
  EXPECT_ERROR(fs->unlink(FileSystem::root(), "f"), Error::read_only);
  EXPECT_ERROR(fs->truncate(ino, 0), Error::read_only);
  std::string x = "x";
  EXPECT_ERROR(
      fs->write(ino, 0, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(x.data()), 1)),
      Error::read_only);
  EXPECT_ERROR(fs->rename(FileSystem::root(), "f", FileSystem::root(), "g"), Error::read_only);
  ASSERT_OK(fs->unmount());
  EXPECT_TRUE(image.disk().bytes() == bytes);
  EXPECT_EQ(image.disk().writes(), writes);
}

TEST_P(Ext2Files, SyncLeavesACleanImageAndUnmountMarksItClean) {
  Image image(options());
  ASSERT_OK_VALUE(fs, image.mount());
  ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "f", 0644));
  ASSERT_TRUE(write_at(*fs, ino, 0, pattern(70000, 4)));
  ASSERT_OK(fs->sync());
  image.save();
  const FsckResult synced = fsck(image.file());
  EXPECT_TRUE(synced.clean) << synced.output;
  EXPECT_NE(debugfs(image.file(), "stats").find("Filesystem state:         not clean"),
            std::string::npos);
  EXPECT_EQ(debugfs(image.file(), "cat /f"), pattern(70000, 4));
  UNMOUNT_AND_FSCK(image, fs);
  const std::string stats = debugfs(image.file(), "stats");
  EXPECT_NE(stats.find("Filesystem state:         clean"), std::string::npos) << stats;
  EXPECT_NE(stats.find("Mount count:              1"), std::string::npos) << stats;
}

TEST_P(Ext2Files, AFullVolumeSaysNoSpaceAndStaysConsistent) {
  ImageOptions o = options();
  o.size_kib = 1024;
  o.extra = "-N 64 -m 0";
  Image image(o);
  ASSERT_OK_VALUE(fs, image.mount());
  const auto before = fs->volume_stats();
  ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "fill", 0644));
  const std::string chunk = pattern(64 * 1024, 5);
  uint64_t written = 0;
  for (;;) {
    auto n = fs->write(
        ino, written,
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()));
    if (!n) {
      EXPECT_EQ(n.error(), Error::no_space);
      break;
    }
    written += *n;
    if (*n < chunk.size()) {
      // A short write: the next one finds no room at all.
      EXPECT_ERROR(
          fs->write(ino, written,
                    std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(chunk.data()), 1)),
          Error::no_space);
      break;
    }
  }
  EXPECT_EQ(fs->volume_stats().free_blocks, 0u);
  ASSERT_OK_VALUE(st, fs->stat(ino));
  EXPECT_EQ(st.size, written);
  // New files get inodes but no blocks, and directories nothing at all.
  ASSERT_OK_VALUE(empty, fs->create(FileSystem::root(), "empty", 0644));
  EXPECT_ERROR(fs->mkdir(FileSystem::root(), "dir", 0755), Error::no_space);
  EXPECT_EQ(fs->volume_stats().free_inodes, before.free_inodes - 2);
  ASSERT_TRUE(!write_at(*fs, empty, 0, "x"));
  UNMOUNT_AND_FSCK(image, fs);
  EXPECT_EQ(stat_field(debugfs(image.file(), "stat /fill"), "Size"), static_cast<int64_t>(written));

  // Freed, the space is there again; inodes run out as well.
  ASSERT_OK_VALUE(fs2, image.mount());
  ASSERT_OK(fs2->unlink(FileSystem::root(), "fill"));
  EXPECT_EQ(fs2->volume_stats().free_blocks, before.free_blocks);
  int made = 0;
  for (;; ++made) {
    auto r = fs2->create(FileSystem::root(), "n" + std::to_string(made), 0644);
    if (!r) {
      EXPECT_EQ(r.error(), Error::no_space);
      break;
    }
  }
  EXPECT_EQ(fs2->volume_stats().free_inodes, 0u);
  EXPECT_GT(made, 40);
  UNMOUNT_AND_FSCK(image, fs2);
}

TEST_P(Ext2Files, DeviceErrorsAreErrors) {
  Image image(options());
  ASSERT_OK_VALUE(fs, image.mount(false, 16));
  ASSERT_OK_VALUE(ino, fs->create(FileSystem::root(), "f", 0644));
  ASSERT_TRUE(write_at(*fs, ino, 0, pattern(4096, 1)));
  image.disk().fail_writes_after(0);
  EXPECT_ERROR(fs->sync(), Error::io_error);
  // Reads of what is not cached fail too.
  image.disk().fail_writes_after(-1);
  ASSERT_OK(fs->sync());
  const std::string big = pattern(200 * 1024, 2);
  ASSERT_TRUE(write_at(*fs, ino, 0, big));
  ASSERT_OK(fs->sync());
  // A sample of the device's first 4 MiB, where the file and its metadata are.
  for (uint64_t b = 0; b < 8192 && b < image.disk().block_count(); b += 61) {
    image.disk().fail_reads_of(b);
    (void)read_all(*fs, ino);  // whatever block is hit: an error, no crash
  }
  image.disk().fail_reads_of(~uint64_t{0});
  EXPECT_EQ(read_all(*fs, ino), big);
  UNMOUNT_AND_FSCK(image, fs);
}

// A read-write mount writes nothing until the first change, which marks
// the volume in use (not clean, one more mount) before anything else.
TEST_P(Ext2Files, AMountWritesNothingUntilTheFirstChange) {
  Image image(options());
  const std::vector<uint8_t> before = image.disk().bytes();
  {
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(etc, fs->lookup(FileSystem::root(), "lost+found"));
    ASSERT_OK(fs->stat(etc));
    ASSERT_OK(fs->sync());
    ASSERT_OK(fs->unmount());
  }
  EXPECT_TRUE(image.disk().bytes() == before);
  EXPECT_EQ(image.disk().writes(), 0u);
  ASSERT_OK_VALUE(fs, image.mount());
  EXPECT_ERROR(fs->create(FileSystem::root(), "a/b", 0644), Error::invalid_argument);
  const uint64_t writes = image.disk().writes();
  EXPECT_GT(writes, 0u);  // the mark, even for a change refused
  image.save();
  std::string stats = debugfs(image.file(), "stats");
  EXPECT_NE(stats.find("Filesystem state:         not clean"), std::string::npos) << stats;
  EXPECT_NE(stats.find("Mount count:              1"), std::string::npos) << stats;
  ASSERT_OK(fs->create(FileSystem::root(), "f", 0644));
  UNMOUNT_AND_FSCK(image, fs);
  stats = debugfs(image.file(), "stats");
  EXPECT_NE(stats.find("Filesystem state:         clean"), std::string::npos) << stats;
  EXPECT_NE(stats.find("Mount count:              1"), std::string::npos) << stats;
}

// An inode number made again has a new generation: what named the old file
// by number and generation is told apart.
TEST_P(Ext2Files, AnInodeMadeAgainHasANewGeneration) {
  Image image(options());
  ASSERT_OK_VALUE(fs, image.mount());
  ASSERT_OK_VALUE(first, fs->create(FileSystem::root(), "f", 0644));
  ASSERT_OK_VALUE(s1, fs->stat(first));
  ASSERT_OK(fs->unlink(FileSystem::root(), "f"));
  EXPECT_ERROR(fs->stat(first), Error::not_found);
  ASSERT_OK_VALUE(again, fs->create(FileSystem::root(), "g", 0644));
  ASSERT_EQ(again, first);  // the lowest free number again
  ASSERT_OK_VALUE(s2, fs->stat(again));
  EXPECT_EQ(s2.generation, s1.generation + 1);
  ASSERT_OK_VALUE(dir, fs->mkdir(FileSystem::root(), "d", 0755));
  ASSERT_OK_VALUE(sd, fs->stat(dir));
  UNMOUNT_AND_FSCK(image, fs);
  // On the disk, where the next mount (a restarted server) finds it.
  const std::string stat = debugfs(image.file(), "stat /g");
  EXPECT_EQ(stat_field(stat, "Generation"), int64_t{s2.generation}) << stat;
  EXPECT_EQ(stat_field(debugfs(image.file(), "stat /d"), "Generation"), int64_t{sd.generation});
}

// abandon() drops what was not written back; the next mount finds the
// volume as it was at the last sync.
TEST_P(Ext2Files, AbandonForgetsWhatWasNotWrittenBack) {
  Image image(options());
  {
    ASSERT_OK_VALUE(fs, image.mount());
    ASSERT_OK_VALUE(kept, fs->create(FileSystem::root(), "kept", 0644));
    ASSERT_TRUE(write_at(*fs, kept, 0, pattern(5000, 3)));
    ASSERT_OK(fs->sync());
    const uint64_t writes = image.disk().writes();
    ASSERT_OK_VALUE(lost, fs->create(FileSystem::root(), "lost", 0644));
    ASSERT_TRUE(write_at(*fs, lost, 0, pattern(5000, 4)));
    ASSERT_TRUE(write_at(*fs, kept, 5000, pattern(100, 5)));
    fs->abandon();
    EXPECT_ERROR(fs->stat(kept), Error::invalid_argument);
    EXPECT_ERROR(fs->sync(), Error::invalid_argument);
    EXPECT_EQ(image.disk().writes(), writes);
  }
  ASSERT_OK_VALUE(fs, image.mount());
  EXPECT_ERROR(fs->lookup(FileSystem::root(), "lost"), Error::not_found);
  ASSERT_OK_VALUE(kept, fs->lookup(FileSystem::root(), "kept"));
  EXPECT_EQ(read_all(*fs, kept), pattern(5000, 3));
  UNMOUNT_AND_FSCK(image, fs);
}

INSTANTIATE_TEST_SUITE_P(Layouts, Ext2Files,
                         ::testing::Values(Layout{1024, 128}, Layout{1024, 256}, Layout{2048, 256},
                                           Layout{4096, 256}),
                         [](const auto& info) {
                           return std::to_string(info.param.block_size) + "b_" +
                                  std::to_string(info.param.inode_size) + "i";
                         });

}  // namespace
