#include "runtime/thread.h"

#include <atomic>
#include <new>

#include "runtime/layout.h"
#include "runtime/sys.h"

extern "C" void tas_thread_entry();  // arch/<arch>/thread_entry.S

namespace tas {

ThreadBlock detail::g_first_thread;

namespace {

using detail::block_address;

static_assert(layout::kMaxThreads == 64, "one bit per slot");
std::atomic<uint64_t> g_taken_slots{0};
std::atomic<uint64_t> g_mapped_slots{0};

Result<unsigned> take_slot() {
  uint64_t taken = g_taken_slots.load();
  for (;;) {
    if (~taken == 0) return fail(Error::limit_reached);
    const auto slot = static_cast<unsigned>(__builtin_ctzll(~taken));
    if (g_taken_slots.compare_exchange_weak(taken, taken | uint64_t{1} << slot)) return slot;
  }
}

static_assert((layout::kStacks & (layout::kStackSlot - 1)) == 0 &&
              (layout::kStackSlot & (layout::kStackSlot - 1)) == 0);  // this_thread()

}  // namespace

struct ThreadStart {
  ThreadMain main;
  void* arg;
};

void release_thread_slot(unsigned slot) { g_taken_slots.fetch_and(~(uint64_t{1} << slot)); }

Result<StartedThread> start_thread(const char* name, mm::Heap* heap, ThreadMain main, void* arg) {
  TRY(slot, take_slot());
  const uint64_t bit = uint64_t{1} << slot;
  const uintptr_t stack = layout::kStacks + (slot + 1) * layout::kStackSlot - layout::kStackSize;
  if ((g_mapped_slots.load() & bit) == 0) {
    if (auto mapped = check(RB_SYS4(REBOUND_SYS_VM_MAP, stack, layout::kStackSize,
                                    REBOUND_VM_READ | REBOUND_VM_WRITE, 0)
                                .error);
        !mapped) {
      release_thread_slot(slot);
      return fail(mapped.error());
    }
    g_mapped_slots.fetch_or(bit);
  }
  auto* block = new (reinterpret_cast<void*>(block_address(slot))) ThreadBlock;
  block->heap = heap;
  block->name = name;
  // The start record sits just below the block; the thread's stack starts
  // below it (16-aligned: the entry stub makes the first call's frame).
  auto* start = reinterpret_cast<ThreadStart*>(block_address(slot) - sizeof(ThreadStart));
  *start = ThreadStart{main, arg};
  const uintptr_t top = reinterpret_cast<uintptr_t>(start) & ~uintptr_t{15};
  const rb_result created = RB_SYS3(REBOUND_SYS_THREAD_CREATE,
                                    reinterpret_cast<uintptr_t>(&tas_thread_entry), top, start);
  if (created.error != 0) {
    release_thread_slot(slot);
    return fail(static_cast<Error>(created.error));
  }
  return StartedThread{static_cast<rebound_handle>(created.value), slot};
}

}  // namespace tas

// The first C++ frame of every thread but the first (the entry stub made
// the stack look like a call from nowhere, so unwinding stops here).
extern "C" [[noreturn]] void tas_thread_main(tas::ThreadStart* start) {
  start->main(start->arg);
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
  __builtin_unreachable();
}
