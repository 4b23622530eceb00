#include "servers/echo/echo_server.h"

#include "rebound/diagnostics.h"
#include "recovery/fault_injection.h"
#include "runtime/bulk.h"
#include "runtime/call.h"
extern "C" {
#include "rb_bulk.h"
}

namespace tas {
namespace {

// An array on the running thread's heap, freed however the scope is left.
class Numbers {
 public:
  explicit Numbers(uint64_t n) : p_(new uint64_t[n]) {}
  ~Numbers() { delete[] p_; }
  Numbers(const Numbers&) = delete;
  Numbers& operator=(const Numbers&) = delete;
  uint64_t& operator[](uint64_t i) { return p_[i]; }

 private:
  uint64_t* p_;
};

}  // namespace

rb_message EchoServer::handle(rb_message& request) {
  requests_.add();
  switch (request.w[0]) {
    case REBOUND_ECHO_WORDS: return words(request);
    case REBOUND_ECHO_WORK: return work(request.w[1]);
    case REBOUND_ECHO_STATS: return stats();
    case REBOUND_ECHO_PEER_CALLS: return peer_calls(request.w[1]);
    case REBOUND_ECHO_KEEP: return keep(request.w[1]);
    case REBOUND_ECHO_BUFFER: return buffer(request.w[1]);
    case REBOUND_ECHO_GRANT_SUM: return grant_sum();
    case REBOUND_ECHO_GRANT_FILL: return grant_fill(request.w[1]);
    case REBOUND_ECHO_SAY: return say(request);
    default: return status_reply(Error::invalid_argument);
  }
}

// One reply object, built in place: the benchmarks' request.
rb_message EchoServer::words(const rb_message& request) {
  rb_message reply = ok_reply();
#pragma GCC unroll 8
  for (unsigned i = 1; i < REBOUND_IPC_WORDS; ++i) reply.w[i] = request.w[i] + i;
  return reply;
}

rb_message EchoServer::work(uint64_t n) {
  if (n == 0 || n > kMaxWork) return status_reply(Error::invalid_argument);
  Numbers numbers(n);
  for (uint64_t i = 0; i < n; ++i) numbers[i] = i + 1;
  // A fault here leaves the array to be freed by the unwinding; a
  // corruption breaks the state, which state_ok finds after the request.
  if (recovery::fault_point("echo.work")) requests_.corrupt();
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; ++i) sum += numbers[i];
  return ok_reply(sum);
}

rb_message EchoServer::stats() {
  const mm::HeapStats h = heap().stats();
  return ok_reply(h.bytes_in_use, h.blocks_in_use, faults().requests_failed, faults().tries_failed,
                  generation());
}

rb_message EchoServer::keep(uint64_t kib) {
  if (kib > kMaxKeepKiB) return status_reply(Error::invalid_argument);
  delete[] kept_;
  kept_ = nullptr;
  if (kib == 0) return ok_reply();
  kept_ = new char[kib << 10];
  for (uint64_t i = 0; i < kib << 10; i += 512) kept_[i] = 1;  // every page touched
  return ok_reply();
}

// The kernel's counters around n calls into the name server: an in-TAS call
// enters no system call and switches no address space, so the differences
// are those of one snapshot call, whatever n is.
rb_message EchoServer::peer_calls(uint64_t n) {
  rebound_resource_snapshot before{}, after{};
  if (const uint64_t e = RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &before).error; e != 0)
    return status_reply(static_cast<Error>(e));
  // A reference to the name service's current generation: renewed if it
  // was restarted since the last request.
  if (names_.stale()) names_ = {};
  if (auto r = renew(names_); !r) return status_reply(r.error());
  uint64_t names = 0;
  const uint64_t t0 = rb_clock();
  for (uint64_t i = 0; i < n; ++i) {
    auto r = call(names_, [](NameServer& s) { return s.count(); });
    if (!r) {
      if (r.error() == Error::server_restarted) names_ = {};  // the next request renews it
      return status_reply(r.error());
    }
    names += *r;
  }
  const uint64_t elapsed = rb_clock() - t0;
  if (const uint64_t e = RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &after).error; e != 0)
    return status_reply(static_cast<Error>(e));
  return ok_reply(after.syscalls - before.syscalls, after.space_switches - before.space_switches,
                  names, elapsed);
}

// The payload is the caller's page, mapped here for good: no copy either way.
rb_message EchoServer::buffer(uint64_t n) {
  const Bytes payload = request_bulk().buffer;
  if (!payload) return status_reply(Error::not_found);
  if (n > payload.size) return status_reply(Error::invalid_argument);
  if (n % 8 != 0) {
    const uint64_t sum = rb_checksum(payload.data, n);
    rb_reverse(payload.data, n);
    return ok_reply(sum);
  }
  // Whole words (the page is aligned): one pass, each word read and written once.
  auto* w = reinterpret_cast<uint64_t*>(payload.data);
  uint64_t sum = 0;
  size_t i = 0, j = n / 8;
  for (; i + 1 < j; ++i) {
    const uint64_t a = w[i], b = w[--j];
    sum += a + b;
    w[i] = __builtin_bswap64(b);
    w[j] = __builtin_bswap64(a);
  }
  if (i + 1 == j) {  // the middle word of an odd count
    sum += w[i];
    w[i] = __builtin_bswap64(w[i]);
  }
  return ok_reply(sum);
}

rb_message EchoServer::grant_sum() {
  const Bytes lent = request_bulk().grant;
  if (!lent) return status_reply(Error::not_found);
  return ok_reply(rb_checksum(lent.data, lent.size), lent.size);
}

// Writes whatever the rights: the kernel maps a read-only grant read-only,
// so the first store faults, the fault becomes an exception
// (runtime/cpu_faults.h), and the request fails after its tries -- which is
// how a client sees that the TAS cannot write what it lent read-only.
rb_message EchoServer::grant_fill(uint64_t byte) {
  const Bytes lent = request_bulk().grant;
  if (!lent) return status_reply(Error::not_found);
  volatile uint8_t* p = lent.data;  // real stores, each of which may fault
  for (size_t i = 0; i < lent.size; ++i) p[i] = static_cast<uint8_t>(byte);
  return ok_reply();
}

// A reference to the current generation of T, if `ref` has none: true if
// one was made.
template <class T>
Result<bool> EchoServer::renew(ServerRef<T>& ref) {
  if (ref) return false;
  TRY(made, supervisor_.ref<T>());
  ref = made;
  return true;
}

rb_message EchoServer::say(const rb_message& request) {
  const uint64_t n = request.w[1];
  if (n > REBOUND_CONSOLE_CHUNK) return status_reply(Error::invalid_argument);
  char bytes[REBOUND_CONSOLE_CHUNK];
  for (uint64_t i = 0; i < n; ++i)
    bytes[i] = static_cast<char>(request.w[2 + i / 8] >> (8 * (i % 8)));
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto renewed = renew(console_);
    if (!renewed) return status_reply(renewed.error());
    console_refs_ += *renewed;
    auto written = call(console_, [&](ConsoleServer& c) { c.write_text(bytes, n); });
    if (written) return ok_reply(n, console_.generation(), console_refs_);
    if (written.error() != Error::server_restarted) return status_reply(written.error());
    // The console was restarted: nothing was written (the call never got
    // in), so trying once at the new generation repeats nothing.
    console_ = {};
  }
  return status_reply(Error::server_restarted);
}

}  // namespace tas
