// A user address space: a user page table with an ASID, and the regions the
// kernel manages in it -- anonymous memory filled with zero pages on first
// touch, and fixed physical ranges (device registers for servers). It owns
// every frame it filled in; destroying it frees them all, and its tables.
//
// The kernel never dereferences a user pointer. copy_in/copy_out walk the
// page table (faulting in demand-zero pages as the CPU would) and check that
// the range is in the user half, mapped and has the permission the access
// needs; anything else is Error::bad_address.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/kernel_object.h"
#include "lib/object_count.h"
#include "lib/spinlock.h"
#include "mm/kernel_memory.h"

namespace core {

class AddressSpace final : public KernelObject {
 public:
  static constexpr uintptr_t kUserBase = 0x10000;  // nothing is ever mapped below (null pages)
  static constexpr uintptr_t kUserTop = uintptr_t{1} << 47;
  static constexpr unsigned kMaxRegions = 64;

  static Result<Ref<AddressSpace>> create();
  ~AddressSpace() override;

  // An anonymous region of `size` bytes at `address` (0: anywhere free),
  // read / write / execute as `perms` (mm::perm; W^X enforced), zero-filled on
  // first touch. Returns its address.
  Result<uintptr_t> map_anonymous(uintptr_t address, size_t size, mm::Perms perms);
  // A fixed physical range, mapped now; its frames are not this space's.
  Result<void> map_physical(uintptr_t address, mm::PhysAddr phys, size_t size, mm::Perms perms);
  // Removes the regions exactly covering [address, address+size).
  Result<void> unmap(uintptr_t address, size_t size);
  // Changes the permissions of the regions exactly covering the range.
  Result<void> protect(uintptr_t address, size_t size, mm::Perms perms);

  // A fault at `address` from user code: maps a zero page if the address is
  // in an anonymous region that allows the access. Error::bad_address else.
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
  struct Region {
    uintptr_t start = 0, end = 0;
    mm::Perms perms = 0;
    bool anonymous = true;
    mm::PhysAddr phys = 0;  // physical regions
  };
  template <class T, class... Args>
  friend Result<Ref<T>> make_object_in(mm::Heap& heap, Args&&... args);
  AddressSpace(mm::PageTable table);

  Region* find(uintptr_t address);
  Result<unsigned> insert(const Region& r);  // lock held
  Result<uintptr_t> find_free(size_t size) const;
  void release_pages(const Region& r);  // lock held
  template <class F>
  Result<void> walk(uintptr_t address, size_t size, mm::Perms need, bool loader, F f);
  Result<void> fault_in(Region& r, uintptr_t page);  // lock held

  mm::PageTable table_;
  Region regions_[kMaxRegions];
  unsigned count_ = 0;   // regions_[0..count_) sorted by start
  size_t resident_ = 0;  // anonymous pages faulted in
  mutable lib::SpinLock lock_;
  lib::Counted<REBOUND_OBJECT_ADDRESS_SPACE> counted_;
};

}  // namespace core
