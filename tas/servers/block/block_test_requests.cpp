// The block server's requests for tests (test builds only; handle() refuses
// them otherwise): reads from several threads at once, and the device's own
// refusals. The concurrency a user program cannot cause -- the server has
// one request thread -- comes from threads of the server making in-TAS
// calls into it, as the file-system server's threads will.
//
// Test builds only: the request thread is busy until its readers are
// joined, and a loaded host can stretch the thread starts and joins towards
// the supervisor's hang limit -- the restart that follows ends the readers
// (they are the generation's) and the client hears server_restarted.
#include "lib/log.h"
#include "recovery/catch_unwind.h"
#include "runtime/call.h"
#include "runtime/thread.h"
#include "servers/block/block_server.h"
#include "servers/block/virtio_blk.h"

namespace tas {
namespace {

using block::kSectorSize;

constexpr unsigned kMaxThreads = 4, kMaxRounds = 64;
constexpr size_t kMaxSectors = 64;

uint64_t checksum(const uint8_t* p, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum = sum * 31 + p[i];
  return sum;
}

struct Reader {
  BlockServer* server;
  uint64_t first;
  size_t count;
  unsigned rounds;
  uint64_t expected;  // the checksum of a first read of the same sectors
  uint64_t reads = 0, differed = 0;
  uint8_t data[kMaxSectors * kSectorSize];
};

// Each round an in-TAS call, as another server would make it.
void reader_main(void* arg) {
  Reader& r = *static_cast<Reader*>(arg);
  auto ran = recovery::catch_unwind(this_thread().recovery, [&] {
    for (unsigned i = 0; i < r.rounds; ++i) {
      auto read = call(*r.server, [&](BlockServer& b) { return b.read(r.first, r.data, r.count); });
      ++r.reads;
      if (!read || !*read || checksum(r.data, r.count * kSectorSize) != r.expected) ++r.differed;
    }
  });
  if (!ran) r.differed = r.rounds;
}

// The threads started so far, joined however the request ends (they use
// the readers, which go with it). They are the generation's meanwhile
// (Holdings::start_joinable): a restart ends them before their heap goes.
class Joined {
 public:
  explicit Joined(Holdings& holdings) : holdings_(holdings) {}
  ~Joined() {
    for (unsigned i = 0; i < count_; ++i) holdings_.join_thread(threads_[i]);
  }
  void add(rebound_handle t) { threads_[count_++] = t; }

 private:
  Holdings& holdings_;
  rebound_handle threads_[kMaxThreads] = {};
  unsigned count_ = 0;
};

}  // namespace

rb_message BlockServer::parallel_reads(const rb_message& request) {
  const uint64_t threads = request.w[1], first = request.w[2], count = request.w[3],
                 rounds = request.w[4];
  if (threads == 0 || threads > kMaxThreads || count == 0 || count > kMaxSectors || rounds == 0 ||
      rounds > kMaxRounds)
    return status_reply(Error::invalid_argument);
  struct Readers {
    Reader* r;
    ~Readers() { delete[] r; }
  } readers{new Reader[threads]};
  for (unsigned i = 0; i < threads; ++i) {
    Reader& r = readers.r[i];
    r.server = this;
    r.first = first + i * count;
    r.count = count;
    r.rounds = static_cast<unsigned>(rounds);
    if (auto read = this->read(r.first, r.data, count); !read) return status_reply(read.error());
    r.expected = checksum(r.data, count * kSectorSize);
  }
  if (virtio_ != nullptr) virtio_->reset_most_in_flight();
  const uint64_t began = rb_clock();
  {
    Joined joined(holdings());
    for (unsigned i = 0; i < threads; ++i) {
      auto started = holdings().start_joinable("block-reader", &heap(), reader_main, &readers.r[i]);
      if (!started) return status_reply(started.error());
      joined.add(*started);
    }
  }
  uint64_t reads = 0, differed = 0;
  for (unsigned i = 0; i < threads; ++i)
    reads += readers.r[i].reads, differed += readers.r[i].differed;
  const uint64_t most = virtio_ != nullptr ? virtio_->stats().most_in_flight : 1;
  KLOG_INFO("block: %lu reads on %lu threads in %lu us, %lu differed, at most %lu in flight",
            static_cast<unsigned long>(reads), static_cast<unsigned long>(threads),
            static_cast<unsigned long>((rb_clock() - began) / 1000),
            static_cast<unsigned long>(differed), static_cast<unsigned long>(most));
  return ok_reply(reads, differed, most);
}

rb_message BlockServer::device_errors() {
  if (virtio_ == nullptr) return status_reply(Error::not_supported);
  constexpr uint32_t kUnknownType = 0xff;
  auto past_end = virtio_->raw_request(block::VirtioBlk::kTypeIn, virtio_->sectors(), 1);
  auto unknown = virtio_->raw_request(kUnknownType, 0, 0);
  const auto error = [](const Result<void>& r) {
    return r ? uint64_t{0} : static_cast<uint64_t>(r.error());
  };
  return ok_reply(error(past_end), error(unknown));
}

}  // namespace tas
