// The parts of AddressSpace that serve message buffers and grants
// (core/grant.h, core/message_buffer.h): windows, where the kernel maps
// frames another space owns, and pins, which keep lent regions in place.
#include "core/address_space.h"
#include "lib/align.h"

namespace core {
namespace {

constexpr size_t kPage = mm::kPageSize;

bool whole_pages(uintptr_t address, size_t size) {
  return size != 0 && lib::is_aligned(address, uintptr_t{kPage}) &&
         lib::is_aligned(size, size_t{kPage});
}

}  // namespace

AddressSpace::Region* AddressSpace::find_window(uintptr_t address, size_t size) {
  Region* r = find(address);
  if (r == nullptr || r->kind != Kind::window || size > r->end - address) return nullptr;
  return r;
}

Result<uintptr_t> AddressSpace::reserve_window(size_t size) {
  if (!whole_pages(0, size)) return fail(Error::invalid_argument);
  lib::LockGuard guard(lock_);
  TRY(at, find_free(size));
  TRY(index, insert(Region{at, at + size, mm::perm::read, Kind::window, 0, {}, 0, Placer::kernel}));
  (void)index;
  return at;
}

Result<void> AddressSpace::map_in_window(uintptr_t address, mm::PhysAddr phys, size_t size,
                                         mm::Perms perms) {
  if (!whole_pages(address, size)) return fail(Error::invalid_argument);
  lib::LockGuard guard(lock_);
  if (find_window(address, size) == nullptr) return fail(Error::not_found);
  return table_.map(address, phys, size, perms | mm::perm::user);
}

Result<void> AddressSpace::unmap_in_window(uintptr_t address, size_t size) {
  if (!whole_pages(address, size)) return fail(Error::invalid_argument);
  lib::LockGuard guard(lock_);
  if (find_window(address, size) == nullptr) return fail(Error::not_found);
  // With TLB invalidation (and shootdown) per page. The tables stay for the
  // next grant: mapping one then needs none.
  return table_.unmap(address, size, mm::PageTable::Tables::keep);
}

Result<void> AddressSpace::pin(uintptr_t address, size_t size, mm::Perms perms) {
  if (address < kUserBase || address > kUserTop || size > kUserTop - address)
    return fail(Error::bad_address);
  lib::LockGuard guard(lock_);
  // Check it all before changing anything: the range may span regions.
  for (uintptr_t at = address; at < address + size;) {
    const Region* r = find(at);
    if (r == nullptr || !r->faults_in() || r->placer != Placer::user || (r->perms & perms) != perms)
      return fail(Error::bad_address);
    at = r->end;
  }
  // The frames must exist to be lent. Pages faulted in here stay, as if
  // the owner had touched them, should a later one fail.
  for (uintptr_t page = address; page < address + size; page += kPage) {
    if (!table_.query(page)) TRY_VOID(fault_in(*find(page), page));
  }
  for (uintptr_t at = address; at < address + size;) {
    Region* r = find(at);
    ++r->pins;
    at = r->end;
  }
  return {};
}

void AddressSpace::unpin(uintptr_t address, size_t size) {
  lib::LockGuard guard(lock_);
  // Pinned regions cannot have been unmapped: the same regions are there.
  for (uintptr_t at = address; at < address + size;) {
    Region* r = find(at);
    if (r == nullptr) return;
    if (r->pins > 0) --r->pins;
    at = r->end;
  }
}

}  // namespace core
