// operator new/delete for code that names no heap: the `general` heap. A
// failing new throws std::bad_alloc (which unwinds to the nearest
// catch_unwind); nothrow new returns nullptr. delete routes by address, so
// memory from any heap may be deleted.
#include <new>

#include "mm/heaps.h"

namespace {
void* allocate(size_t size) {
  return mm::heaps::ready() ? mm::heaps::general().allocate(size) : nullptr;
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
void operator delete(void* p) noexcept { mm::heaps::free(p); }
void operator delete[](void* p) noexcept { mm::heaps::free(p); }
void operator delete(void* p, size_t) noexcept { mm::heaps::free(p); }
void operator delete[](void* p, size_t) noexcept { mm::heaps::free(p); }
