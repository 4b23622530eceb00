#include "servers/fs/fs_requests.h"

#include <cstring>

#include "servers/fs/dirent_packer.h"
#include "servers/fs/ext2/path.h"

namespace tas::fs {

using ext2::FileSystem;

namespace {

FsMessage error_reply(Error e) {
  FsMessage m;
  m.w[0] = static_cast<uint64_t>(e);
  return m;
}

FsMessage ok(uint64_t v1 = 0, uint64_t v2 = 0, uint64_t v3 = 0, uint64_t v4 = 0, uint64_t v5 = 0) {
  return FsMessage{{0, v1, v2, v3, v4, v5}};
}

// Where a relative path starts: the directory id in word 1, or the root.
Result<uint32_t> start_of(FileSystem& fs, uint64_t id) {
  if (id == 0) return FileSystem::root();
  return live_inode(fs, id);
}

// The attributes reply for inode `ino`, and the full struct in the caller's
// payload page if it has one.
Result<FsMessage> attributes(FileSystem& fs, uint32_t ino, const FsBulk& bulk) {
  TRY(s, fs.stat(ino));
  const uint64_t id = REBOUND_FS_ID(ino, s.generation);
  if (bulk.buffer.size() >= sizeof(rebound_fs_stat)) {
    rebound_fs_stat full{};
    full.id = id;
    full.size = s.size;
    full.blocks = s.blocks;
    full.mode = s.mode;
    full.links = s.links;
    full.uid = s.uid;
    full.gid = s.gid;
    full.atime = s.atime;
    full.mtime = s.mtime;
    full.ctime = s.ctime;
    std::memcpy(bulk.buffer.data(), &full, sizeof full);
  }
  return ok(id, s.size, s.mode, s.links, s.mtime);
}

// The client memory a READ or WRITE moves its data through: [data offset,
// + count) of the grant, or else of the payload page.
Result<std::span<uint8_t>> data_of(const FsMessage& r, const FsBulk& bulk, bool into) {
  const uint64_t count = r.w[3] & 0xFFFFFFFF, offset = r.w[3] >> 32;
  if (count > REBOUND_FS_IO_MAX) return fail(Error::invalid_argument);
  std::span<uint8_t> memory = bulk.grant.empty() ? bulk.buffer : bulk.grant;
  if (memory.empty()) return fail(Error::bad_address);
  if (!bulk.grant.empty() && into && !bulk.grant_writable) return fail(Error::access_denied);
  if (offset > memory.size() || count > memory.size() - offset)
    return fail(Error::invalid_argument);
  return memory.subspan(offset, count);
}

}  // namespace

Result<uint32_t> live_inode(FileSystem& fs, uint64_t id) {
  const uint32_t ino = REBOUND_FS_ID_INO(id);
  auto s = fs.stat(ino);
  if (!s) return fail(s.error() == Error::not_found ? Error::stale_handle : s.error());
  if (s->generation != REBOUND_FS_ID_GENERATION(id)) return fail(Error::stale_handle);
  return ino;
}

template <class T>
Result<T> FsRequests::written_back(FileSystem& fs, Result<T> change) {
  ++changes_;
  auto synced = fs.sync();
  if (!change) return change;
  if (!synced) return fail(synced.error());
  return change;
}

FsMessage FsRequests::handle(FileSystem& fs, const FsMessage& request, const FsBulk& bulk) {
  Result<FsMessage> reply;
  switch (request.w[0]) {
    case REBOUND_FS_LOOKUP: reply = lookup(fs, request, bulk); break;
    case REBOUND_FS_CREATE: reply = create(fs, request, bulk); break;
    case REBOUND_FS_MKDIR: reply = mkdir(fs, request, bulk); break;
    case REBOUND_FS_READ: reply = read(fs, request, bulk); break;
    case REBOUND_FS_WRITE: reply = write(fs, request, bulk); break;
    case REBOUND_FS_TRUNCATE: reply = truncate(fs, request); break;
    case REBOUND_FS_STAT: reply = stat(fs, request, bulk); break;
    case REBOUND_FS_READDIR: reply = read_dir(fs, request, bulk); break;
    case REBOUND_FS_UNLINK: reply = remove(fs, request, bulk, false); break;
    case REBOUND_FS_RMDIR: reply = remove(fs, request, bulk, true); break;
    case REBOUND_FS_RENAME: reply = rename(fs, request, bulk); break;
    case REBOUND_FS_LINK: reply = link(fs, request, bulk); break;
    case REBOUND_FS_SYNC:
      if (auto r = fs.sync(); !r) return error_reply(r.error());
      return ok();
    case REBOUND_FS_STATFS: reply = statfs(fs); break;
    default: return error_reply(Error::invalid_argument);
  }
  return reply ? *reply : error_reply(reply.error());
}

Result<FsMessage> FsRequests::lookup(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  TRY(paths, take_paths(bulk.buffer, 1, paths_));
  TRY(start, start_of(fs, r.w[1]));
  TRY(ino, ext2::resolve(fs, paths.first, start));
  return attributes(fs, ino, bulk);
}

Result<FsMessage> FsRequests::create(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  const uint64_t flags = r.w[2] & ~uint64_t{REBOUND_FS_PERMISSIONS};
  if ((flags & ~uint64_t{REBOUND_FS_CREATE_EXCLUSIVE | REBOUND_FS_CREATE_TRUNCATE}) != 0)
    return fail(Error::invalid_argument);
  const auto permissions = static_cast<uint16_t>(r.w[2] & REBOUND_FS_PERMISSIONS);
  TRY(paths, take_paths(bulk.buffer, 1, paths_));
  TRY(start, start_of(fs, r.w[1]));
  TRY(where, ext2::resolve_parent(fs, paths.first, start));
  auto found = fs.lookup(where.dir, where.name);
  if (!found && found.error() != Error::not_found) return fail(found.error());
  if (!found) {
    TRY(ino, written_back(fs, fs.create(where.dir, where.name, permissions)));
    return attributes(fs, ino, bulk);
  }
  // There already: that file, unless it must be a new one.
  if (flags & REBOUND_FS_CREATE_EXCLUSIVE) return fail(Error::already_exists);
  TRY(s, fs.stat(*found));
  if (s.type == ext2::FileType::directory) return fail(Error::is_a_directory);
  if (s.type != ext2::FileType::regular) return fail(Error::not_supported);
  if ((flags & REBOUND_FS_CREATE_TRUNCATE) && s.size != 0)
    TRY_VOID(written_back(fs, fs.truncate(*found, 0)));
  return attributes(fs, *found, bulk);
}

Result<FsMessage> FsRequests::mkdir(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  const auto permissions = static_cast<uint16_t>(r.w[2] & REBOUND_FS_PERMISSIONS);
  if ((r.w[2] & ~uint64_t{REBOUND_FS_PERMISSIONS}) != 0) return fail(Error::invalid_argument);
  TRY(paths, take_paths(bulk.buffer, 1, paths_));
  TRY(start, start_of(fs, r.w[1]));
  TRY(where, ext2::resolve_parent(fs, paths.first, start));
  TRY(ino, written_back(fs, fs.mkdir(where.dir, where.name, permissions)));
  return attributes(fs, ino, bulk);
}

Result<FsMessage> FsRequests::read(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  TRY(ino, live_inode(fs, r.w[1]));
  TRY(into, data_of(r, bulk, true));
  TRY(n, fs.read(ino, r.w[2], into));
  return ok(n);
}

Result<FsMessage> FsRequests::write(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  TRY(ino, live_inode(fs, r.w[1]));
  TRY(from, data_of(r, bulk, false));
  const uint64_t offset = r.w[2];
  size_t done = 0;
  do {
    const size_t n = from.size() - done < kWriteChunk ? from.size() - done : kWriteChunk;
    auto written = fs.write(ino, offset + done, from.subspan(done, n));
    if (written && hook_ != nullptr) hook_(hook_context_);
    written = written_back(fs, written);
    // An error after some chunks went in: those are written, the rest not.
    if (!written) {
      if (done == 0) return fail(written.error());
      break;
    }
    done += *written;
    if (*written < n) break;  // the volume is full
  } while (done < from.size());
  TRY(s, fs.stat(ino));
  return ok(done, s.size);
}

Result<FsMessage> FsRequests::truncate(FileSystem& fs, const FsMessage& r) {
  TRY(ino, live_inode(fs, r.w[1]));
  TRY_VOID(written_back(fs, fs.truncate(ino, r.w[2])));
  return ok();
}

Result<FsMessage> FsRequests::stat(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  TRY(ino, live_inode(fs, r.w[1]));
  return attributes(fs, ino, bulk);
}

Result<FsMessage> FsRequests::read_dir(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  TRY(dir, live_inode(fs, r.w[1]));
  if (bulk.buffer.empty()) return fail(Error::bad_address);
  DirentPacker packer(bulk.buffer);
  uint64_t cookie = r.w[2];
  bool end = false;
  for (;;) {
    const uint64_t before = cookie;
    ext2::DirEntry entry;
    TRY(more, fs.read_dir(dir, cookie, entry));
    if (!more) {
      end = true;
      break;
    }
    if (!packer.add(entry.ino, static_cast<uint8_t>(entry.type), entry.name_view())) {
      cookie = before;  // the next call starts with it
      break;
    }
  }
  // Not even one entry fits (a page always holds the longest).
  if (packer.count() == 0 && !end) return fail(Error::invalid_argument);
  return ok(packer.count(), cookie, end ? 1 : 0);
}

Result<FsMessage> FsRequests::remove(FileSystem& fs, const FsMessage& r, const FsBulk& bulk,
                                     bool directory) {
  TRY(paths, take_paths(bulk.buffer, 1, paths_));
  TRY(start, start_of(fs, r.w[1]));
  TRY(where, ext2::resolve_parent(fs, paths.first, start));
  TRY_VOID(written_back(
      fs, directory ? fs.rmdir(where.dir, where.name) : fs.unlink(where.dir, where.name)));
  return ok();
}

Result<FsMessage> FsRequests::rename(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  TRY(paths, take_paths(bulk.buffer, 2, paths_));
  TRY(start, start_of(fs, r.w[1]));
  TRY(from, ext2::resolve_parent(fs, paths.first, start));
  TRY(to, ext2::resolve_parent(fs, paths.second, start));
  TRY_VOID(written_back(fs, fs.rename(from.dir, from.name, to.dir, to.name)));
  return ok();
}

Result<FsMessage> FsRequests::link(FileSystem& fs, const FsMessage& r, const FsBulk& bulk) {
  TRY(paths, take_paths(bulk.buffer, 2, paths_));
  TRY(start, start_of(fs, r.w[1]));
  TRY(ino, ext2::resolve(fs, paths.first, start));
  TRY(to, ext2::resolve_parent(fs, paths.second, start));
  TRY_VOID(written_back(fs, fs.link(to.dir, to.name, ino)));
  return ok();
}

Result<FsMessage> FsRequests::statfs(FileSystem& fs) {
  const ext2::VolumeStats v = fs.volume_stats();
  return ok(v.block_size | uint64_t{v.read_only} << 32, v.blocks, v.free_blocks, v.inodes,
            v.free_inodes);
}

}  // namespace tas::fs
