// Names on real ext2 images: create, mkdir, link, unlink, rmdir, rename,
// readdir and path lookup, with their link counts and errors; the trees
// checked by debugfs and e2fsck -fn after unmount.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ext2_support.h"
#include "servers/fs/ext2/path.h"

namespace {

using namespace ext2_test;
using tas::fs::ext2::DirEntry;
using tas::fs::ext2::FileSystem;
using tas::fs::ext2::FileType;
using tas::fs::ext2::resolve;
using tas::fs::ext2::resolve_parent;

class Ext2Names : public ::testing::TestWithParam<uint32_t> {
 protected:
  Ext2Names() : image_(make_options()) {}
  static ImageOptions make_options() {
    ImageOptions o;
    o.block_size = GetParam();
    return o;
  }
  void SetUp() override {
    auto fs = image_.mount();
    ASSERT_TRUE(fs.has_value()) << rebound::to_string(fs.error());
    fs_ = std::move(*fs);
  }
  // Unmounts and requires e2fsck to find the image clean.
  void check_clean() {
    ASSERT_OK(fs_->unmount());
    image_.save();
    const FsckResult r = fsck(image_.file());
    EXPECT_TRUE(r.clean) << r.output;
  }
  uint32_t at(const std::string& path) {
    auto r = resolve(*fs_, path);
    return r ? *r : 0;
  }
  uint16_t links(const std::string& path) {
    auto st = fs_->stat(at(path));
    return st ? st->links : 0;
  }
  std::set<std::string> names(uint32_t dir) {
    std::set<std::string> out;
    uint64_t cookie = 0;
    DirEntry e;
    while (true) {
      auto more = fs_->read_dir(dir, cookie, e);
      if (!more || !*more) break;
      out.insert(std::string(e.name_view()));
    }
    return out;
  }
  std::set<std::string> debugfs_names(const std::string& dir) {
    std::set<std::string> out;
    for (const auto& e : debugfs_list(image_.file(), dir)) out.insert(e.name);
    return out;
  }

  Image image_;
  std::unique_ptr<FileSystem> fs_;
};

TEST_P(Ext2Names, DirectoriesAndTheirLinkCounts) {
  const uint32_t root = FileSystem::root();
  EXPECT_EQ(links("/"), 3);  // ".", "..", lost+found's ".."
  ASSERT_OK_VALUE(a, fs_->mkdir(root, "a", 0755));
  ASSERT_OK_VALUE(b, fs_->mkdir(a, "b", 0700));
  ASSERT_OK(fs_->mkdir(a, "c", 0755));
  ASSERT_OK(fs_->create(b, "file", 0644));
  EXPECT_EQ(links("/"), 4);
  EXPECT_EQ(links("/a"), 4);
  EXPECT_EQ(links("/a/b"), 2);
  EXPECT_EQ(at("/a/b/.."), a);
  EXPECT_EQ(at("/a/b/../../a/./b"), b);
  EXPECT_EQ(at("/.."), root);
  ASSERT_OK_VALUE(st, fs_->stat(b));
  EXPECT_EQ(st.type, FileType::directory);
  EXPECT_EQ(st.mode, 040700);
  EXPECT_EQ(names(a), (std::set<std::string>{".", "..", "b", "c"}));

  EXPECT_ERROR(fs_->mkdir(a, "b", 0755), Error::already_exists);
  EXPECT_ERROR(fs_->create(a, "b", 0644), Error::already_exists);
  EXPECT_ERROR(fs_->rmdir(a, "b"), Error::not_empty);
  EXPECT_ERROR(fs_->unlink(a, "b"), Error::is_a_directory);
  EXPECT_ERROR(fs_->rmdir(b, "file"), Error::not_a_directory);
  EXPECT_ERROR(fs_->rmdir(a, "."), Error::invalid_argument);
  EXPECT_ERROR(fs_->rmdir(a, ".."), Error::not_empty);
  EXPECT_ERROR(fs_->lookup(a, "nothing"), Error::not_found);
  EXPECT_ERROR(fs_->lookup(at("/a/b/file"), "x"), Error::not_a_directory);
  EXPECT_ERROR(fs_->create(root, std::string(256, 'n'), 0644), Error::name_too_long);
  EXPECT_ERROR(fs_->create(root, "sl/ash", 0644), Error::invalid_argument);
  EXPECT_ERROR(fs_->create(root, "", 0644), Error::invalid_argument);
  EXPECT_ERROR(resolve(*fs_, "/a/b/file/x"), Error::not_a_directory);
  EXPECT_ERROR(resolve(*fs_, "/a/zz/file"), Error::not_found);
  ASSERT_OK(fs_->create(root, std::string(255, 'n'), 0644));

  ASSERT_OK(fs_->unlink(b, "file"));
  ASSERT_OK(fs_->rmdir(a, "b"));
  EXPECT_EQ(links("/a"), 3);
  EXPECT_ERROR(fs_->stat(b), Error::not_found);
  EXPECT_EQ(names(a), (std::set<std::string>{".", "..", "c"}));
  check_clean();
  EXPECT_EQ(debugfs_names("/a"), (std::set<std::string>{"c"}));
  EXPECT_EQ(debugfs_names("/"), (std::set<std::string>{"lost+found", "a", std::string(255, 'n')}));
  EXPECT_EQ(stat_field(debugfs(image_.file(), "stat /a"), "Links"), 3);
}

TEST_P(Ext2Names, HardLinks) {
  const uint32_t root = FileSystem::root();
  ASSERT_OK_VALUE(d, fs_->mkdir(root, "d", 0755));
  ASSERT_OK_VALUE(f, fs_->create(root, "f", 0644));
  ASSERT_TRUE(write_at(*fs_, f, 0, "shared"));
  ASSERT_OK(fs_->link(d, "g", f));
  EXPECT_EQ(links("/f"), 2);
  EXPECT_ERROR(fs_->link(root, "d2", d), Error::is_a_directory);
  EXPECT_ERROR(fs_->link(root, "f", f), Error::already_exists);
  ASSERT_OK(fs_->unlink(root, "f"));
  EXPECT_EQ(links("/d/g"), 1);
  EXPECT_EQ(read_all(*fs_, at("/d/g")), "shared");
  ASSERT_OK(fs_->link(root, "h", f));
  check_clean();
  EXPECT_EQ(debugfs(image_.file(), "cat /h"), "shared");
  EXPECT_EQ(stat_field(debugfs(image_.file(), "stat /d/g"), "Links"), 2);
}

TEST_P(Ext2Names, RenameFilesAndDirectories) {
  const uint32_t root = FileSystem::root();
  ASSERT_OK_VALUE(a, fs_->mkdir(root, "a", 0755));
  ASSERT_OK_VALUE(b, fs_->mkdir(root, "b", 0755));
  ASSERT_OK_VALUE(sub, fs_->mkdir(a, "sub", 0755));
  ASSERT_OK_VALUE(deep, fs_->mkdir(sub, "deep", 0755));
  ASSERT_OK_VALUE(f1, fs_->create(a, "f1", 0644));
  ASSERT_TRUE(write_at(*fs_, f1, 0, "one"));
  ASSERT_OK_VALUE(f2, fs_->create(b, "f2", 0644));
  ASSERT_TRUE(write_at(*fs_, f2, 0, pattern(50000, 2)));
  const auto before_victim = fs_->volume_stats();

  // Within a directory, then across.
  ASSERT_OK(fs_->rename(a, "f1", a, "g1"));
  EXPECT_EQ(at("/a/g1"), f1);
  EXPECT_ERROR(fs_->lookup(a, "f1"), Error::not_found);
  ASSERT_OK(fs_->rename(a, "g1", b, "g1"));
  EXPECT_EQ(at("/b/g1"), f1);
  // Over an existing file: that one is gone, its blocks free.
  ASSERT_OK(fs_->rename(b, "g1", b, "f2"));
  EXPECT_EQ(at("/b/f2"), f1);
  EXPECT_EQ(read_all(*fs_, f1), "one");
  EXPECT_ERROR(fs_->stat(f2), Error::not_found);
  EXPECT_GT(fs_->volume_stats().free_blocks, before_victim.free_blocks);
  EXPECT_EQ(fs_->volume_stats().free_inodes, before_victim.free_inodes + 1);

  // A directory across directories: its ".." and both link counts follow.
  ASSERT_OK(fs_->rename(a, "sub", b, "moved"));
  EXPECT_EQ(at("/b/moved/.."), b);
  EXPECT_EQ(at("/b/moved/deep/../.."), b);
  EXPECT_EQ(links("/a"), 2);
  EXPECT_EQ(links("/b"), 3);
  // Not into itself or below itself.
  EXPECT_ERROR(fs_->rename(b, "moved", sub, "x"), Error::invalid_argument);
  EXPECT_ERROR(fs_->rename(b, "moved", deep, "x"), Error::invalid_argument);
  EXPECT_ERROR(fs_->rename(root, "b", deep, "x"), Error::invalid_argument);
  // Kinds must match; a directory replaces an empty one only.
  ASSERT_OK(fs_->mkdir(a, "empty", 0755));
  ASSERT_OK(fs_->mkdir(a, "full", 0755));
  ASSERT_OK(fs_->create(at("/a/full"), "x", 0644));
  EXPECT_ERROR(fs_->rename(b, "f2", a, "empty"), Error::is_a_directory);
  EXPECT_ERROR(fs_->rename(b, "moved", b, "f2"), Error::not_a_directory);
  EXPECT_ERROR(fs_->rename(b, "moved", a, "full"), Error::not_empty);
  EXPECT_ERROR(fs_->rename(b, "nothing", a, "x"), Error::not_found);
  EXPECT_ERROR(fs_->rename(b, ".", a, "x"), Error::invalid_argument);
  const uint32_t empty = at("/a/empty");
  ASSERT_OK(fs_->rename(b, "moved", a, "empty"));
  EXPECT_EQ(at("/a/empty"), sub);
  EXPECT_ERROR(fs_->stat(empty), Error::not_found);
  EXPECT_EQ(links("/a"), 4);  // ".", the root's entry, full's and empty's ".."
  EXPECT_EQ(links("/b"), 2);
  // Same directory, over an empty directory.
  ASSERT_OK(fs_->mkdir(a, "e2", 0755));
  ASSERT_OK(fs_->rename(a, "full", a, "e2"));
  EXPECT_EQ(links("/a"), 4);
  // Two names of one file: nothing happens.
  ASSERT_OK(fs_->link(a, "alias", f1));
  ASSERT_OK(fs_->rename(a, "alias", b, "f2"));
  EXPECT_EQ(at("/a/alias"), f1);
  EXPECT_EQ(links("/b/f2"), 2);
  check_clean();
  EXPECT_EQ(debugfs_names("/a"), (std::set<std::string>{"empty", "e2", "alias"}));
  EXPECT_EQ(debugfs_names("/b"), (std::set<std::string>{"f2"}));
  EXPECT_EQ(debugfs_names("/a/empty"), (std::set<std::string>{"deep"}));
  EXPECT_EQ(debugfs(image_.file(), "cat /b/f2"), "one");
}

TEST_P(Ext2Names, BigDirectoriesGrowAndReuseSpace) {
  const uint32_t root = FileSystem::root();
  ASSERT_OK_VALUE(d, fs_->mkdir(root, "many", 0755));
  std::set<std::string> expected = {".", ".."};
  for (int i = 0; i < 600; ++i) {
    const std::string name = "entry-with-a-longish-name-" + std::to_string(i);
    ASSERT_OK(fs_->create(d, name, 0644));
    expected.insert(name);
  }
  ASSERT_OK_VALUE(st, fs_->stat(d));
  EXPECT_GT(st.size, GetParam());  // more than one block
  for (int i = 0; i < 600; i += 2) {
    const std::string name = "entry-with-a-longish-name-" + std::to_string(i);
    ASSERT_OK(fs_->unlink(d, name));
    expected.erase(name);
  }
  EXPECT_EQ(names(d), expected);
  // Freed entries are reused: the directory does not grow.
  for (int i = 0; i < 300; ++i) ASSERT_OK(fs_->create(d, "n" + std::to_string(i), 0644));
  ASSERT_OK_VALUE(st2, fs_->stat(d));
  EXPECT_EQ(st2.size, st.size);
  for (int i = 0; i < 300; ++i) expected.insert("n" + std::to_string(i));
  EXPECT_EQ(names(d), expected);
  // A cookie from the middle goes on from there.
  uint64_t cookie = 0;
  DirEntry e;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    ASSERT_OK_VALUE(more, fs_->read_dir(d, cookie, e));
    ASSERT_TRUE(more);
    seen.insert(std::string(e.name_view()));
  }
  for (;;) {
    ASSERT_OK_VALUE(more, fs_->read_dir(d, cookie, e));
    if (!more) break;
    EXPECT_TRUE(seen.insert(std::string(e.name_view())).second);
  }
  EXPECT_EQ(seen, expected);
  check_clean();
  std::set<std::string> listed = debugfs_names("/many");
  expected.erase(".");
  expected.erase("..");
  std::vector<std::string> only_listed, only_expected;
  std::set_difference(listed.begin(), listed.end(), expected.begin(), expected.end(),
                      std::back_inserter(only_listed));
  std::set_difference(expected.begin(), expected.end(), listed.begin(), listed.end(),
                      std::back_inserter(only_expected));
  EXPECT_TRUE(only_listed.empty()) << only_listed.size() << " only listed, e.g. " << only_listed[0];
  EXPECT_TRUE(only_expected.empty())
      << only_expected.size() << " missing, e.g. " << only_expected[0];
}

TEST_P(Ext2Names, PathsToParents) {
  ASSERT_OK_VALUE(a, fs_->mkdir(FileSystem::root(), "a", 0755));
  ASSERT_OK_VALUE(pn, resolve_parent(*fs_, "/a/new"));
  EXPECT_EQ(pn.dir, a);
  EXPECT_EQ(pn.name, "new");
  ASSERT_OK_VALUE(pn2, resolve_parent(*fs_, "//a//b//"));
  EXPECT_EQ(pn2.dir, a);
  EXPECT_EQ(pn2.name, "b");
  ASSERT_OK_VALUE(pn3, resolve_parent(*fs_, "x", a));
  EXPECT_EQ(pn3.dir, a);
  EXPECT_ERROR(resolve_parent(*fs_, "/"), Error::invalid_argument);
  EXPECT_ERROR(resolve_parent(*fs_, "/missing/x"), Error::not_found);
  ASSERT_OK_VALUE(rel, resolve(*fs_, "..", a));
  EXPECT_EQ(rel, FileSystem::root());
  check_clean();
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, Ext2Names, ::testing::Values(1024u, 4096u),
                         [](const auto& info) { return std::to_string(info.param) + "b"; });

}  // namespace
