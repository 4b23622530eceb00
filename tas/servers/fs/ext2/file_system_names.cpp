// FileSystem: the operations that change names -- create, mkdir, link,
// unlink, rmdir, rename. Each checks everything it can before it changes
// anything; what it allocated is given back if a later step fails.
#include <cstring>

#include "servers/fs/ext2/allocator.h"
#include "servers/fs/ext2/block_map.h"
#include "servers/fs/ext2/file_system.h"
#include "servers/fs/ext2/inode_table.h"

namespace tas::fs::ext2 {

namespace {

bool is_dot_or_dot_dot(std::string_view name) { return name == "." || name == ".."; }

// Steps up ".." entries before concluding the tree is looped.
constexpr uint32_t kMaxDepth = 1 << 16;

}  // namespace

Result<uint32_t> FileSystem::make_node(uint32_t dir, std::string_view name, uint16_t mode) {
  TRY_VOID(check_writable());
  TRY_VOID(check_name(name));
  if (is_dot_or_dot_dot(name)) return fail(Error::already_exists);
  TRY(parent, load_directory(dir));
  if (parent.links_count == 0) return fail(Error::not_found);  // removed while open
  if (auto found = find_entry(volume_, parent, name); found) {
    return fail(Error::already_exists);
  } else if (found.error() != Error::not_found) {
    return fail(found.error());
  }
  const bool directory = (mode & kTypeMask) == kTypeDirectory;
  if (directory && parent.links_count >= kLinkMax) return fail(Error::too_many_links);

  TRY(ino, allocate_inode(volume_, dir, directory));
  // A bitmap that calls a live inode free is corrupt; its bit stays set
  // (which is right) and nothing is overwritten.
  auto old = read_inode(volume_, ino);
  if (!old) {
    (void)free_inode(volume_, ino, directory);
    return fail(old.error());
  }
  if (old->links_count != 0 && old->dtime == 0) return fail(Error::corrupt_file_system);
  const uint32_t now = volume_.now();
  Inode node{};
  node.mode = mode;
  node.links_count = directory ? 2 : 1;
  node.atime = node.ctime = node.mtime = now;
  // The number's previous occupant had another generation: an id made of
  // both (the server's) that named it is stale now.
  node.generation = old->generation + 1;
  // From here on a failure gives back the inode and its blocks.
  auto undo = [&](Error e) -> Result<uint32_t> {
    (void)free_blocks_from(volume_, node, 0);
    node.links_count = 0;
    node.dtime = now != 0 ? now : 1;
    (void)write_new_inode(volume_, ino, node);
    (void)free_inode(volume_, ino, directory);
    return fail(e);
  };
  if (directory) {
    auto first = map_block_allocating(volume_, ino, node, 0);
    if (!first) return undo(first.error());
    if (auto r = write_first_block(volume_, first->block, ino, dir); !r) return undo(r.error());
    node.size = volume_.geometry().block_size;
  }
  if (auto r = write_new_inode(volume_, ino, node); !r) return undo(r.error());
  const Inode parent_before = parent;
  if (auto r = add_entry(volume_, dir, parent, name, ino, file_type_of(mode)); !r) {
    if (std::memcmp(&parent_before, &parent, sizeof parent) != 0) (void)store(dir, parent);
    return undo(r.error());
  }
  if (directory) ++parent.links_count;  // the new directory's ".."
  touch(parent);
  TRY_VOID(store(dir, parent));
  return ino;
}

Result<uint32_t> FileSystem::create(uint32_t dir, std::string_view name, uint16_t mode) {
  return make_node(dir, name, static_cast<uint16_t>(kTypeRegular | (mode & kPermissionMask)));
}

Result<uint32_t> FileSystem::mkdir(uint32_t dir, std::string_view name, uint16_t mode) {
  return make_node(dir, name, static_cast<uint16_t>(kTypeDirectory | (mode & kPermissionMask)));
}

Result<void> FileSystem::link(uint32_t dir, std::string_view name, uint32_t ino) {
  TRY_VOID(check_writable());
  TRY_VOID(check_name(name));
  if (is_dot_or_dot_dot(name)) return fail(Error::already_exists);
  TRY(node, load(ino));
  if (is_directory(node)) return fail(Error::is_a_directory);
  if (node.links_count == 0) return fail(Error::not_found);  // unlinked, still open
  if (node.links_count >= kLinkMax) return fail(Error::too_many_links);
  TRY(parent, load_directory(dir));
  if (parent.links_count == 0) return fail(Error::not_found);
  if (auto found = find_entry(volume_, parent, name); found) {
    return fail(Error::already_exists);
  } else if (found.error() != Error::not_found) {
    return fail(found.error());
  }
  const Inode parent_before = parent;
  if (auto r = add_entry(volume_, dir, parent, name, ino, file_type_of(node.mode)); !r) {
    if (std::memcmp(&parent_before, &parent, sizeof parent) != 0) (void)store(dir, parent);
    return r;
  }
  touch(parent);
  TRY_VOID(store(dir, parent));
  ++node.links_count;
  node.ctime = volume_.now();
  return store(ino, node);
}

Result<void> FileSystem::unlink(uint32_t dir, std::string_view name) {
  TRY_VOID(check_writable());
  TRY_VOID(check_name(name));
  if (is_dot_or_dot_dot(name)) return fail(Error::is_a_directory);
  TRY(parent, load_directory(dir));
  TRY(found, find_entry(volume_, parent, name));
  TRY(node, load(found.ino));
  if (is_directory(node)) return fail(Error::is_a_directory);
  TRY_VOID(remove_entry(volume_, parent, name));
  touch(parent);
  TRY_VOID(store(dir, parent));
  return drop_link(found.ino, node);
}

Result<void> FileSystem::rmdir(uint32_t dir, std::string_view name) {
  TRY_VOID(check_writable());
  TRY_VOID(check_name(name));
  if (name == ".") return fail(Error::invalid_argument);
  if (name == "..") return fail(Error::not_empty);
  TRY(parent, load_directory(dir));
  TRY(found, find_entry(volume_, parent, name));
  TRY(node, load(found.ino));
  if (!is_directory(node)) return fail(Error::not_a_directory);
  TRY(empty, is_empty_directory(volume_, node));
  if (!empty) return fail(Error::not_empty);
  TRY_VOID(remove_entry(volume_, parent, name));
  if (parent.links_count > 1) --parent.links_count;  // its ".." is gone
  touch(parent);
  TRY_VOID(store(dir, parent));
  node.links_count = 1;  // its "." goes with the name
  if (open_.contains(found.ino)) {
    // Open: its entries go now, the inode at its last close.
    TRY_VOID(free_blocks_from(volume_, node, 0));
    node.size = 0;
  }
  return drop_link(found.ino, node);
}

Result<void> FileSystem::check_not_below(uint32_t dir, uint32_t ino) {
  uint32_t at = dir;
  for (uint32_t depth = 0; depth < kMaxDepth; ++depth) {
    if (at == ino) return fail(Error::invalid_argument);
    if (at == kRootInode) return {};
    TRY(inode, load_directory(at));
    TRY(up, find_entry(volume_, inode, ".."));
    if (up.ino == at) return fail(Error::corrupt_file_system);  // only the root is its own parent
    at = up.ino;
  }
  return fail(Error::corrupt_file_system);
}

Result<void> FileSystem::rename(uint32_t from_dir, std::string_view from_name, uint32_t to_dir,
                                std::string_view to_name) {
  TRY_VOID(check_writable());
  TRY_VOID(check_name(from_name));
  TRY_VOID(check_name(to_name));
  if (is_dot_or_dot_dot(from_name) || is_dot_or_dot_dot(to_name))
    return fail(Error::invalid_argument);
  TRY(from_parent, load_directory(from_dir));
  const bool same_dir = from_dir == to_dir;
  Inode to_parent_storage{};
  if (!same_dir) {
    TRY(inode, load_directory(to_dir));
    to_parent_storage = inode;
  }
  Inode& to_parent = same_dir ? from_parent : to_parent_storage;
  if (to_parent.links_count == 0) return fail(Error::not_found);

  TRY(source, find_entry(volume_, from_parent, from_name));
  TRY(node, load(source.ino));
  const bool moving_directory = is_directory(node);
  auto target = find_entry(volume_, to_parent, to_name);
  if (!target && target.error() != Error::not_found) return fail(target.error());
  Inode victim{};
  if (target) {
    if (target->ino == source.ino) return {};  // two names of one file: nothing to do
    TRY(inode, load(target->ino));
    victim = inode;
    if (moving_directory) {
      if (!is_directory(victim)) return fail(Error::not_a_directory);
      TRY(empty, is_empty_directory(volume_, victim));
      if (!empty) return fail(Error::not_empty);
    } else if (is_directory(victim)) {
      return fail(Error::is_a_directory);
    }
  }
  if (moving_directory && !same_dir) {
    TRY_VOID(check_not_below(to_dir, source.ino));
    if (!target && to_parent.links_count >= kLinkMax) return fail(Error::too_many_links);
  }

  // The new name first: should it fail (no room), nothing changed.
  const FileType type = file_type_of(node.mode);
  if (target) {
    TRY_VOID(retarget_entry(volume_, to_parent, to_name, source.ino, type));
  } else {
    const Inode to_before = to_parent;
    if (auto r = add_entry(volume_, to_dir, to_parent, to_name, source.ino, type); !r) {
      if (std::memcmp(&to_before, &to_parent, sizeof to_parent) != 0)
        (void)store(to_dir, to_parent);
      return r;
    }
  }
  TRY_VOID(remove_entry(volume_, from_parent, from_name));
  if (moving_directory && !same_dir) {
    TRY_VOID(retarget_entry(volume_, node, "..", to_dir, FileType::directory));
    if (from_parent.links_count > 1) --from_parent.links_count;
    ++to_parent.links_count;
  }
  const bool victim_is_directory = target && is_directory(victim);
  if (victim_is_directory && to_parent.links_count > 1) --to_parent.links_count;  // its ".."
  node.ctime = volume_.now();
  TRY_VOID(store(source.ino, node));
  touch(from_parent);
  TRY_VOID(store(from_dir, from_parent));
  if (!same_dir) {
    touch(to_parent);
    TRY_VOID(store(to_dir, to_parent));
  }
  if (!target) return {};
  if (victim_is_directory) {
    victim.links_count = 1;  // its "." goes with the name
    if (open_.contains(target->ino)) {
      TRY_VOID(free_blocks_from(volume_, victim, 0));
      victim.size = 0;
    }
  }
  return drop_link(target->ino, victim);
}

}  // namespace tas::fs::ext2
