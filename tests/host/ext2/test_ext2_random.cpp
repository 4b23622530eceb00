// Thousands of random operations -- create, mkdir, write (with holes, into
// the double and triple indirect trees), truncate up and down, unlink,
// rmdir, rename (across directories, over existing files and directories),
// link -- on a real image, each result compared with an in-memory model.
// Every few hundred operations the volume is unmounted, checked by e2fsck
// -fn and compared whole with the model; at the end debugfs lists every
// directory and dumps every file for a comparison that does not go through
// the code under test.
//
// EXT2_RANDOM_SEED and EXT2_RANDOM_OPS override the seed and the count.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "ext2_model.h"
#include "ext2_support.h"
#include "servers/fs/ext2/path.h"

namespace {

using namespace ext2_test;
using tas::fs::ext2::DirEntry;
using tas::fs::ext2::FileSystem;
using tas::fs::ext2::FileType;
using tas::fs::ext2::resolve;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 0) : fallback;
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class RandomRun {
 public:
  RandomRun(Image& image, uint64_t seed) : image_(image), rng_(seed) {
    bs_ = 0;
    for (int i = 0; i < 30; ++i) names_.push_back("n" + std::to_string(i));
    for (int i = 0; i < 10; ++i)
      names_.push_back(std::string(60 + 19 * i, static_cast<char>('a' + i)) + std::to_string(i));
  }

  void mount() {
    auto fs = image_.mount(false, 32);
    ASSERT_TRUE(fs.has_value()) << rebound::to_string(fs.error());
    fs_ = std::move(*fs);
    bs_ = fs_->volume_stats().block_size;
  }

  // Unmounts, requires e2fsck to find the image clean, mounts again and
  // compares everything with the model.
  void check_point() {
    ASSERT_OK(fs_->unmount());
    fs_.reset();
    image_.save();
    const FsckResult r = fsck(image_.file());
    ASSERT_TRUE(r.clean) << "after " << ops_ << " operations:\n" << r.output;
    ++fscks_;
    mount();
    compare_all();
  }

  void step() {
    ++ops_;
    const int pick = static_cast<int>(rng_() % 100);
    if (pick < 10) return create(false);
    if (pick < 15) return create(true);
    if (pick < 40) return write();
    if (pick < 50) return truncate();
    if (pick < 58) return unlink();
    if (pick < 63) return rmdir();
    if (pick < 75) return rename();
    if (pick < 79) return link();
    if (pick < 90) return read();
    if (pick < 95) return list();
    return stat();
  }

  void final_debugfs_check();
  uint64_t ops() const { return ops_; }
  int fscks() const { return fscks_; }
  int no_space() const { return no_space_; }
  std::unique_ptr<FileSystem>& fs() { return fs_; }

 private:
  uint32_t ino(const std::string& path) {
    auto r = resolve(*fs_, path);
    EXPECT_TRUE(r.has_value()) << path << ": " << rebound::to_string(r.error());
    return r ? *r : 0;
  }
  std::string any(const std::vector<std::string>& v) { return v[rng_() % v.size()]; }
  std::string random_dir() { return any(model_.all(true)); }
  std::string random_name() { return any(names_); }
  // A file, or "" if there is none.
  std::string random_file() {
    const auto files = model_.all(false);
    return files.empty() ? "" : any(files);
  }
  std::string random_entry() {
    auto all = model_.all(false);
    for (auto& d : model_.all(true)) {
      if (d != "/") all.push_back(d);
    }
    return all.empty() ? "" : any(all);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  // An allocating operation may run out of room: then nothing changed.
  bool accept_no_space(const Result<void>& r) {
    if (r || r.error() != Error::no_space) return false;
    ++no_space_;
    return true;
  }

  void create(bool directory) {
    const std::string dir = random_dir(), name = random_name(), path = Model::join(dir, name);
    auto r = directory ? fs_->mkdir(ino(dir), name, 0755) : fs_->create(ino(dir), name, 0644);
    if (model_.exists(path)) {
      ASSERT_FALSE(r.has_value()) << path;
      EXPECT_EQ(r.error(), Error::already_exists);
      return;
    }
    if (!r && r.error() == Error::no_space) {
      ++no_space_;
      EXPECT_ERROR(fs_->lookup(ino(dir), name), Error::not_found);
      return;
    }
    ASSERT_TRUE(r.has_value()) << path << ": " << rebound::to_string(r.error());
    directory ? model_.add_directory(path) : model_.add_file(path);
    EXPECT_EQ(ino(path), *r);
  }

  void write() {
    const std::string path = random_file();
    if (path.empty()) return create(false);
    ModelFile& f = model_.file(path);
    const uint64_t p = bs_ / 4;
    const uint64_t dbl = (12 + p) * bs_, triple = (12 + p + p * p) * bs_;
    uint64_t offset;
    const int where = static_cast<int>(rng_() % 100);
    if (where < 2)
      offset = triple + below(64 * bs_);
    else if (where < 12)
      offset = dbl + below(2 * 1024 * 1024);
    else
      offset = below(f.size + 16384);
    const uint64_t length = rng_() % 10 == 0 ? below(200000) + 1 : below(12000) + 1;
    const std::string data = pattern(length, static_cast<uint32_t>(rng_()));
    auto n = fs_->write(ino(path), offset, bytes_of(data));
    if (!n) {
      ASSERT_EQ(n.error(), Error::no_space) << path << ": " << rebound::to_string(n.error());
      ++no_space_;
      return;
    }
    if (*n < length) {
      ++no_space_;
      // Short only for want of room: the next block, and up to 3 indirect
      // blocks to reach it.
      EXPECT_LT(fs_->volume_stats().free_blocks, 4u);
    }
    f.write(offset, data.substr(0, *n));
  }

  void truncate() {
    const std::string path = random_file();
    if (path.empty()) return;
    ModelFile& f = model_.file(path);
    const int how = static_cast<int>(rng_() % 10);
    const uint64_t size = how == 0 ? 0 : how < 7 ? below(f.size + 1) : f.size + below(100000);
    ASSERT_OK(fs_->truncate(ino(path), size));
    f.resize(size);
  }

  void unlink() {
    const std::string path = random_entry();
    if (path.empty()) return;
    auto r = fs_->unlink(ino(Model::parent_of(path)), path.substr(path.rfind('/') + 1));
    if (model_.is_directory(path)) {
      EXPECT_ERROR(r, Error::is_a_directory);
      return;
    }
    ASSERT_TRUE(r.has_value()) << path << ": " << rebound::to_string(r.error());
    model_.remove(path);
  }

  void rmdir() {
    const std::string path = random_entry();
    if (path.empty()) return;
    auto r = fs_->rmdir(ino(Model::parent_of(path)), path.substr(path.rfind('/') + 1));
    if (!model_.is_directory(path)) {
      EXPECT_ERROR(r, Error::not_a_directory);
    } else if (!model_.children(path).empty()) {
      EXPECT_ERROR(r, Error::not_empty);
    } else {
      ASSERT_TRUE(r.has_value()) << path << ": " << rebound::to_string(r.error());
      model_.remove(path);
    }
  }

  // What rename(from, to) must do: an error, or success (kind Error{} = 0).
  Error predict_rename(const std::string& from, const std::string& to_dir, const std::string& to) {
    const bool from_dir = model_.is_directory(from);
    if (model_.exists(to)) {
      if (from == to) return Error{};
      const ModelNode& a = model_.node(from);
      const ModelNode& b = model_.node(to);
      if (!from_dir && !b.directory && a.file == b.file) return Error{};  // one file's two names
      if (from_dir && !b.directory) return Error::not_a_directory;
      if (from_dir && !model_.children(to).empty()) return Error::not_empty;
      if (!from_dir && b.directory) return Error::is_a_directory;
    }
    if (from_dir && to_dir != Model::parent_of(from) &&
        (to_dir == from || to_dir.compare(0, from.size() + 1, from + "/") == 0))
      return Error::invalid_argument;
    return Error{};
  }

  void rename() {
    const std::string from = random_entry();
    if (from.empty()) return;
    const std::string to_dir = random_dir(), name = random_name(), to = Model::join(to_dir, name);
    const Error expected = predict_rename(from, to_dir, to);
    const bool existed = model_.exists(to);
    auto r = fs_->rename(ino(Model::parent_of(from)), from.substr(from.rfind('/') + 1), ino(to_dir),
                         name);
    if (expected != Error{}) {
      ASSERT_FALSE(r.has_value()) << from << " -> " << to;
      EXPECT_EQ(r.error(), expected)
          << from << " -> " << to << ": " << rebound::to_string(r.error());
      return;
    }
    if (!existed && accept_no_space(r)) {
      EXPECT_EQ(ino(from) != 0, true);
      return;
    }
    ASSERT_TRUE(r.has_value()) << from << " -> " << to << ": " << rebound::to_string(r.error());
    if (from == to) return;
    if (existed) {
      const ModelNode& a = model_.node(from);
      const ModelNode& b = model_.node(to);
      if (!a.directory && !b.directory && a.file == b.file) return;
      model_.remove(to);
    }
    model_.move(from, to);
  }

  void link() {
    const std::string from = random_file();
    if (from.empty()) return;
    const std::string dir = random_dir(), name = random_name(), to = Model::join(dir, name);
    auto r = fs_->link(ino(dir), name, ino(from));
    if (model_.exists(to)) {
      ASSERT_FALSE(r.has_value());
      EXPECT_EQ(r.error(), Error::already_exists);
      return;
    }
    if (accept_no_space(r)) return;
    ASSERT_TRUE(r.has_value()) << from << " -> " << to << ": " << rebound::to_string(r.error());
    model_.add_link(from, to);
  }

  void read() {
    const std::string path = random_file();
    if (path.empty()) return;
    const ModelFile& f = model_.file(path);
    const uint64_t offset = rng_() % 4 == 0 && !f.pages.empty()
                                ? std::prev(f.pages.end())->first * ModelFile::kPage
                                : below(f.size + 100);
    const uint64_t length = below(70000) + 1;
    std::string got(length, '\xEE');
    auto n = fs_->read(ino(path), offset,
                       std::span<uint8_t>(reinterpret_cast<uint8_t*>(got.data()), got.size()));
    ASSERT_TRUE(n.has_value()) << path << ": " << rebound::to_string(n.error());
    got.resize(*n);
    const std::string want = f.read(offset, length);
    if (got != want) {
      size_t i = 0;
      while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
      ADD_FAILURE() << path << " at " << offset << ": " << got.size() << " bytes read, "
                    << want.size() << " expected, first difference at " << offset + i << " (size "
                    << f.size << ", op " << ops_ << ")";
    }
  }

  void list() {
    const std::string dir = random_dir();
    std::set<std::string> got, expected = {".", ".."};
    for (const auto& name : model_.children(dir)) expected.insert(name);
    if (dir == "/") expected.insert("lost+found");
    uint64_t cookie = 0;
    DirEntry e;
    for (;;) {
      auto more = fs_->read_dir(ino(dir), cookie, e);
      ASSERT_TRUE(more.has_value()) << dir << ": " << rebound::to_string(more.error());
      if (!*more) break;
      EXPECT_TRUE(got.insert(std::string(e.name_view())).second) << "twice: " << e.name;
      const std::string path = Model::join(dir, std::string(e.name_view()));
      if (e.name_view() != "." && e.name_view() != ".." && model_.exists(path)) {
        EXPECT_EQ(e.type == FileType::directory, model_.is_directory(path)) << path;
      }
    }
    EXPECT_EQ(got, expected) << dir;
  }

  void stat() {
    const std::string path = random_entry();
    if (path.empty()) return;
    check_stat(path);
  }

  void check_stat(const std::string& path) {
    auto st = fs_->stat(ino(path));
    ASSERT_TRUE(st.has_value()) << path;
    if (model_.is_directory(path)) {
      EXPECT_EQ(st->type, FileType::directory) << path;
      const uint32_t lost_found = path == "/" ? 1 : 0;
      EXPECT_EQ(st->links, 2 + model_.subdirectories(path) + lost_found) << path;
    } else {
      const ModelFile& f = model_.file(path);
      EXPECT_EQ(st->type, FileType::regular) << path;
      EXPECT_EQ(st->size, f.size) << path;
      EXPECT_EQ(st->links, f.links) << path;
    }
  }

  void compare_all() {
    for (const auto& dir : model_.all(true)) {
      check_stat(dir);
      std::set<std::string> got;
      uint64_t cookie = 0;
      DirEntry e;
      for (;;) {
        auto more = fs_->read_dir(ino(dir), cookie, e);
        ASSERT_TRUE(more.has_value());
        if (!*more) break;
        if (e.name_view() != "." && e.name_view() != "..") got.insert(std::string(e.name_view()));
      }
      auto children = model_.children(dir);
      if (dir == "/") children.push_back("lost+found");
      EXPECT_EQ(got, std::set<std::string>(children.begin(), children.end())) << dir;
    }
    for (const auto& path : model_.all(false)) {
      check_stat(path);
      const ModelFile& f = model_.file(path);
      const uint32_t file = ino(path);
      // Small files whole; large (sparse) ones page by page plus some holes.
      std::vector<uint64_t> offsets;
      if (f.size <= 4 * 1024 * 1024) {
        for (uint64_t at = 0; at < f.size; at += 1 << 20) offsets.push_back(at);
      } else {
        for (const auto& [index, page] : f.pages) offsets.push_back(index * ModelFile::kPage);
        for (int i = 0; i < 8; ++i) offsets.push_back(below(f.size));
      }
      for (uint64_t at : offsets) {
        std::string got(1 << 20, '\xEE');
        auto n = fs_->read(file, at,
                           std::span<uint8_t>(reinterpret_cast<uint8_t*>(got.data()), got.size()));
        ASSERT_TRUE(n.has_value());
        got.resize(*n);
        ASSERT_TRUE(got == f.read(at, 1 << 20)) << path << " at " << at;
      }
    }
  }

  Image& image_;
  std::mt19937_64 rng_;
  std::unique_ptr<FileSystem> fs_;
  Model model_;
  std::vector<std::string> names_;
  uint32_t bs_;
  uint64_t ops_ = 0;
  int fscks_ = 0;
  int no_space_ = 0;
};

void RandomRun::final_debugfs_check() {
  ASSERT_OK(fs_->unmount());
  fs_.reset();
  image_.save();
  const FsckResult r = fsck(image_.file());
  ASSERT_TRUE(r.clean) << r.output;
  ++fscks_;
  // Every directory listed by debugfs: names, kinds, sizes.
  for (const auto& dir : model_.all(true)) {
    std::map<std::string, ListedEntry> listed;
    for (const auto& e : debugfs_list(image_.file(), dir)) listed[e.name] = e;
    auto children = model_.children(dir);
    if (dir == "/") listed.erase("lost+found");
    ASSERT_EQ(listed.size(), children.size()) << dir;
    for (const auto& name : children) {
      const std::string path = Model::join(dir, name);
      ASSERT_EQ(listed.count(name), 1u) << path;
      const ListedEntry& e = listed[name];
      EXPECT_EQ((e.mode & 0170000) == 0040000, model_.is_directory(path)) << path;
      if (!model_.is_directory(path)) {
        EXPECT_EQ(e.size, model_.file(path).size) << path;
      }
    }
  }
  // Every file up to 8 MiB dumped by debugfs, in one run.
  TempDir out;
  std::ostringstream commands;
  std::vector<std::pair<std::string, std::string>> dumped;
  for (const auto& path : model_.all(false)) {
    if (model_.file(path).size > 8 * 1024 * 1024) continue;
    const std::string host = (out.path() / std::to_string(dumped.size())).string();
    commands << "dump " << path << " " << host << "\n";
    dumped.emplace_back(path, host);
  }
  const std::string command_file = (out.path() / "commands").string();
  std::ofstream(command_file) << commands.str();
  run("debugfs -f " + quote(command_file) + " " + quote(image_.file().string()));
  for (const auto& [path, host] : dumped) {
    const std::string got = read_host_file(host);
    const ModelFile& f = model_.file(path);
    EXPECT_TRUE(got == f.read(0, f.size)) << path << " (" << got.size() << " vs " << f.size << ")";
  }
  EXPECT_GT(dumped.size(), 0u);
}

class Ext2Random : public ::testing::TestWithParam<uint32_t> {};

TEST_P(Ext2Random, OperationsMatchTheModel) {
  const uint64_t seed = env_or("EXT2_RANDOM_SEED", 20240601) + GetParam();
  const uint64_t count = env_or("EXT2_RANDOM_OPS", 3000);
  SCOPED_TRACE("EXT2_RANDOM_SEED=" + std::to_string(seed - GetParam()));
  ImageOptions o;
  o.block_size = GetParam();
  o.size_kib = 6 * 1024;  // small enough to fill up now and then
  o.extra = "-N 2048";
  Image image(o);
  RandomRun run(image, seed);
  run.mount();
  for (uint64_t i = 1; i <= count && !::testing::Test::HasFatalFailure(); ++i) {
    run.step();
    if (i % 600 == 0) run.check_point();
  }
  if (::testing::Test::HasFatalFailure()) return;
  run.final_debugfs_check();
  std::printf("ext2 random (%u-byte blocks): %llu operations, %d e2fsck runs, %d out of space\n",
              GetParam(), static_cast<unsigned long long>(run.ops()), run.fscks(), run.no_space());
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, Ext2Random, ::testing::Values(1024u, 4096u),
                         [](const auto& info) { return std::to_string(info.param) + "b"; });

}  // namespace
