// The base of reference-counted kernel objects (threads, address spaces,
// processes, endpoints...): allocated from a named heap with make_object,
// destroyed and freed into that heap when the last Ref goes.
#pragma once
#include <new>
#include <utility>

#include "lib/ref.h"
#include "lib/result.h"
#include "mm/heaps.h"

namespace core {

template <class T>
using Ref = lib::Ref<T>;

class KernelObject : public lib::RefCounted {
 protected:
  void destroy() final {
    void* memory = dynamic_cast<void*>(this);  // the most derived object's start
    this->~KernelObject();                     // virtual: destroys all of it
    mm::heaps::free(memory);
  }
};

// Allocates a T from `heap` (default: the objects heap) and returns the
// first reference. Out of memory is an error; a throwing constructor frees
// the memory and propagates.
template <class T, class... Args>
Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args) {
  static_assert(alignof(T) <= mm::Heap::kAlign);
  void* memory = heap.allocate(sizeof(T));
  if (memory == nullptr) return fail(Error::no_memory);
  T* object;
  try {
    object = new (memory) T(std::forward<Args>(args)...);
  } catch (...) {
    heap.free(memory);
    throw;
  }
  return Ref<T>(object);
}

template <class T, class... Args>
Result<Ref<T>> make_object(Args&&... args) {
  return make_object_in<T>(mm::heaps::objects(), std::forward<Args>(args)...);
}

}  // namespace core
