// The file-system protocol (abi/rebound/services.h, "fs") over an ext2
// FileSystem: a request's words and what came with it (the caller's
// payload page, the memory its call lends) in, the reply's words out.
// Portable: host-tested on images made by mke2fs. The server (fs_server.h)
// adds what is the TAS's: the request loop, fault sites, the disk through
// the block server, remounting, INFO.
//
// Stateless: files are named by ids (inode number and generation) that the
// client keeps; every request carries all it needs. A request that changes
// the volume is written back (FileSystem::sync: the changed blocks, then a
// device flush) before it is answered, so nothing acknowledged lives only in
// memory. A WRITE goes in chunks of kWriteChunk, each written back before
// the next: the block cache never has to write a change early (before its
// request is done), and a server that fails in the middle leaves the disk
// at a chunk boundary.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "lib/result.h"
#include "rebound/services.h"
#include "rebound/syscall.h"
#include "servers/fs/ext2/file_system.h"
#include "servers/fs/request_paths.h"

namespace tas::fs {

// A request's or a reply's words: word 0 the operation, or the status.
struct FsMessage {
  uint64_t w[REBOUND_IPC_WORDS] = {};
};

// What came with a request besides its words: client memory, which its
// other threads may change while the request runs.
struct FsBulk {
  std::span<uint8_t> buffer;  // the caller's payload page (empty: none)
  std::span<uint8_t> grant;   // the memory its call lends (empty: none)
  bool grant_writable = false;
};

class FsRequests {
 public:
  static constexpr size_t kWriteChunk = 64 * 1024;
  // Called after each chunk of a WRITE went into the file system, before it
  // is written back (the server's fault site "fs.write").
  using ChunkHook = void (*)(void* context);

  explicit FsRequests(ChunkHook hook = nullptr, void* context = nullptr)
      : hook_(hook), hook_context_(context) {}

  // One request on `fs`. INFO is the server's, not answered here
  // (invalid_argument, as any operation this does not know).
  FsMessage handle(ext2::FileSystem& fs, const FsMessage& request, const FsBulk& bulk);

  // Requests that changed the volume, or tried to (each written back).
  uint64_t changes() const { return changes_; }

 private:
  Result<FsMessage> lookup(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> create(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> mkdir(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> read(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> write(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> truncate(ext2::FileSystem& fs, const FsMessage& r);
  Result<FsMessage> stat(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> read_dir(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> remove(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk,
                           bool directory);
  Result<FsMessage> rename(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> link(ext2::FileSystem& fs, const FsMessage& r, const FsBulk& bulk);
  Result<FsMessage> statfs(ext2::FileSystem& fs);

  // After a change (done or not): written back; the change's own error
  // first, else the write-back's.
  template <class T>
  Result<T> written_back(ext2::FileSystem& fs, Result<T> change);

  ChunkHook hook_;
  void* hook_context_;
  PathCopies paths_;  // the request's paths, copied out of the client's page
  uint64_t changes_ = 0;
};

// The inode a file id names, if it is in use with that generation;
// stale_handle otherwise.
Result<uint32_t> live_inode(ext2::FileSystem& fs, uint64_t id);

}  // namespace tas::fs
