// Box<T>: the owner of one object allocated from a named heap. Dropping it
// destroys the object and frees its memory into the heap it came from
// (found by address). Move-only.
#pragma once
#include <new>
#include <utility>

#include "lib/result.h"
#include "mm/heaps.h"

namespace mm {

template <class T>
class Box {
 public:
  Box() = default;
  explicit Box(T* p) : p_(p) {}
  Box(Box&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Box& operator=(Box&& o) noexcept {
    if (this != &o) reset(std::exchange(o.p_, nullptr));
    return *this;
  }
  Box(const Box&) = delete;
  Box& operator=(const Box&) = delete;
  ~Box() { reset(); }

  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }

  void reset(T* p = nullptr) {
    if (T* old = std::exchange(p_, p)) {
      old->~T();
      heaps::free(old);
    }
  }

 private:
  T* p_ = nullptr;
};

// Allocates a T from `heap` and constructs it. Out of memory is an error
// result; an exception from T's constructor frees the memory and propagates.
template <class T, class... Args>
Result<Box<T>> make(Heap& heap, Args&&... args) {
  static_assert(alignof(T) <= Heap::kAlign);
  void* memory = heap.allocate(sizeof(T));
  if (memory == nullptr) return fail(Error::no_memory);
  try {
    return Box<T>(new (memory) T(std::forward<Args>(args)...));
  } catch (...) {
    heap.free(memory);
    throw;
  }
}

}  // namespace mm
