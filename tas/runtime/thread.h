// TAS threads. Each runs on a stack slot of its own (layout.h) whose top
// holds its ThreadBlock, found from the stack pointer: no thread-pointer
// register needed, and an overflow runs into the guard below the stack, not
// into the block.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"
#include "recovery/recovery_state.h"
#include "runtime/layout.h"

namespace mm {
class Heap;
}

struct rebound_ipc_record;

namespace tas {

struct ThreadBlock {
  recovery::RecoveryState recovery;  // catch_unwind regions, exception globals
  mm::Heap* heap = nullptr;          // where operator new allocates (nullptr: the runtime's)
  const char* name = "main";
  // Its message buffer's receive record (bulk.h), once it has one.
  const volatile rebound_ipc_record* ipc_record = nullptr;
};

namespace detail {
extern ThreadBlock g_first_thread;
constexpr size_t kBlockSize = (sizeof(ThreadBlock) + 15) & ~size_t{15};
// The block at the top of stack slot `slot`.
constexpr uintptr_t block_address(unsigned slot) {
  return layout::kStacks + (slot + 1) * layout::kStackSlot - kBlockSize;
}
}  // namespace detail

// The running thread's block (the first thread, on the kernel's stack, has
// a static one). Inline: every request and in-TAS call finds its heap and
// its catch_unwind state here.
inline ThreadBlock& this_thread() {
  const auto sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (sp - layout::kStacks >= uintptr_t{layout::kMaxThreads} * layout::kStackSlot) [[unlikely]]
    return detail::g_first_thread;
  // The top of sp's slot (slots are aligned to their size), less the block.
  return *reinterpret_cast<ThreadBlock*>((sp | (layout::kStackSlot - 1)) + 1 - detail::kBlockSize);
}

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
  explicit HeapScope(mm::Heap* heap) : HeapScope(this_thread(), heap) {}
  // The same for `thread`, the running thread's block.
  HeapScope(ThreadBlock& thread, mm::Heap* heap) : thread_(thread), saved_(thread.heap) {
    thread.heap = heap;
  }
  ~HeapScope() { thread_.heap = saved_; }
  HeapScope(const HeapScope&) = delete;
  HeapScope& operator=(const HeapScope&) = delete;

 private:
  ThreadBlock& thread_;
  mm::Heap* saved_;
};

}  // namespace tas
