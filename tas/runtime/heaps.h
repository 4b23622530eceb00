// The TAS's heaps: one for the runtime and one per server, each the kernel's
// isolated heap (mm/heap.h) over a virtual range of its own (layout.h), so
// that a server's corruption or exhaustion stays in its heap, and dropping a
// server's heap drops everything the server allocated.
#pragma once
#include "lib/result.h"
#include "mm/heap.h"

namespace tas {

// A heap in a free slot; its whole range is reserved at once (the kernel
// fills pages on first touch), so it never maps again. Each use of a slot
// takes the next of its windows (layout.h), so that a pointer left over from
// a destroyed heap faults instead of reaching its successor.
Result<mm::Heap*> create_heap(const char* name);
// Drops `heap` and everything in it (no destructors run): its range is
// unmapped, its pages go back to the kernel, its slot is free again.
void destroy_heap(mm::Heap* heap);
// The runtime's own heap (allocations outside any server).
mm::Heap& runtime_heap();
// The heap whose range holds p, or nullptr.
mm::Heap* heap_containing(const void* p);

}  // namespace tas
