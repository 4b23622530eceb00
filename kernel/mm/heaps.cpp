#include "mm/heaps.h"

#include <new>

#include "lib/object_count.h"
#include "mm/kernel_memory.h"
#include "mm/virtual_layout.h"
#include "recovery/panic.h"

namespace mm::heaps {
namespace {

// Maps frames for heap growth into the kernel page table; all or nothing.
class KernelBacking final : public Heap::Backing {
 public:
  Result<void> grow(uintptr_t va, size_t bytes) override {
    for (size_t off = 0; off < bytes; off += kPageSize) {
      auto frame = allocate_frames(0);
      auto mapped = frame ? kernel_page_table().map(va + off, frame->phys(), kPageSize,
                                                    perm::read | perm::write)
                          : Result<void>(fail(frame.error()));
      if (!mapped) {
        shrink(va, off);
        return fail(mapped.error());
      }
      frame->release();  // the mapping owns it now; shrink frees it
    }
    return {};
  }
  void shrink(uintptr_t va, size_t bytes) override {
    PageTable& pt = kernel_page_table();
    for (size_t off = 0; off < bytes; off += kPageSize) {
      const auto m = pt.query(va + off);
      KASSERT(m.has_value());
      KASSERT(pt.unmap(va + off, kPageSize).has_value());
      frames().free(m->phys, 0);
    }
  }
};

struct Named {
  const char* name;
  size_t limit;
};
// Slots 0..kNamed-1: the module heaps; the rest for Scratch heaps.
constexpr Named kNamed[] = {{"objects", 64 << 20},
                            {"ipc", 16 << 20},
                            {"page-tables", 16 << 20},
                            {"log", 4 << 20},
                            {"general", 64 << 20}};
constexpr unsigned kNamedCount = sizeof kNamed / sizeof kNamed[0];

KernelBacking g_backing;
alignas(Heap) unsigned char g_storage[kMaxHeaps][sizeof(Heap)];
bool g_live[kMaxHeaps] = {};
bool g_ready = false;

Heap& at(unsigned i) { return *std::launder(reinterpret_cast<Heap*>(g_storage[i])); }

void construct(unsigned i, const char* name, size_t limit) {
  new (g_storage[i]) Heap(name, kHeapsBase + i * kHeapSlotSize, limit, g_backing);
  g_live[i] = true;
}

Heap& named(unsigned i) {
  KASSERT(g_ready);
  return at(i);
}

}  // namespace

void init() {
  for (unsigned i = 0; i < kNamedCount; ++i) construct(i, kNamed[i].name, kNamed[i].limit);
  g_ready = true;
}

bool ready() { return g_ready; }

Heap& objects() { return named(0); }
Heap& ipc() { return named(1); }
Heap& page_tables() { return named(2); }
Heap& log() { return named(3); }
Heap& general() { return named(4); }

Heap* slot(unsigned i) { return i < kMaxHeaps && g_live[i] ? &at(i) : nullptr; }
unsigned slot_count() { return kMaxHeaps; }

Heap* owner_of(const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  if (a < kHeapsBase || a - kHeapsBase >= kMaxHeaps * kHeapSlotSize) return nullptr;
  return slot(static_cast<unsigned>((a - kHeapsBase) / kHeapSlotSize));
}

void free(void* p) {
  if (p == nullptr) return;
  Heap* h = owner_of(p);
  if (h == nullptr) recovery::panic("heaps: free of %p, which belongs to no heap", p);
  h->free(p);
}

Result<Scratch> Scratch::create(const char* name, size_t limit) {
  KASSERT(g_ready);
  if (limit > kHeapSlotSize) return fail(Error::invalid_argument);
  for (unsigned i = kNamedCount; i < kMaxHeaps; ++i) {
    if (!g_live[i]) {
      construct(i, name, limit);
      lib::count_object(REBOUND_OBJECT_HEAP, +1);
      return Scratch(static_cast<int>(i));
    }
  }
  return fail(Error::no_memory);
}

Scratch::~Scratch() {
  if (slot_ < 0) return;
  at(static_cast<unsigned>(slot_)).~Heap();
  g_live[slot_] = false;
  lib::count_object(REBOUND_OBJECT_HEAP, -1);
}

Heap& Scratch::heap() const { return at(static_cast<unsigned>(slot_)); }

}  // namespace mm::heaps
