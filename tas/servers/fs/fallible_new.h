// Array allocation that reports failure as a Result (no_memory) rather than an
// exception. It passes a std::nothrow_t of its own instead of naming
// std::nothrow: that object lives in libsupc++'s new_handler.o, which would
// bring outline atomics and SIMD code the TAS must not link.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

#include "lib/result.h"

namespace tas::fs {

struct ArrayDelete {
  void operator()(void* p) const noexcept { ::operator delete[](p); }
};

// An owned array of trivially destructible elements.
template <class T>
using Array = std::unique_ptr<T[], ArrayDelete>;

// `count` value-initialized elements.
template <class T>
Result<Array<T>> make_array(size_t count) {
  static_assert(std::is_trivially_destructible_v<T>);
  if (count > SIZE_MAX / sizeof(T)) return fail(Error::no_memory);
  void* memory = ::operator new[](count * sizeof(T), std::nothrow_t{});
  if (memory == nullptr) return fail(Error::no_memory);
  T* elements = static_cast<T*>(memory);
  for (size_t i = 0; i < count; ++i) new (elements + i) T();
  return Array<T>(elements);
}

}  // namespace tas::fs
