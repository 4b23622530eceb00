// A lock for TAS threads that hold it for a few instructions or a few bytes
// of serial output: a waiter yields its CPU rather than spin, so that a
// holder preempted on the same CPU gets to finish.
#pragma once
#include <atomic>

#include "runtime/sys.h"

namespace tas::console {

class YieldLock {
 public:
  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) rb_yield();
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

class Locked {
 public:
  explicit Locked(YieldLock& l) : lock_(l) { lock_.lock(); }
  ~Locked() { lock_.unlock(); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  YieldLock& lock_;
};

}  // namespace tas::console
