// operator new/delete on the kernel heap. A failing new throws std::bad_alloc
// (which unwinds to the nearest catch_unwind); nothrow new returns nullptr.
#include "mm/kernel_heap.h"

#include <new>

namespace mm {
namespace {
constexpr size_t kKernelHeapSize = 4 << 20;
// In .noinit: a heap hands out memory uninitialised, so boot need not spend
// millions of instructions zeroing it.
[[gnu::section(".noinit")]] alignas(16) unsigned char g_arena[kKernelHeapSize];
}  // namespace

Heap& kernel_heap() {
  static Heap heap("kernel", g_arena, sizeof g_arena);
  return heap;
}

}  // namespace mm

void* operator new(size_t size) {
  void* p = mm::kernel_heap().allocate(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return mm::kernel_heap().allocate(size);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return mm::kernel_heap().allocate(size);
}
void operator delete(void* p) noexcept { mm::kernel_heap().free(p); }
void operator delete[](void* p) noexcept { mm::kernel_heap().free(p); }
void operator delete(void* p, size_t) noexcept { mm::kernel_heap().free(p); }
void operator delete[](void* p, size_t) noexcept { mm::kernel_heap().free(p); }
