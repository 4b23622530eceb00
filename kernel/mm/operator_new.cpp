// What `new` allocates from in the kernel, for code that names no heap: the
// `general` heap. delete routes by address, so memory from any heap may be
// deleted. (The operators themselves: lib/operator_new.cpp.)
#include "lib/operator_new.h"

#include "mm/heaps.h"

void* lib::allocate_for_new(size_t size) noexcept {
  return mm::heaps::ready() ? mm::heaps::general().allocate(size) : nullptr;
}
void lib::free_for_new(void* p) noexcept { mm::heaps::free(p); }
