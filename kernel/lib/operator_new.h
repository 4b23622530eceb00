// operator new/delete (lib/operator_new.cpp) in terms of two functions that
// each environment -- the kernel (mm/operator_new.cpp), the TAS
// (tas/runtime/operator_new.cpp) -- defines for its own heaps.
#pragma once
#include <cstddef>

namespace lib {
// Memory for `new`, or nullptr when there is none (new then throws
// std::bad_alloc; nothrow new returns nullptr).
void* allocate_for_new(size_t size) noexcept;
// Gives back memory from allocate_for_new (p is never nullptr).
void free_for_new(void* p) noexcept;
}  // namespace lib
