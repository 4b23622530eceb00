// A reference from one server to another that the supervisor may restart:
// it names one generation of the callee. A call through it (tas::call,
// call.h) reaches that generation or fails with Error::server_restarted --
// never a successor that has not heard of the caller's earlier calls, and
// never a server whose heap is gone: the supervisor drops a replaced
// generation only once no call through a reference is inside it (it waits
// for that; see Supervisor::replace). The caller gets a new reference from
// the supervisor (Supervisor::ref) and decides whether to try again.
//
// How it stays cheap and safe without a lock: a caller counts itself in
// (inside[generation % 2]) and then checks the generation; the supervisor
// publishes the next generation and then waits for the old count to reach
// zero. Both sequentially consistent, so either the caller sees the new
// generation (and backs out) or the supervisor sees the caller inside.
#pragma once
#include <atomic>

#include "lib/result.h"

namespace tas {

class Server;

// Where the supervisor keeps one restartable server: the current generation
// (0 while none serves) and the in-TAS callers inside each of the last two.
struct ServerHome {
  const char* name = nullptr;
  std::atomic<Server*> server{nullptr};
  std::atomic<unsigned> generation{0};
  std::atomic<unsigned> inside[2] = {};
};

template <class T>
class ServerRef {
 public:
  ServerRef() = default;
  ServerRef(ServerHome& home, T& server, unsigned generation)
      : home_(&home), server_(&server), generation_(generation) {}

  explicit operator bool() const { return home_ != nullptr; }
  unsigned generation() const { return generation_; }
  // Its generation has been replaced (a hint: enter() decides).
  bool stale() const { return home_ != nullptr && home_->generation.load() != generation_; }

  // Counts the caller in: the server, or Error::server_restarted if its
  // generation was replaced (then the caller is not counted).
  Result<T*> enter() const {
    ServerHome* const home = home_;
    const unsigned generation = generation_;
    if (home == nullptr) return fail(Error::not_found);
    std::atomic<unsigned>& inside = home->inside[generation % 2];
    inside.fetch_add(1);
    if (home->generation.load() != generation) [[unlikely]] {
      inside.fetch_sub(1);
      return fail(Error::server_restarted);
    }
    return server_;
  }
  void leave() const { home_->inside[generation_ % 2].fetch_sub(1); }

 private:
  ServerHome* home_ = nullptr;
  T* server_ = nullptr;
  unsigned generation_ = 0;
};

}  // namespace tas
