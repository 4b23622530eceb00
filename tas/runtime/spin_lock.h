// A lock between TAS threads (the supervisor and a server's own thread, say).
// Held only for a few instructions; a thread that finds it taken yields its
// CPU rather than spin against a holder that may have been preempted.
#pragma once
#include <atomic>

#include "runtime/sys.h"

namespace tas {

class SpinLock {
 public:
  void lock() {
    while (held_.exchange(true, std::memory_order_acquire)) rb_yield();
  }
  void unlock() { held_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> held_{false};
};

class Locked {
 public:
  explicit Locked(SpinLock& l) : l_(l) { l_.lock(); }
  ~Locked() { l_.unlock(); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  SpinLock& l_;
};

}  // namespace tas
