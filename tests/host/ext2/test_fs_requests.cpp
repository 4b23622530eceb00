// The file-system server's protocol (tas/servers/fs: request paths, packed
// directory entries, FsRequests) on images made by mke2fs: requests in,
// replies out, the image checked by e2fsck -fn and debugfs afterwards.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "ext2_support.h"
#include "rebound/ipc_bulk.h"
#include "servers/fs/dirent_packer.h"
#include "servers/fs/fs_requests.h"
#include "servers/fs/request_paths.h"

namespace {

using namespace ext2_test;
using tas::fs::DirentPacker;
using tas::fs::FsBulk;
using tas::fs::FsMessage;
using tas::fs::FsRequests;
using tas::fs::PathCopies;
using tas::fs::take_paths;
using tas::fs::ext2::FileSystem;

std::vector<uint8_t> page_with(const std::string& bytes) {
  std::vector<uint8_t> page(REBOUND_IPC_BUFFER_SIZE, 0xEE);
  std::memcpy(page.data(), bytes.data(), bytes.size());
  return page;
}

TEST(FsRequestPaths, OneOrTwoPathsAreCopiedOut) {
  PathCopies copies;
  std::vector<uint8_t> page = page_with(std::string("/a/b\0c/d", 9));
  ASSERT_OK_VALUE(one, take_paths(page, 1, copies));
  EXPECT_EQ(one.first, "/a/b");
  EXPECT_TRUE(one.second.empty());
  ASSERT_OK_VALUE(two, take_paths(page, 2, copies));
  EXPECT_EQ(two.first, "/a/b");
  EXPECT_EQ(two.second, "c/d");
  // Copies: the page may change under the server.
  page[1] = 'X';
  EXPECT_EQ(two.first, "/a/b");
  EXPECT_NE(static_cast<const void*>(two.first.data()), static_cast<const void*>(page.data()));
  ASSERT_OK_VALUE(empty, take_paths(page_with(std::string("\0", 1)), 1, copies));
  EXPECT_TRUE(empty.first.empty());
}

TEST(FsRequestPaths, BadPathsAreClearErrors) {
  PathCopies copies;
  EXPECT_ERROR(take_paths({}, 1, copies), Error::bad_address);  // no message buffer
  std::vector<uint8_t> full(REBOUND_IPC_BUFFER_SIZE, 'a');
  EXPECT_ERROR(take_paths(full, 1, copies), Error::invalid_argument);  // no NUL at all
  // The longest path there may be, and one byte more.
  std::string longest(REBOUND_FS_PATH_MAX - 1, 'p');
  ASSERT_OK_VALUE(ok, take_paths(page_with(longest + '\0'), 1, copies));
  EXPECT_EQ(ok.first.size(), size_t{REBOUND_FS_PATH_MAX - 1});
  EXPECT_ERROR(take_paths(page_with(longest + "p" + '\0'), 1, copies), Error::name_too_long);
  // A second path that runs off the page.
  std::vector<uint8_t> page = page_with(std::string("first\0", 6));
  for (size_t i = 6; i < page.size(); ++i) page[i] = 's';
  EXPECT_ERROR(take_paths(page, 2, copies), Error::invalid_argument);
  EXPECT_ERROR(take_paths(page_with("x"), 3, copies), Error::invalid_argument);
}

TEST(FsDirentPacker, EntriesArePackedAlignedUntilFull) {
  EXPECT_EQ(tas::fs::dirent_size(1), 16u);  // 8 + "a" + NUL, padded
  EXPECT_EQ(tas::fs::dirent_size(7), 16u);
  EXPECT_EQ(tas::fs::dirent_size(8), 24u);
  EXPECT_EQ(tas::fs::dirent_size(255), 264u);
  std::vector<uint8_t> out(64, 0xEE);
  DirentPacker packer(out);
  EXPECT_TRUE(packer.add(11, REBOUND_FS_DT_REGULAR, "a"));
  EXPECT_TRUE(packer.add(12, REBOUND_FS_DT_DIRECTORY, "longer-name"));
  EXPECT_FALSE(packer.add(13, REBOUND_FS_DT_REGULAR, "does-not-fit-anymore"));
  EXPECT_TRUE(packer.add(14, REBOUND_FS_DT_REGULAR, "fits"));
  EXPECT_EQ(packer.count(), 3u);
  EXPECT_EQ(packer.used(), 16u + 24u + 16u);
  EXPECT_FALSE(packer.add(15, 0, std::string(256, 'n')));
  // Read back as a client does.
  std::vector<std::string> names;
  std::vector<uint32_t> inos;
  for (size_t at = 0; at < packer.used();) {
    rebound_fs_dirent d;
    std::memcpy(&d, out.data() + at, sizeof d);
    ASSERT_EQ(d.size % 8, 0u);
    const char* name = REBOUND_FS_DIRENT_NAME(out.data() + at);
    EXPECT_EQ(name[d.name_length], '\0');
    names.emplace_back(name, d.name_length);
    inos.push_back(d.ino);
    at += d.size;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "longer-name", "fits"}));
  EXPECT_EQ(inos, (std::vector<uint32_t>{11, 12, 14}));
  EXPECT_EQ(out[16 + 8 + 11], 0);  // the NUL after "longer-name" and the padding
  EXPECT_EQ(out[16 + 23], 0);
}

// A client of FsRequests: a payload page and memory to lend, as user
// programs have.
class FsProtocol : public ::testing::TestWithParam<uint32_t> {
 protected:
  FsProtocol() : image_(make_options()) {}
  static ImageOptions make_options() {
    ImageOptions o;
    o.block_size = GetParam();
    o.size_kib = 16384;
    return o;
  }
  void SetUp() override {
    auto fs = image_.mount(false, 256);
    ASSERT_TRUE(fs.has_value()) << rebound::to_string(fs.error());
    fs_ = std::move(*fs);
  }

  // A request with paths in the page (each NUL-terminated).
  FsMessage call(uint64_t op, uint64_t w1 = 0, uint64_t w2 = 0, uint64_t w3 = 0,
                 const std::string& path = "", const std::string& second = "") {
    std::string bytes = path + '\0' + second + '\0';
    std::memcpy(page_.data(), bytes.data(), bytes.size());
    FsMessage m{{op, w1, w2, w3, 0, 0}};
    return requests_.handle(*fs_, m, FsBulk{page_, {}, false});
  }
  FsMessage call_lending(uint64_t op, uint64_t w1, uint64_t w2, uint64_t w3,
                         std::vector<uint8_t>& lent, bool writable) {
    FsMessage m{{op, w1, w2, w3, 0, 0}};
    return requests_.handle(*fs_, m, FsBulk{page_, lent, writable});
  }
  // The id of `path`, 0 if the lookup fails.
  uint64_t id_of(const std::string& path) {
    const FsMessage r = call(REBOUND_FS_LOOKUP, 0, 0, 0, path);
    return r.w[0] == 0 ? r.w[1] : 0;
  }
  static Error status(const FsMessage& r) { return static_cast<Error>(r.w[0]); }
  // Every name READDIR gives for `dir`, with `room` bytes of buffer a call.
  std::set<std::string> list(uint64_t dir, size_t room, unsigned* calls = nullptr) {
    std::set<std::string> names;
    uint64_t cookie = 0;
    for (unsigned n = 1;; ++n) {
      FsMessage m{{REBOUND_FS_READDIR, dir, cookie, 0, 0, 0}};
      const FsMessage r =
          requests_.handle(*fs_, m, FsBulk{std::span<uint8_t>(page_.data(), room), {}, false});
      EXPECT_EQ(r.w[0], 0u);
      if (r.w[0] != 0) break;
      size_t at = 0;
      for (uint64_t i = 0; i < r.w[1]; ++i) {
        rebound_fs_dirent d;
        std::memcpy(&d, page_.data() + at, sizeof d);
        names.emplace(REBOUND_FS_DIRENT_NAME(page_.data() + at), d.name_length);
        at += d.size;
      }
      cookie = r.w[2];
      if (r.w[3] == 1) {
        if (calls) *calls = n;
        break;
      }
      EXPECT_GT(r.w[1], 0u) << "no progress";
      if (r.w[1] == 0) break;
    }
    return names;
  }
  void check_clean() {
    ASSERT_OK(fs_->unmount());
    image_.save();
    const FsckResult r = fsck(image_.file());
    EXPECT_TRUE(r.clean) << r.output;
  }

  Image image_;
  std::unique_ptr<FileSystem> fs_;
  FsRequests requests_;
  std::vector<uint8_t> page_ = std::vector<uint8_t>(REBOUND_IPC_BUFFER_SIZE);
};

TEST_P(FsProtocol, FilesAndDirectoriesThroughRequests) {
  const FsMessage root = call(REBOUND_FS_LOOKUP, 0, 0, 0, "/");
  ASSERT_EQ(root.w[0], 0u);
  EXPECT_EQ(REBOUND_FS_ID_INO(root.w[1]), 2u);
  EXPECT_EQ(root.w[3] & REBOUND_FS_TYPE_MASK, REBOUND_FS_TYPE_DIRECTORY);

  const FsMessage top = call(REBOUND_FS_MKDIR, 0, 0755, 0, "/top");
  ASSERT_EQ(top.w[0], 0u);
  EXPECT_EQ(top.w[3], REBOUND_FS_TYPE_DIRECTORY | 0755);
  EXPECT_EQ(top.w[4], 2u);  // links: its name and "."
  // Relative to a directory id.
  ASSERT_EQ(call(REBOUND_FS_MKDIR, top.w[1], 0700, 0, "sub").w[0], 0u);
  const FsMessage f = call(REBOUND_FS_CREATE, top.w[1], 0640, 0, "sub/file");
  ASSERT_EQ(f.w[0], 0u);
  EXPECT_EQ(f.w[2], 0u);
  EXPECT_EQ(f.w[3], REBOUND_FS_TYPE_REGULAR | 0640);
  EXPECT_EQ(id_of("/top/sub/file"), f.w[1]);
  EXPECT_EQ(id_of("/top/./sub/../sub//file"), f.w[1]);

  // Data through the payload page, at an offset in it.
  const std::string hello = "hello, fs\n";
  std::memcpy(page_.data() + 100, hello.data(), hello.size());
  FsMessage m{{REBOUND_FS_WRITE, f.w[1], 0, hello.size() | uint64_t{100} << 32, 0, 0}};
  FsMessage w = requests_.handle(*fs_, m, FsBulk{page_, {}, false});
  ASSERT_EQ(w.w[0], 0u);
  EXPECT_EQ(w.w[1], hello.size());
  EXPECT_EQ(w.w[2], hello.size());
  std::memset(page_.data(), 0, 64);
  const FsMessage r = call(REBOUND_FS_READ, f.w[1], 0, 64);
  ASSERT_EQ(r.w[0], 0u);
  EXPECT_EQ(r.w[1], hello.size());  // short: the end of the file
  EXPECT_EQ(std::string(reinterpret_cast<char*>(page_.data()), hello.size()), hello);

  // STAT fills the full struct in.
  const FsMessage st = call(REBOUND_FS_STAT, f.w[1]);
  ASSERT_EQ(st.w[0], 0u);
  rebound_fs_stat full;
  std::memcpy(&full, page_.data(), sizeof full);
  EXPECT_EQ(full.id, f.w[1]);
  EXPECT_EQ(full.size, hello.size());
  EXPECT_EQ(full.mode, REBOUND_FS_TYPE_REGULAR | 0640);
  EXPECT_EQ(full.links, 1u);
  EXPECT_EQ(full.mtime, image_.now);
  EXPECT_GT(full.blocks, 0u);

  // More than 64 KiB through lent memory, read back through lent memory.
  const std::string big = pattern(200000, 9);
  std::vector<uint8_t> lent(big.begin(), big.end());
  const FsMessage c = call(REBOUND_FS_CREATE, 0, 0644, 0, "/top/big");
  ASSERT_EQ(c.w[0], 0u);
  w = call_lending(REBOUND_FS_WRITE, c.w[1], 0, big.size(), lent, false);
  ASSERT_EQ(w.w[0], 0u);
  EXPECT_EQ(w.w[1], big.size());
  std::vector<uint8_t> back(big.size() + 4096, 0);
  EXPECT_EQ(status(call_lending(REBOUND_FS_READ, c.w[1], 0, big.size(), back, false)),
            Error::access_denied);
  EXPECT_EQ(status(call_lending(REBOUND_FS_READ, c.w[1], 0, back.size() + 1, back, true)),
            Error::invalid_argument);  // past the loan
  EXPECT_EQ(status(call_lending(REBOUND_FS_READ, c.w[1], 0, 10 | uint64_t{back.size()} << 32, back,
                                true)),
            Error::invalid_argument);
  const FsMessage rb2 =
      call_lending(REBOUND_FS_READ, c.w[1], 0, big.size() | uint64_t{4096} << 32, back, true);
  ASSERT_EQ(rb2.w[0], 0u);
  EXPECT_EQ(rb2.w[1], big.size());
  EXPECT_EQ(std::string(back.begin() + 4096, back.end()), big);
  EXPECT_EQ(requests_.changes(), 9u);  // mkdir x2, create x2, writes: 1 + 4 chunks
  EXPECT_EQ(fs_->cache_stats().early_writes, 0u);

  // Renamed across directories, a tree removed bottom up.
  ASSERT_EQ(call(REBOUND_FS_RENAME, 0, 0, 0, "/top/sub/file", "/top/moved").w[0], 0u);
  EXPECT_EQ(id_of("/top/moved"), f.w[1]);  // the same file, the same id
  EXPECT_EQ(status(call(REBOUND_FS_LOOKUP, 0, 0, 0, "/top/sub/file")), Error::not_found);
  EXPECT_EQ(list(top.w[1], 4096), (std::set<std::string>{".", "..", "sub", "moved", "big"}));
  ASSERT_EQ(call(REBOUND_FS_LINK, 0, 0, 0, "/top/moved", "/top/sub/second").w[0], 0u);
  EXPECT_EQ(call(REBOUND_FS_STAT, f.w[1]).w[4], 2u);
  ASSERT_EQ(call(REBOUND_FS_TRUNCATE, c.w[1], 5000).w[0], 0u);
  EXPECT_EQ(call(REBOUND_FS_STAT, c.w[1]).w[2], 5000u);
  check_clean();
  EXPECT_EQ(debugfs(image_.file(), "cat /top/moved"), hello);
  EXPECT_EQ(debugfs(image_.file(), "cat /top/sub/second"), hello);
  EXPECT_EQ(debugfs(image_.file(), "cat /top/big"), big.substr(0, 5000));
}

TEST_P(FsProtocol, ErrorsAreTheFileSystemsAndStaleIdsAreCaught) {
  ASSERT_EQ(call(REBOUND_FS_MKDIR, 0, 0755, 0, "/d").w[0], 0u);
  const FsMessage f = call(REBOUND_FS_CREATE, 0, 0644, 0, "/d/f");
  ASSERT_EQ(f.w[0], 0u);
  EXPECT_EQ(status(call(REBOUND_FS_CREATE, 0, 0644 | REBOUND_FS_CREATE_EXCLUSIVE, 0, "/d/f")),
            Error::already_exists);
  EXPECT_EQ(call(REBOUND_FS_CREATE, 0, 0644, 0, "/d/f").w[1], f.w[1]);  // opened again
  EXPECT_EQ(status(call(REBOUND_FS_CREATE, 0, 0644, 0, "/d")), Error::is_a_directory);
  EXPECT_EQ(status(call(REBOUND_FS_CREATE, 0, 0644 | 1u << 20, 0, "/d/g")),
            Error::invalid_argument);
  EXPECT_EQ(status(call(REBOUND_FS_MKDIR, 0, 0755, 0, "/d")), Error::already_exists);
  EXPECT_EQ(status(call(REBOUND_FS_MKDIR, 0, 0755, 0, "/nope/x")), Error::not_found);
  EXPECT_EQ(status(call(REBOUND_FS_MKDIR, 0, 0755, 0, "/d/f/x")), Error::not_a_directory);
  EXPECT_EQ(status(call(REBOUND_FS_RMDIR, 0, 0, 0, "/d")), Error::not_empty);
  EXPECT_EQ(status(call(REBOUND_FS_RMDIR, 0, 0, 0, "/d/f")), Error::not_a_directory);
  EXPECT_EQ(status(call(REBOUND_FS_UNLINK, 0, 0, 0, "/d")), Error::is_a_directory);
  EXPECT_EQ(status(call(REBOUND_FS_READ, id_of("/d"), 0, 10)), Error::is_a_directory);
  EXPECT_EQ(status(call(REBOUND_FS_READDIR, f.w[1], 0)), Error::not_a_directory);
  EXPECT_EQ(status(call(REBOUND_FS_RENAME, 0, 0, 0, "/d", "/d/below")), Error::invalid_argument);
  EXPECT_EQ(status(call(REBOUND_FS_LOOKUP, 0, 0, 0, "/" + std::string(256, 'n'))),
            Error::name_too_long);
  EXPECT_EQ(status(call(REBOUND_FS_READ, f.w[1], 0, REBOUND_FS_IO_MAX + 1)),
            Error::invalid_argument);
  EXPECT_EQ(status(call(REBOUND_FS_READ, f.w[1], 0, 4097)), Error::invalid_argument);
  EXPECT_EQ(status(call(99)), Error::invalid_argument);
  EXPECT_EQ(status(call(REBOUND_FS_INFO)), Error::invalid_argument);  // the server's
  // No message buffer: nowhere for a path or data.
  FsMessage m{{REBOUND_FS_LOOKUP, 0, 0, 0, 0, 0}};
  EXPECT_EQ(status(requests_.handle(*fs_, m, FsBulk{})), Error::bad_address);
  m = FsMessage{{REBOUND_FS_READ, f.w[1], 0, 10, 0, 0}};
  EXPECT_EQ(status(requests_.handle(*fs_, m, FsBulk{})), Error::bad_address);
  // Stale ids: a wrong generation, a removed file, its number made again.
  const uint64_t wrong =
      REBOUND_FS_ID(REBOUND_FS_ID_INO(f.w[1]), REBOUND_FS_ID_GENERATION(f.w[1]) + 7);
  EXPECT_EQ(status(call(REBOUND_FS_STAT, wrong)), Error::stale_handle);
  EXPECT_EQ(status(call(REBOUND_FS_STAT, REBOUND_FS_ID(0, 0))), Error::stale_handle);
  EXPECT_EQ(status(call(REBOUND_FS_STAT, REBOUND_FS_ID(5, 0))), Error::stale_handle);  // reserved
  EXPECT_EQ(status(call(REBOUND_FS_STAT, REBOUND_FS_ID(1u << 30, 0))), Error::stale_handle);
  ASSERT_EQ(call(REBOUND_FS_UNLINK, 0, 0, 0, "/d/f").w[0], 0u);
  EXPECT_EQ(status(call(REBOUND_FS_READ, f.w[1], 0, 10)), Error::stale_handle);
  EXPECT_EQ(status(call(REBOUND_FS_WRITE, f.w[1], 0, 10)), Error::stale_handle);
  const FsMessage again = call(REBOUND_FS_CREATE, 0, 0644, 0, "/d/again");
  ASSERT_EQ(again.w[0], 0u);
  EXPECT_EQ(REBOUND_FS_ID_INO(again.w[1]), REBOUND_FS_ID_INO(f.w[1]));
  EXPECT_NE(again.w[1], f.w[1]);
  EXPECT_EQ(status(call(REBOUND_FS_STAT, f.w[1])), Error::stale_handle);
  EXPECT_EQ(status(call(REBOUND_FS_LOOKUP, f.w[1], 0, 0, "x")), Error::stale_handle);
  ASSERT_EQ(call(REBOUND_FS_UNLINK, 0, 0, 0, "/d/again").w[0], 0u);
  ASSERT_EQ(call(REBOUND_FS_RMDIR, 0, 0, 0, "/d").w[0], 0u);
  const FsMessage s = call(REBOUND_FS_STATFS);
  ASSERT_EQ(s.w[0], 0u);
  EXPECT_EQ(s.w[1], GetParam());
  EXPECT_EQ(s.w[2], 16384u * 1024 / GetParam());
  EXPECT_GT(s.w[3], 0u);
  EXPECT_EQ(call(REBOUND_FS_SYNC).w[0], 0u);
  check_clean();
}

// READDIR from cookies: every entry once, whatever the room per call.
TEST_P(FsProtocol, ReadDirGoesOnFromItsCookie) {
  const uint64_t dir = call(REBOUND_FS_MKDIR, 0, 0755, 0, "/many").w[1];
  std::set<std::string> expected{".", ".."};
  for (int i = 0; i < 150; ++i) {
    const std::string name = "entry-" + std::to_string(i) + std::string(i % 40, 'x');
    ASSERT_EQ(call(REBOUND_FS_CREATE, dir, 0644, 0, name).w[0], 0u);
    expected.insert(name);
  }
  unsigned calls = 0;
  EXPECT_EQ(list(dir, 4096, &calls), expected);
  EXPECT_GT(calls, 1u);
  EXPECT_EQ(list(dir, 300, &calls), expected);
  EXPECT_GT(calls, 20u);
  // Room for no entry at all: an error, not an endless listing.
  FsMessage m{{REBOUND_FS_READDIR, dir, 0, 0, 0, 0}};
  EXPECT_EQ(
      status(requests_.handle(*fs_, m, FsBulk{std::span<uint8_t>(page_.data(), 8), {}, false})),
      Error::invalid_argument);
  check_clean();
}

// The server's view of a fault in the middle of a WRITE: the chunk in the
// cache never reaches the disk, which stays as the last request left it.
TEST_P(FsProtocol, AWriteCutShortLeavesTheDiskAtTheLastWriteBack) {
  const FsMessage f = call(REBOUND_FS_CREATE, 0, 0644, 0, "/f");
  ASSERT_EQ(f.w[0], 0u);
  const std::string first = pattern(30000, 1);
  std::vector<uint8_t> lent(first.begin(), first.end());
  ASSERT_EQ(call_lending(REBOUND_FS_WRITE, f.w[1], 0, first.size(), lent, false).w[0], 0u);
  struct Cut {
    unsigned chunks = 0;
  } cut;
  FsRequests faulty(
      [](void* c) {
        if (++static_cast<Cut*>(c)->chunks == 2) throw std::runtime_error("fault");
      },
      &cut);
  const std::string second = pattern(150000, 2);
  std::vector<uint8_t> more(second.begin(), second.end());
  FsMessage m{{REBOUND_FS_WRITE, f.w[1], 10000, second.size(), 0, 0}};
  EXPECT_THROW(faulty.handle(*fs_, m, FsBulk{page_, more, false}), std::runtime_error);
  EXPECT_EQ(cut.chunks, 2u);
  fs_->abandon();  // a restarted server never writes what the failed one held
  image_.save();
  const FsckResult r = fsck(image_.file());
  EXPECT_TRUE(r.clean) << r.output;
  // The first chunk made it (written back before the second began).
  const std::string expected = first.substr(0, 10000) + second.substr(0, 65536);
  EXPECT_EQ(debugfs(image_.file(), "cat /f"), expected);
  // A new mount (the next generation) repeats the write whole.
  ASSERT_OK_VALUE(fs, image_.mount(false, 256));
  fs_ = std::move(fs);
  ASSERT_EQ(faulty.handle(*fs_, m, FsBulk{page_, more, false}).w[0], 0u);
  check_clean();
  EXPECT_EQ(debugfs(image_.file(), "cat /f"), first.substr(0, 10000) + second);
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, FsProtocol, ::testing::Values(1024u, 4096u),
                         [](const auto& info) { return std::to_string(info.param) + "b"; });

}  // namespace
