// A user address space: a user page table with an ASID, and the regions the
// kernel manages in it -- anonymous memory filled with zero pages on first
// touch, shared regions (a window on a memory object, whose pages are mapped
// on first touch too), fixed physical ranges (device registers for
// servers), and windows (ranges where the kernel alone maps pages it does
// not own: the TAS's message-buffer area, grant windows). It owns every frame
// of its anonymous regions and a reference to each memory object it maps;
// destroying it frees those frames, drops those references, and frees its
// tables.
//
// Regions the kernel placed (message buffers, windows) and regions lent out
// by a grant in progress (pinned) are beyond the reach of the VM calls:
// unmapping or protecting them is Error::access_denied. That is what keeps a
// lent frame mapped in the server only while its owner still has it.
//
// The kernel never dereferences a user pointer. copy_in/copy_out walk the
// page table (faulting in demand-zero pages as the CPU would) and check that
// the range is in the user half, mapped and has the permission the access
// needs; anything else is Error::bad_address.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/kernel_object.h"
#include "core/memory_object.h"
#include "lib/object_count.h"
#include "lib/spinlock.h"
#include "mm/kernel_memory.h"

namespace core {

class AddressSpace final : public KernelObject {
 public:
  static constexpr uintptr_t kUserBase = 0x10000;  // nothing is ever mapped below (null pages)
  static constexpr uintptr_t kUserTop = uintptr_t{1} << 47;
  static constexpr unsigned kMaxRegions = 64;

  // Who asks for a change: user code (the VM calls) may not touch what the
  // kernel placed.
  enum class Placer : uint8_t { user, kernel };

  static Result<Ref<AddressSpace>> create();
  ~AddressSpace() override;

  // An anonymous region of `size` bytes at `address` (0: anywhere free),
  // read / write / execute as `perms` (mm::perm; W^X enforced), zero-filled on
  // first touch. Returns its address.
  Result<uintptr_t> map_anonymous(uintptr_t address, size_t size, mm::Perms perms);
  // A fixed physical range (device registers: uncached, never executable)
  // at `address` (0: anywhere free), mapped now; its frames are not this
  // space's. Returns its address.
  Result<uintptr_t> map_physical(uintptr_t address, mm::PhysAddr phys, size_t size,
                                 mm::Perms perms);
  // A shared region: `size` bytes of `memory` from `offset` on (both page
  // aligned, inside the object) at `address` (0: anywhere free), with
  // `perms`. Returns its address. The region keeps the object alive.
  Result<uintptr_t> map_memory(uintptr_t address, Ref<MemoryObject> memory, size_t offset,
                               size_t size, mm::Perms perms, Placer placer = Placer::user);
  // Removes the region exactly covering [address, address+size).
  Result<void> unmap(uintptr_t address, size_t size, Placer placer = Placer::user);
  // Changes the permissions of the region exactly covering the range.
  Result<void> protect(uintptr_t address, size_t size, mm::Perms perms);

  // Windows (address_space_window.cpp). A window of `size` bytes anywhere
  // free: nothing faults in there, and only map_in_window puts pages in.
  // Removed with unmap(..., Placer::kernel), whatever is mapped in it.
  Result<uintptr_t> reserve_window(size_t size);
  // Maps `size` bytes of frames from `phys` at `address`, inside a window.
  Result<void> map_in_window(uintptr_t address, mm::PhysAddr phys, size_t size, mm::Perms perms);
  // Unmaps [address, address+size) inside a window; every page must be mapped.
  Result<void> unmap_in_window(uintptr_t address, size_t size);

  // Lending (grants). Checks that [address, address+size) lies in anonymous
  // or shared regions of user code's that allow `perms`, faults in every
  // page, and pins those regions until unpin(): Error::bad_address else.
  Result<void> pin(uintptr_t address, size_t size, mm::Perms perms);
  void unpin(uintptr_t address, size_t size);
  // What is mapped at `address` now (frame and permissions), if anything.
  std::optional<mm::Mapping> query(uintptr_t address) const { return table_.query(address); }

  // A fault at `address` from user code: maps the page if the address is in
  // an anonymous region (a zero page) or a shared one (the object's page)
  // that allows the access. Error::bad_address else.
  Result<void> resolve_fault(uintptr_t address, bool write, bool execute);

  Result<void> copy_in(void* to, uintptr_t from, size_t size);
  Result<void> copy_out(uintptr_t to, const void* from, size_t size);
  // For the program loader: writes regardless of the region's write
  // permission (from == nullptr: zeroes).
  Result<void> fill(uintptr_t to, const void* from, size_t size);

  uint64_t root() const { return table_.root(); }
  uint16_t asid() const { return table_.asid(); }
  size_t resident_pages() const { return resident_; }

 private:
  enum class Kind : uint8_t { anonymous, shared, physical, window };
  struct Region {
    uintptr_t start = 0, end = 0;
    mm::Perms perms = 0;
    Kind kind = Kind::anonymous;
    mm::PhysAddr phys = 0;     // physical regions
    Ref<MemoryObject> memory;  // shared regions: the object,
    size_t first_page = 0;     // and the page of it mapped at start
    Placer placer = Placer::user;
    uint32_t pins = 0;  // grants in progress that lend pages of it
    bool faults_in() const { return kind == Kind::anonymous || kind == Kind::shared; }
    // What the VM calls may unmap or protect.
    bool user_may_change() const { return placer == Placer::user && pins == 0; }
  };
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  AddressSpace(mm::PageTable table);

  Region* find(uintptr_t address);
  Region* find_window(uintptr_t address, size_t size);  // lock held
  Result<unsigned> insert(Region r);                    // lock held
  void remove(unsigned index);                          // lock held; the pages must be gone
  Result<uintptr_t> place(uintptr_t address, size_t size) const;  // lock held
  Result<uintptr_t> find_free(size_t size) const;
  void release_pages(const Region& r);  // lock held
  template <class F>
  Result<void> walk(uintptr_t address, size_t size, mm::Perms need, bool loader, F f);
  Result<void> fault_in(Region& r, uintptr_t page);  // lock held

  mm::PageTable table_;
  Region regions_[kMaxRegions];
  unsigned count_ = 0;   // regions_[0..count_) sorted by start
  size_t resident_ = 0;  // anonymous pages faulted in (shared ones are the object's)
  mutable lib::SpinLock lock_;
  lib::Counted<REBOUND_OBJECT_ADDRESS_SPACE> counted_;
};

}  // namespace core
