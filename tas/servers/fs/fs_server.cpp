#include "servers/fs/fs_server.h"

#include "lib/log.h"
#include "recovery/fault_injection.h"
#include "runtime/bulk.h"
#include "runtime/call.h"
#include "servers/fs/ext2/path.h"
#include "servers/time/time_server.h"

namespace tas {

namespace {

const char* disk_name(uint64_t kind) {
  return kind == REBOUND_BLOCK_KIND_VIRTIO ? "virtio-blk disk" : "RAM disk";
}

// Marks the server suspect if the scope is left by an exception rather than
// by done(): whatever the request was changing may be half changed.
class SuspectUnlessDone {
 public:
  explicit SuspectUnlessDone(bool& suspect) : suspect_(suspect) {}
  ~SuspectUnlessDone() {
    if (!done_) suspect_ = true;
  }
  SuspectUnlessDone(const SuspectUnlessDone&) = delete;
  SuspectUnlessDone& operator=(const SuspectUnlessDone&) = delete;
  void done() { done_ = true; }

 private:
  bool& suspect_;
  bool done_ = false;
};

}  // namespace

Result<void> FsServer::start() {
  start_clock();
  if (auto r = device_.open(); !r) {
    KLOG_ERROR("fs: no block server: %s", rebound::to_string(r.error()));
    return r;
  }
  now_ = wall_seconds();
  if (auto r = mount(); !r) {
    KLOG_ERROR("fs: no ext2 volume this server can use on the %s: %s", disk_name(device_.kind()),
               rebound::to_string(r.error()));
    return r;
  }
  const fs::ext2::VolumeStats v = volume_->volume_stats();
  KLOG_INFO(
      "fs: ext2 on the %s (generation %u): %u blocks of %u bytes, %u free; %u inodes, %u "
      "free%s",
      disk_name(device_.kind()), generation(), v.blocks, v.block_size, v.free_blocks, v.inodes,
      v.free_inodes, v.read_only ? "; read-only" : "");
  return {};
}

Result<void> FsServer::mount() {
  fs::ext2::MountOptions options;
  options.cache_blocks = kCacheBlocks;
  options.clock = {clock, this};
  auto mounted = fs::ext2::FileSystem::mount(device_, options);
  if (!mounted && mounted.error() == Error::read_only) {
    // Features this code may read but not change: served read-only.
    KLOG_WARN("fs: the volume has features this server cannot change: mounted read-only");
    options.read_only = true;
    mounted = fs::ext2::FileSystem::mount(device_, options);
  }
  if (!mounted) return fail(mounted.error());
  volume_ = std::move(*mounted);
  return {};
}

void FsServer::start_clock() {
  if (auto ref = supervisor_.ref<TimeServer>(); ref) {
    if (auto now = tas::call(*ref, [](TimeServer& t) { return t.now(); }); now) {
      wall_base_s_ = now->unix_seconds;
      mono_base_ns_ = now->monotonic_ns;
      return;
    }
  }
  KLOG_WARN("fs: no time server: file times will be 0");
}

uint32_t FsServer::wall_seconds() const {
  if (wall_base_s_ == 0) return 0;
  return static_cast<uint32_t>(wall_base_s_ + (rb_clock() - mono_base_ns_) / 1'000'000'000);
}

void FsServer::after_write_chunk(void* self) {
  auto* s = static_cast<FsServer*>(self);
  // THROW or NULL_READ: a fault with blocks of the write changed in the
  // cache, not yet on the disk. CORRUPT: the request completes, but the
  // state check after it fails.
  if (recovery::fault_point("fs.write")) s->requests_served_.corrupt();
}

rb_message FsServer::handle(rb_message& request) {
  // A request before this one unwound (or this one's earlier try did): the
  // volume in memory cannot be trusted. The state check fails after this,
  // and the caller hears server_restarted from the supervisor.
  if (suspect_) {
    KLOG_WARN(
        "fs: a request unwound part-way: the volume in memory is not trusted; a new "
        "generation mounts it from the disk");
    return status_reply(Error::server_restarted);
  }
  requests_served_.add();
  // Nothing touched yet: a fault here is tried again like any request's.
  if (recovery::fault_point("fs.request")) requests_served_.corrupt();
  if (request.w[0] == REBOUND_FS_INFO) return info();
  Locked locked(engine_);
  if (stopped_) return status_reply(Error::peer_closed);
  SuspectUnlessDone guard(suspect_);
  rb_message reply = serve(request);
  guard.done();
  return reply;
}

// Whether an in-TAS call may read the volume now (under engine_).
Result<void> FsServer::volume_usable() const {
  if (suspect_) return fail(Error::server_restarted);
  if (stopped_) return fail(Error::peer_closed);
  if (!volume_) return fail(Error::io_error);
  return {};
}

Result<uint64_t> FsServer::file_size(std::string_view path) {
  Locked locked(engine_);
  TRY_VOID(volume_usable());
  SuspectUnlessDone guard(suspect_);
  auto ino = fs::ext2::resolve(*volume_, path);
  auto st = ino ? volume_->stat(*ino) : Result<fs::ext2::Stat>(fail(ino.error()));
  guard.done();
  if (!st) return fail(st.error());
  if (st->type != fs::ext2::FileType::regular) return fail(Error::is_a_directory);
  return st->size;
}

Result<size_t> FsServer::read_file(std::string_view path, uint64_t offset, std::span<uint8_t> out) {
  Locked locked(engine_);
  TRY_VOID(volume_usable());
  SuspectUnlessDone guard(suspect_);
  auto ino = fs::ext2::resolve(*volume_, path);
  auto n = ino ? volume_->read(*ino, offset, out) : Result<size_t>(fail(ino.error()));
  guard.done();
  return n;
}

void FsServer::stop() {
  Locked locked(engine_);
  stopped_ = true;
  if (suspect_ || !volume_) return;  // nothing in memory worth writing
  if (auto r = volume_->unmount(); !r) {
    KLOG_WARN("fs: unmount at power off failed: %s", rebound::to_string(r.error()));
    return;
  }
  volume_.reset();
  KLOG_INFO("fs: volume unmounted clean");
}

rb_message FsServer::serve(const rb_message& request) {
  now_ = wall_seconds();
  const uint64_t errors = device_.errors();
  if (!volume_) {
    // The last remount failed: try again.
    if (auto r = mount(); !r) return status_reply(r.error());
  }
  const RequestBulk bulk = request_bulk();
  const fs::FsBulk client{{bulk.buffer.data, bulk.buffer.size},
                          {bulk.grant.data, bulk.grant.size},
                          bulk.grant_writable};
  fs::FsMessage in;
  for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i) in.w[i] = request.w[i];
  const fs::FsMessage out = requests_.handle(*volume_, in, client);
  rb_message reply{};
  for (unsigned i = 0; i < REBOUND_IPC_WORDS; ++i) reply.w[i] = out.w[i];
  if (device_.errors() != errors) remount_after_device_error();
  return reply;
}

// The disk failed during the request: what the engine holds in memory may
// be half an update (ext2 has no journal). It is dropped unwritten, and the
// volume mounted again from what the disk holds.
void FsServer::remount_after_device_error() {
  KLOG_WARN("fs: the disk failed during a request: mounting the volume again");
  volume_->abandon();
  volume_.reset();
  if (auto r = mount(); !r)
    KLOG_ERROR("fs: mounting again failed: %s (the next request tries again)",
               rebound::to_string(r.error()));
}

rb_message FsServer::info() const {
  const fs::ext2::BlockCacheStats c =
      volume_ ? volume_->cache_stats() : fs::ext2::BlockCacheStats{};
  return ok_reply(generation(), device_.kind(), requests_.changes(), c.writes, c.early_writes);
}

}  // namespace tas
