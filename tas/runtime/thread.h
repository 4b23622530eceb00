// TAS threads. Each runs on a stack slot of its own (layout.h) whose top
// holds its ThreadBlock, found from the stack pointer: no thread-pointer
// register needed, and an overflow runs into the guard below the stack, not
// into the block.
#pragma once
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"
#include "recovery/recovery_state.h"

namespace mm {
class Heap;
}

namespace tas {

struct ThreadBlock {
  recovery::RecoveryState recovery;  // catch_unwind regions, exception globals
  mm::Heap* heap = nullptr;          // where operator new allocates (nullptr: the runtime's)
  const char* name = "main";
};

// The running thread's block (the first thread, on the kernel's stack, has
// a static one).
ThreadBlock& this_thread();

using ThreadMain = void (*)(void* arg);

struct StartedThread {
  rebound_handle handle;  // all rights: join, kill
  unsigned slot;          // its stack slot (layout.h)
};

// Starts main(arg) on a new thread called `name` that allocates from `heap`.
// When main returns, the thread exits.
Result<StartedThread> start_thread(const char* name, mm::Heap* heap, ThreadMain main, void* arg);
// The thread in `slot` has ended (joined): its stack slot can be used again
// (its stack stays mapped for the next thread).
void release_thread_slot(unsigned slot);

// Makes the running thread allocate from `heap` until the scope ends.
class HeapScope {
 public:
  explicit HeapScope(mm::Heap* heap) : saved_(this_thread().heap) { this_thread().heap = heap; }
  ~HeapScope() { this_thread().heap = saved_; }
  HeapScope(const HeapScope&) = delete;
  HeapScope& operator=(const HeapScope&) = delete;

 private:
  mm::Heap* saved_;
};

}  // namespace tas
