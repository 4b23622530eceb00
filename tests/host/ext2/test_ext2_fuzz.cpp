// Corrupted volumes: random bytes of the superblock, the group
// descriptors, the bitmaps, the inodes, directory and indirect blocks of a
// populated image are changed, then the volume is mounted, walked, read
// and changed. Every call must end in a result -- an error or a sane value
// -- never a crash, a hang or a sanitizer report (ASan and UBSan are on).
//
// EXT2_FUZZ_SEED and EXT2_FUZZ_RUNS override the seed and the count.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "ext2_support.h"

namespace {

using namespace ext2_test;
using tas::fs::ext2::DirEntry;
using tas::fs::ext2::FileSystem;
using tas::fs::ext2::FileType;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 0) : fallback;
}

struct Region {
  uint64_t offset;
  uint64_t length;
};

// The block numbers debugfs "blocks PATH" prints (data and indirect).
std::vector<uint64_t> blocks_of(const std::filesystem::path& image, const std::string& path) {
  std::vector<uint64_t> out;
  std::istringstream in(debugfs(image, "blocks " + path));
  for (uint64_t b; in >> b;) out.push_back(b);
  return out;
}

// Counts what a walk did, to see that the runs reach past mount.
struct Tally {
  int mounted = 0;
  int walked_entries = 0;
  int changes_ok = 0;
};

class Walker {
 public:
  Walker(FileSystem& fs, Tally& tally) : fs_(fs), tally_(tally) {}

  // Reads everything reachable from `dir`, within limits that keep a
  // looped or huge corrupt tree finite.
  void walk(uint32_t dir, int depth) {
    if (depth > 6) return;
    uint64_t cookie = 0;
    DirEntry e;
    for (int n = 0; n < 300; ++n) {
      auto more = fs_.read_dir(dir, cookie, e);
      if (!more || !*more) return;
      ++tally_.walked_entries;
      (void)fs_.lookup(dir, e.name_view());
      auto st = fs_.stat(e.ino);
      if (!st) continue;
      if (st->type == FileType::directory && e.name_view() != "." && e.name_view() != "..") {
        walk(e.ino, depth + 1);
      } else if (st->type == FileType::regular) {
        uint8_t buffer[8192];
        (void)fs_.read(e.ino, 0, buffer);
        (void)fs_.read(e.ino, st->size > 4096 ? st->size - 4096 : 0, buffer);
      } else if (st->type == FileType::symlink) {
        char target[64];
        (void)fs_.read_link(e.ino, target);
      }
      last_file_ = st->type == FileType::regular ? e.ino : last_file_;
      last_dir_ = st->type == FileType::directory ? e.ino : last_dir_;
    }
  }

  // Changes some things; errors are fine.
  void change() {
    const uint32_t root = FileSystem::root();
    const uint8_t data[3000] = {1, 2, 3};
    if (auto f = fs_.create(root, "fuzz-new", 0644); f) {
      ++tally_.changes_ok;
      (void)fs_.write(*f, 5000, data);
      (void)fs_.truncate(*f, 100);
    }
    (void)fs_.mkdir(last_dir_, "fuzz-dir", 0755);
    if (last_file_ != 0) {
      (void)fs_.write(last_file_, 70000, data);
      (void)fs_.truncate(last_file_, 10);
      (void)fs_.link(last_dir_, "fuzz-link", last_file_);
    }
    (void)fs_.rename(root, "fuzz-new", last_dir_, "fuzz-moved");
    (void)fs_.rename(root, "a", last_dir_, "fuzz-a");
    (void)fs_.unlink(last_dir_, "fuzz-moved");
    (void)fs_.unlink(root, "file1");
    (void)fs_.rmdir(root, "empty");
    (void)fs_.rmdir(last_dir_, "fuzz-dir");
    (void)fs_.sync();
  }

 private:
  FileSystem& fs_;
  Tally& tally_;
  uint32_t last_file_ = 0;
  uint32_t last_dir_ = FileSystem::root();
};

class Ext2Fuzz : public ::testing::TestWithParam<uint32_t> {};

TEST_P(Ext2Fuzz, CorruptVolumesGiveErrorsNotCrashes) {
  const uint32_t bs = GetParam();
  TempDir source;
  {
    const auto& root = source.path();
    std::filesystem::create_directories(root / "a" / "b");
    std::filesystem::create_directory(root / "empty");
    std::ofstream(root / "file1") << pattern(100, 1);
    std::ofstream(root / "a" / "big") << pattern(300000, 2);
    std::ofstream(root / "a" / "b" / "small") << "small";
    for (int i = 0; i < 60; ++i) std::ofstream(root / "a" / ("n" + std::to_string(i))) << i;
    std::filesystem::create_symlink("file1", root / "link");
  }
  ImageOptions o;
  o.block_size = bs;
  o.size_kib = 4096;
  o.populate_from = source.path().string();
  Image image(o);
  const std::vector<uint8_t> good = image.disk().bytes();

  // Where the metadata is: superblock, descriptors, bitmaps and the first
  // inodes of group 0, the directories' blocks, the big file's indirect blocks.
  std::vector<Region> regions = {{1024, 1024}, {uint64_t{bs == 1024 ? 2u : 1u} * bs, bs}};
  uint32_t desc[3];
  std::memcpy(desc, &good[(bs == 1024 ? 2 : 1) * bs], sizeof desc);
  regions.push_back({uint64_t{desc[0]} * bs, bs});
  regions.push_back({uint64_t{desc[1]} * bs, bs});
  regions.push_back({uint64_t{desc[2]} * bs, 80 * 256});
  for (const char* dir : {"/", "/a", "/a/b", "/lost+found"}) {
    for (uint64_t b : blocks_of(image.file(), dir)) regions.push_back({b * bs, bs});
  }
  const auto big = blocks_of(image.file(), "/a/big");
  ASSERT_GT(big.size(), 12u);
  regions.push_back({big[12] * bs, bs});  // the first indirect block
  regions.push_back({big.back() * bs, bs});

  const uint64_t seed = env_or("EXT2_FUZZ_SEED", 7) + bs;
  const uint64_t runs = env_or("EXT2_FUZZ_RUNS", 250);
  SCOPED_TRACE("EXT2_FUZZ_SEED=" + std::to_string(seed - bs));
  std::mt19937_64 rng(seed);
  Tally tally;
  for (uint64_t run = 0; run < runs; ++run) {
    std::vector<uint8_t> bytes = good;
    const Region& r = regions[rng() % regions.size()];
    if (rng() % 4 == 0) {
      // A stretch of garbage.
      const uint64_t length = 1 + rng() % 64;
      const uint64_t at = r.offset + rng() % (r.length > length ? r.length - length : 1);
      for (uint64_t i = 0; i < length; ++i) bytes[at + i] = static_cast<uint8_t>(rng());
    } else {
      // A few bytes, or single bits.
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int i = 0; i < flips; ++i) {
        const uint64_t at = r.offset + rng() % r.length;
        bytes[at] = rng() % 3 == 0 ? static_cast<uint8_t>(bytes[at] ^ (1u << (rng() % 8)))
                                   : static_cast<uint8_t>(rng());
      }
    }
    MemoryDisk disk(std::move(bytes));
    tas::fs::ext2::MountOptions options;
    options.cache_blocks = 16;
    auto fs = FileSystem::mount(disk, options);
    if (!fs) continue;
    ++tally.mounted;
    Walker walker(**fs, tally);
    walker.walk(FileSystem::root(), 0);
    walker.change();
    walker.walk(FileSystem::root(), 0);
    (void)(*fs)->unmount();
  }
  std::printf("ext2 fuzz (%u-byte blocks): %llu runs, %d mounted, %d entries walked, %d creates\n",
              bs, static_cast<unsigned long long>(runs), tally.mounted, tally.walked_entries,
              tally.changes_ok);
  // Most corruptions are of files and directories, not of what mount checks.
  EXPECT_GT(tally.mounted, static_cast<int>(runs / 2));
  EXPECT_GT(tally.walked_entries, static_cast<int>(runs));
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, Ext2Fuzz, ::testing::Values(1024u, 4096u),
                         [](const auto& info) { return std::to_string(info.param) + "b"; });

}  // namespace
