#include "runtime/heaps.h"

#include <atomic>
#include <new>

#include "runtime/layout.h"
#include "runtime/sys.h"

namespace tas {
namespace {

// The range is mapped (demand-zero) when the heap is made: growing is free.
class Reserved final : public mm::Heap::Backing {
 public:
  Result<void> grow(uintptr_t, size_t) override { return {}; }
  void shrink(uintptr_t, size_t) override {}
};
Reserved g_reserved;

alignas(mm::Heap) unsigned char g_storage[layout::kMaxHeaps][sizeof(mm::Heap)];
std::atomic<mm::Heap*> g_heaps[layout::kMaxHeaps];
std::atomic<bool> g_taken[layout::kMaxHeaps];
unsigned g_uses[layout::kMaxHeaps];  // by whoever took the slot

constexpr unsigned kWindows = layout::kHeapSlot / layout::kHeapLimit;

}  // namespace

Result<mm::Heap*> create_heap(const char* name) {
  unsigned slot = 0;
  while (slot < layout::kMaxHeaps && g_taken[slot].exchange(true)) ++slot;
  if (slot == layout::kMaxHeaps) return fail(Error::limit_reached);
  const uintptr_t base =
      layout::kHeaps + slot * layout::kHeapSlot + (g_uses[slot]++ % kWindows) * layout::kHeapLimit;
  if (auto mapped = check(RB_SYS4(REBOUND_SYS_VM_MAP, base, layout::kHeapLimit,
                                  REBOUND_VM_READ | REBOUND_VM_WRITE, 0)
                              .error);
      !mapped) {
    g_taken[slot].store(false);
    return fail(mapped.error());
  }
  auto* heap = new (g_storage[slot]) mm::Heap(name, base, layout::kHeapLimit, g_reserved);
  g_heaps[slot].store(heap);
  return heap;
}

void destroy_heap(mm::Heap* heap) {
  const unsigned slot = (heap->base() - layout::kHeaps) / layout::kHeapSlot;
  const uintptr_t base = heap->base();
  g_heaps[slot].store(nullptr);
  heap->~Heap();
  RB_SYS3(REBOUND_SYS_VM_UNMAP, base, layout::kHeapLimit, 0);
  g_taken[slot].store(false);
}

mm::Heap& runtime_heap() {
  static mm::Heap* heap = [] {
    auto h = create_heap("tas");
    if (!h) rb_exit(100);  // no memory at all: nothing can run
    return *h;
  }();
  return *heap;
}

mm::Heap* heap_containing(const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  if (a < layout::kHeaps) return nullptr;
  const uintptr_t slot = (a - layout::kHeaps) / layout::kHeapSlot;
  if (slot >= layout::kMaxHeaps) return nullptr;
  mm::Heap* h = g_heaps[slot].load();
  return h != nullptr && h->contains(p) ? h : nullptr;
}

}  // namespace tas
