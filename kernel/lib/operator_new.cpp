// Every form of operator new/delete, once, for the kernel and the TAS alike:
// a failing new throws std::bad_alloc (which unwinds to the nearest
// catch_unwind), nothrow new returns nullptr, delete of nullptr does nothing.
#include "lib/operator_new.h"

#include <new>

void* operator new(size_t size) {
  void* p = lib::allocate_for_new(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return lib::allocate_for_new(size);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return lib::allocate_for_new(size);
}

namespace {
void release(void* p) {
  if (p != nullptr) lib::free_for_new(p);
}
}  // namespace

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, size_t) noexcept { release(p); }
void operator delete[](void* p, size_t) noexcept { release(p); }
