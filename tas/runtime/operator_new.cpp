// operator new/delete in the TAS: the running thread's heap -- the heap of
// the server it works for (ThreadBlock::heap, HeapScope) -- or the runtime's.
// A failing new throws std::bad_alloc, which unwinds to the request's
// catch_unwind. delete routes by address, so memory may be freed by any
// thread.
#include <new>

#include "recovery/panic.h"
#include "runtime/heaps.h"
#include "runtime/thread.h"

namespace {
void* allocate(size_t size) {
  mm::Heap* heap = tas::this_thread().heap;
  return (heap != nullptr ? *heap : tas::runtime_heap()).allocate(size);
}
void release(void* p) {
  if (p == nullptr) return;
  mm::Heap* heap = tas::heap_containing(p);
  if (heap == nullptr) recovery::panic("delete of %p: no heap of the TAS owns it", p);
  heap->free(p);
}
}  // namespace

void* operator new(size_t size) {
  void* p = allocate(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, size_t) noexcept { release(p); }
void operator delete[](void* p, size_t) noexcept { release(p); }
