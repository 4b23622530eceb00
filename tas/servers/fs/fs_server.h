// The file-system server ("fs"): the ext2 volume (servers/fs/ext2) on the
// block server's disk (block_server_device.h), for user programs
// (protocol: abi/rebound/services.h; the requests themselves:
// fs_requests.h). Restartable like every server, without losing data or
// its clients' open files:
//
//  - stateless protocol: clients name files by id (inode number and
//    generation) and keep their own offsets, so a new generation serves
//    the same requests, and a repeated READ or WRITE does the same again;
//  - every change is written back (and the disk flushed) before its reply:
//    nothing acknowledged lives only in this server's heap, and the disk is
//    at a request boundary between requests;
//  - a request that unwinds (a C++ exception, a CPU fault) may have left
//    the engine's state -- cache, bitmaps, superblock in memory -- half
//    changed: the server then marks itself suspect, answers every later
//    request (the request loop's retries included) with server_restarted
//    without touching the volume, and fails its state check, so that the
//    supervisor replaces it with a generation that mounts from the disk;
//  - a disk failure during a request (io_error) is answered, and the volume
//    mounted again from the disk: nothing half done in memory outlives it.
//
// Fault sites (test builds): "fs.request" before each request touches the
// volume (a fault there is retried as usual; CORRUPT breaks its count of
// requests, kept twice) and "fs.write" in a WRITE, after a chunk went into
// the volume and before it is written back.
#pragma once
#include <memory>
#include <span>
#include <string_view>

#include "rebound/services.h"
#include "runtime/checked_count.h"
#include "runtime/serve.h"
#include "runtime/spin_lock.h"
#include "runtime/supervisor.h"
#include "servers/fs/block_server_device.h"
#include "servers/fs/ext2/file_system.h"
#include "servers/fs/fs_requests.h"

namespace tas {

class FsServer final : public Server {
 public:
  static constexpr const char* kService = "fs";
  static constexpr uint32_t kCacheBlocks = 256;  // more than a WRITE chunk needs

  explicit FsServer(const Services& services)
      : supervisor_(services.supervisor),
        device_(services.supervisor),
        requests_(after_write_chunk, this) {}
  // Finds the disk and mounts its volume; a disk without an ext2 volume
  // this code can use is an error, and the server does not start.
  Result<void> start() override;
  rb_message handle(rb_message& request) override;
  // In-TAS (the process server reads programs): the size of the regular
  // file at the absolute `path`, and up to out.size() of its bytes from
  // `offset` (returns how many). Served between requests (the engine is
  // one thread's at a time); a fault inside makes the server suspect, as a
  // request's does.
  Result<uint64_t> file_size(std::string_view path);
  Result<size_t> read_file(std::string_view path, uint64_t offset, std::span<uint8_t> out);
  // Power off: the volume unmounted (written back, marked clean); every
  // later request is answered peer_closed.
  void stop() override;
  // Not suspect, and its count of requests, kept twice, agrees.
  bool state_ok() const override { return !suspect_ && requests_served_.ok(); }

 private:
  Result<void> mount();
  Result<void> volume_usable() const;
  rb_message serve(const rb_message& request);
  void remount_after_device_error();
  rb_message info() const;
  void start_clock();
  uint32_t wall_seconds() const;
  static uint32_t clock(void* self) { return static_cast<FsServer*>(self)->now_; }
  static void after_write_chunk(void* self);

  Supervisor& supervisor_;
  fs::BlockServerDevice device_;
  std::unique_ptr<fs::ext2::FileSystem> volume_;  // none after a failed remount
  fs::FsRequests requests_;
  SpinLock engine_;       // the volume: the request loop's, or an in-TAS caller's
  bool suspect_ = false;  // a request unwound: serve no more
  bool stopped_ = false;  // unmounted for power off: serve no more
  CheckedCount requests_served_;
  uint64_t wall_base_s_ = 0;   // the wall clock when the server started (0: unknown)
  uint64_t mono_base_ns_ = 0;  // the monotonic clock then
  uint32_t now_ = 0;           // the time of the request being served
};

}  // namespace tas
