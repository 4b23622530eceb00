// What the ext2 host tests share: images made by mke2fs in a temporary
// directory, a block device over an image loaded in memory (with failures
// to inject), and e2fsck / debugfs run on the image to check what the code
// under test wrote.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "servers/fs/block_device.h"
#include "servers/fs/ext2/file_system.h"

// The value of a Result (as `var`), or the test stops here with its error.
#define ASSERT_OK_VALUE(var, expr)                                   \
  auto var##_result_ = (expr);                                       \
  ASSERT_TRUE(var##_result_.has_value())                             \
      << #expr << ": " << rebound::to_string(var##_result_.error()); \
  auto& var = *var##_result_
#define ASSERT_OK(expr)                                             \
  do {                                                              \
    auto assert_ok_ = (expr);                                       \
    ASSERT_TRUE(assert_ok_.has_value())                             \
        << #expr << ": " << rebound::to_string(assert_ok_.error()); \
  } while (0)
#define EXPECT_ERROR(expr, expected)                                                     \
  do {                                                                                   \
    auto expect_error_ = (expr);                                                         \
    if (expect_error_.has_value()) {                                                     \
      ADD_FAILURE() << #expr << " succeeded, expected " << rebound::to_string(expected); \
    } else {                                                                             \
      EXPECT_EQ(expect_error_.error(), expected)                                         \
          << #expr << ": " << rebound::to_string(expect_error_.error());                 \
    }                                                                                    \
  } while (0)

namespace ext2_test {

// Runs `command` with /bin/sh; returns its output (stdout and stderr) and
// sets `status` to its exit status.
std::string run(const std::string& command, int* status = nullptr);
// Quotes `s` for the shell.
std::string quote(const std::string& s);

// A directory under the system's temporary directory, removed with its
// contents when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A block device over bytes in memory. Writes can be made to fail after a
// number of them, reads of one device block can be made to fail.
class MemoryDisk : public tas::fs::BlockDevice {
 public:
  explicit MemoryDisk(std::vector<uint8_t> bytes, uint32_t sector = 512)
      : bytes_(std::move(bytes)), sector_(sector) {}

  uint32_t block_size() const override { return sector_; }
  uint64_t block_count() const override { return bytes_.size() / sector_; }
  Result<void> read_blocks(uint64_t first, std::span<uint8_t> out) override;
  Result<void> write_blocks(uint64_t first, std::span<const uint8_t> data) override;
  Result<void> flush() override;

  std::vector<uint8_t>& bytes() { return bytes_; }
  uint64_t writes() const { return writes_; }
  uint64_t flushes() const { return flushes_; }
  // Writes fail (io_error) once `n` more have succeeded; -1: never.
  void fail_writes_after(int64_t n) { writes_left_ = n; }
  // Reads touching device block `block` fail; ~0: none.
  void fail_reads_of(uint64_t block) { bad_block_ = block; }

 private:
  std::vector<uint8_t> bytes_;
  uint32_t sector_;
  uint64_t writes_ = 0, flushes_ = 0;
  int64_t writes_left_ = -1;
  uint64_t bad_block_ = ~uint64_t{0};
};

// A test clock: returns *context.
uint32_t clock_from(void* context);

struct ImageOptions {
  std::string type = "ext2";  // mke2fs -t
  uint32_t block_size = 1024;
  uint32_t size_kib = 8192;
  uint32_t inode_size = 256;
  std::string extra;          // more mke2fs options, e.g. "-N 64" or "-O ^large_file"
  std::string populate_from;  // a directory for mke2fs -d
};

// An image file made by mke2fs, and a MemoryDisk over its contents.
class Image {
 public:
  explicit Image(const ImageOptions& options = {});

  const std::filesystem::path& file() const { return file_; }
  MemoryDisk& disk() { return *disk_; }
  // Mounts the disk (read-write unless said otherwise), with the clock at `now_`.
  Result<std::unique_ptr<tas::fs::ext2::FileSystem>> mount(bool read_only = false,
                                                           uint32_t cache_blocks = 64);
  // Writes the disk's bytes to the image file (after an unmount or sync).
  void save();
  // Reads the image file into the disk again (after debugfs -w).
  void reload();

  uint32_t now = 1700000000;

 private:
  TempDir dir_;
  std::filesystem::path file_;
  std::unique_ptr<MemoryDisk> disk_;
};

struct FsckResult {
  int status = -1;
  std::string output;
  // Exit status 0 and nothing said but the passes and the summary: e2fsck
  // -n reports some problems (wrong free counts) with status 0.
  bool clean = false;
};
FsckResult fsck(const std::filesystem::path& image);

// debugfs -R command on the image: its output, the version banner dropped.
std::string debugfs(const std::filesystem::path& image, const std::string& command);

struct ListedEntry {
  uint32_t ino = 0;
  uint32_t mode = 0;
  std::string name;
  uint64_t size = 0;
};
// debugfs "ls -p" of `dir`, "." and ".." and unused entries left out.
std::vector<ListedEntry> debugfs_list(const std::filesystem::path& image, const std::string& dir);

// A field of debugfs "stat": the number after "Name:" ("Size", "Links",
// "Blockcount"); -1 if absent.
int64_t stat_field(const std::string& stat_output, const std::string& name);

// A host file's contents (empty if it cannot be read).
std::string read_host_file(const std::filesystem::path& file);

// A file's whole contents through the file system (empty on error).
std::string read_all(tas::fs::ext2::FileSystem& fs, uint32_t ino);
// Writes `data` at `offset`; true if all of it was written.
bool write_at(tas::fs::ext2::FileSystem& fs, uint32_t ino, uint64_t offset,
              const std::string& data);
// `n` bytes of a pattern that depends on `seed` and the position.
std::string pattern(size_t n, uint32_t seed);

}  // namespace ext2_test
