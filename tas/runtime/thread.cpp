#include "runtime/thread.h"

#include <atomic>
#include <new>

#include "runtime/layout.h"
#include "runtime/sys.h"

extern "C" void tas_thread_entry();  // arch/<arch>/thread_entry.S

namespace tas {
namespace {

ThreadBlock g_first_thread;
std::atomic<unsigned> g_next_slot{0};

constexpr size_t kBlockSize = (sizeof(ThreadBlock) + 15) & ~size_t{15};

uintptr_t block_address(unsigned slot) {
  return layout::kStacks + (slot + 1) * layout::kStackSlot - kBlockSize;
}

}  // namespace

struct ThreadStart {
  ThreadMain main;
  void* arg;
};

ThreadBlock& this_thread() {
  const auto sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const uintptr_t offset = sp - layout::kStacks;
  if (offset >= uintptr_t{layout::kMaxThreads} * layout::kStackSlot) return g_first_thread;
  return *reinterpret_cast<ThreadBlock*>(block_address(offset / layout::kStackSlot));
}

Result<rebound_handle> start_thread(const char* name, mm::Heap* heap, ThreadMain main, void* arg) {
  const unsigned slot = g_next_slot.fetch_add(1);
  if (slot >= layout::kMaxThreads) return fail(Error::limit_reached);
  const uintptr_t stack = layout::kStacks + (slot + 1) * layout::kStackSlot - layout::kStackSize;
  TRY_VOID(check(
      RB_SYS4(REBOUND_SYS_VM_MAP, stack, layout::kStackSize, REBOUND_VM_READ | REBOUND_VM_WRITE, 0)
          .error));
  auto* block = new (reinterpret_cast<void*>(block_address(slot))) ThreadBlock;
  block->heap = heap;
  block->name = name;
  // The start record sits just below the block; the thread's stack starts
  // below it (16-aligned: the entry stub makes the first call's frame).
  auto* start = reinterpret_cast<ThreadStart*>(block_address(slot) - sizeof(ThreadStart));
  *start = ThreadStart{main, arg};
  const uintptr_t top = reinterpret_cast<uintptr_t>(start) & ~uintptr_t{15};
  TRY(handle, value(RB_SYS3(REBOUND_SYS_THREAD_CREATE,
                            reinterpret_cast<uintptr_t>(&tas_thread_entry), top, start)));
  return static_cast<rebound_handle>(handle);
}

}  // namespace tas

// The first C++ frame of every thread but the first (the entry stub made
// the stack look like a call from nowhere, so unwinding stops here).
extern "C" [[noreturn]] void tas_thread_main(tas::ThreadStart* start) {
  start->main(start->arg);
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
  __builtin_unreachable();
}
