// What `new` allocates from in the TAS: the running thread's heap -- the heap
// of the server it works for (ThreadBlock::heap, HeapScope) -- or the
// runtime's. delete routes by address, so memory may be freed by any thread.
// (The operators themselves: the kernel's lib/operator_new.cpp.)
#include "lib/operator_new.h"

#include "recovery/panic.h"
#include "runtime/heaps.h"
#include "runtime/thread.h"

void* lib::allocate_for_new(size_t size) noexcept {
  mm::Heap* heap = tas::this_thread().heap;
  return (heap != nullptr ? *heap : tas::runtime_heap()).allocate(size);
}

void lib::free_for_new(void* p) noexcept {
  mm::Heap* heap = tas::heap_containing(p);
  if (heap == nullptr) recovery::panic("delete of %p: no heap of the TAS owns it", p);
  heap->free(p);
}
