// The kernel's heaps, one per module, each in its own 1 GiB slot of the
// dynamic region with its own limit: a module that exhausts or corrupts its
// heap cannot take another module's memory or corrupt its blocks.
//
//   auto thread = mm::make<Thread>(mm::heaps::objects(), args...);  // Result<Box<Thread>>
//
// Frees route to the owning heap by address (mm::heaps::free, Box, delete).
#pragma once
#include <cstddef>

#include "lib/result.h"
#include "mm/heap.h"

namespace mm::heaps {

Heap& objects();      // kernel objects (threads, address spaces, endpoints...)
Heap& ipc();          // IPC buffers and bookkeeping
Heap& page_tables();  // page-table bookkeeping (not the tables: those are frames)
Heap& log();          // logging and diagnostics
Heap& general();      // plain operator new, for code that names no heap

// Sets up the named heaps (mm::init calls it once the page table works).
void init();
bool ready();

// Routes `p` to the heap whose range holds it; a pointer in no heap raises
// a fault.
void free(void* p);
Heap* owner_of(const void* p);

// Every live heap, for accounting: calls f(heap) for each.
template <class F>
void for_each(F f);

// An extra heap in a free slot (tests, and later one per TAS server),
// removed with everything it mapped when the owner goes.
class Scratch {
 public:
  static Result<Scratch> create(const char* name, size_t limit);
  Scratch(Scratch&& o) noexcept : slot_(o.slot_) { o.slot_ = -1; }
  Scratch& operator=(Scratch&&) = delete;
  ~Scratch();
  Heap& heap() const;

 private:
  explicit Scratch(int slot) : slot_(slot) {}
  int slot_;
};

// --- implementation detail of for_each
Heap* slot(unsigned i);
unsigned slot_count();
template <class F>
void for_each(F f) {
  for (unsigned i = 0; i < slot_count(); ++i) {
    if (Heap* h = slot(i)) f(*h);
  }
}

}  // namespace mm::heaps
