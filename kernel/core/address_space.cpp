#include "core/address_space.h"

#include "arch/arch.h"
#include "lib/align.h"
#include "lib/slot_bitmap.h"
#include "recovery/panic.h"

namespace core {
namespace {

constexpr size_t kPage = mm::kPageSize;

// ASIDs 1..192 (0 tags the kernel's global entries). aarch64 has 8-bit ASIDs;
// a full table is an error for now (recycling with a flush comes with need).
lib::SlotBitmap<192> g_asids;
lib::SpinLock g_asid_lock;

Result<uint16_t> claim_asid() {
  lib::LockGuard guard(g_asid_lock);
  auto slot = g_asids.claim();
  if (!slot) return fail(Error::no_memory);
  return static_cast<uint16_t>(*slot + 1);
}

void release_asid(uint16_t asid) {
  lib::LockGuard guard(g_asid_lock);
  g_asids.release(asid - 1u);
}

bool page_aligned(uintptr_t v) { return lib::is_aligned(v, uintptr_t{kPage}); }

bool valid_perms(mm::Perms p) {
  const mm::Perms allowed = mm::perm::read | mm::perm::write | mm::perm::execute;
  return (p & ~allowed) == 0 && (p & mm::perm::read) != 0 &&
         (p & (mm::perm::write | mm::perm::execute)) != (mm::perm::write | mm::perm::execute);
}

}  // namespace

AddressSpace::AddressSpace(mm::PageTable table) : table_(std::move(table)) {}

Result<Ref<AddressSpace>> AddressSpace::create() {
  TRY(asid, claim_asid());
  auto table = mm::new_user_page_table(asid);
  if (!table) {
    release_asid(asid);
    return fail(table.error());
  }
  auto space = make_object<AddressSpace>(std::move(*table));
  if (!space) release_asid(asid);  // the table went with the failed construction
  return space;
}

AddressSpace::~AddressSpace() {
  for (unsigned i = 0; i < count_; ++i) release_pages(regions_[i]);
  release_asid(asid());
}

AddressSpace::Region* AddressSpace::find(uintptr_t address) {
  for (unsigned i = 0; i < count_; ++i) {
    if (address >= regions_[i].start && address < regions_[i].end) return &regions_[i];
  }
  return nullptr;
}

Result<unsigned> AddressSpace::insert(Region r) {
  if (count_ == kMaxRegions) return fail(Error::limit_reached);
  unsigned i = 0;
  while (i < count_ && regions_[i].start < r.start) ++i;
  if ((i > 0 && regions_[i - 1].end > r.start) || (i < count_ && regions_[i].start < r.end))
    return fail(Error::already_exists);
  for (unsigned j = count_; j > i; --j) regions_[j] = std::move(regions_[j - 1]);
  regions_[i] = std::move(r);
  ++count_;
  return i;
}

void AddressSpace::remove(unsigned index) {
  for (unsigned j = index; j + 1 < count_; ++j) regions_[j] = std::move(regions_[j + 1]);
  regions_[--count_] = Region{};  // drops a memory object's reference
}

Result<uintptr_t> AddressSpace::find_free(size_t size) const {
  // The first gap above a fixed base that leaves room for program images.
  uintptr_t candidate = uintptr_t{1} << 32;
  for (unsigned i = 0; i < count_; ++i) {
    if (regions_[i].end <= candidate) continue;
    if (regions_[i].start >= candidate + size) break;
    candidate = regions_[i].end;
  }
  if (candidate + size > kUserTop || candidate + size < candidate) return fail(Error::no_memory);
  return candidate;
}

Result<uintptr_t> AddressSpace::place(uintptr_t address, size_t size) const {
  if (address == 0) return find_free(size);
  if (address < kUserBase || address + size > kUserTop || address + size < address)
    return fail(Error::out_of_range);
  return address;
}

void AddressSpace::release_pages(const Region& r) {
  if (r.kind == Kind::window) {
    // Nothing there is this space's; the tables kept for it go too.
    KASSERT(table_.discard(r.start, r.end - r.start).has_value());
    return;
  }
  for (uintptr_t p = r.start; p < r.end; p += kPage) {
    const auto m = table_.query(p);
    if (!m) continue;
    KASSERT(table_.unmap(p, kPage).has_value());
    if (r.kind == Kind::anonymous) {
      mm::frames().free(m->phys, 0);
      --resident_;
    }
  }
}

Result<uintptr_t> AddressSpace::map_anonymous(uintptr_t address, size_t size, mm::Perms perms) {
  if (size == 0 || !page_aligned(address) || !page_aligned(size) || !valid_perms(perms))
    return fail(Error::invalid_argument);
  lib::LockGuard guard(lock_);
  TRY(at, place(address, size));
  TRY(index, insert(Region{at, at + size, perms, Kind::anonymous, 0, {}, 0}));
  (void)index;
  return at;
}

Result<uintptr_t> AddressSpace::map_memory(uintptr_t address, Ref<MemoryObject> memory,
                                           size_t offset, size_t size, mm::Perms perms,
                                           Placer placer) {
  if (!memory || size == 0 || !page_aligned(address) || !page_aligned(offset) ||
      !page_aligned(size) || !valid_perms(perms))
    return fail(Error::invalid_argument);
  if (offset > memory->size() || size > memory->size() - offset) return fail(Error::out_of_range);
  lib::LockGuard guard(lock_);
  TRY(at, place(address, size));
  TRY(index, insert(Region{at, at + size, perms, Kind::shared, 0, std::move(memory), offset / kPage,
                           placer}));
  (void)index;
  return at;
}

Result<uintptr_t> AddressSpace::map_physical(uintptr_t address, mm::PhysAddr phys, size_t size,
                                             mm::Perms perms) {
  if (size == 0 || !page_aligned(address) || !page_aligned(size) || !page_aligned(phys) ||
      !valid_perms(perms))
    return fail(Error::invalid_argument);
  lib::LockGuard guard(lock_);
  TRY(at, place(address, size));
  TRY(index, insert(Region{at, at + size, perms, Kind::physical, phys, {}, 0}));
  auto mapped = table_.map(at, phys, size, perms | mm::perm::user | mm::perm::device);
  if (!mapped) {
    remove(index);
    return fail(mapped.error());
  }
  return at;
}

Result<void> AddressSpace::unmap(uintptr_t address, size_t size, Placer placer) {
  lib::LockGuard guard(lock_);
  for (unsigned i = 0; i < count_; ++i) {
    if (regions_[i].start != address || regions_[i].end - regions_[i].start != size) continue;
    if (placer == Placer::user && !regions_[i].user_may_change()) return fail(Error::access_denied);
    release_pages(regions_[i]);
    remove(i);
    return {};
  }
  return fail(Error::not_found);
}

Result<void> AddressSpace::protect(uintptr_t address, size_t size, mm::Perms perms) {
  if (!valid_perms(perms)) return fail(Error::invalid_argument);
  lib::LockGuard guard(lock_);
  Region* r = find(address);
  if (r == nullptr || r->start != address || r->end - r->start != size)
    return fail(Error::not_found);
  if (!r->user_may_change()) return fail(Error::access_denied);
  r->perms = perms;
  // Device registers stay device memory (uncached, never executable).
  const mm::Perms kept = r->kind == Kind::physical ? mm::perm::device : 0;
  for (uintptr_t p = r->start; p < r->end; p += kPage) {
    if (table_.query(p)) TRY_VOID(table_.protect(p, kPage, perms | mm::perm::user | kept));
  }
  return {};
}

Result<void> AddressSpace::fault_in(Region& r, uintptr_t page) {
  if (r.kind == Kind::shared) {
    // The object owns the frame: a failed map leaves it there for the next touch.
    TRY(phys, r.memory->frame(r.first_page + (page - r.start) / kPage));
    return table_.map(page, phys, kPage, r.perms | mm::perm::user);
  }
  TRY(frame, mm::allocate_zeroed_frame());
  TRY_VOID(table_.map(page, frame.phys(), kPage, r.perms | mm::perm::user));
  frame.release();  // the mapping owns it; release_pages frees it
  ++resident_;
  return {};
}

Result<void> AddressSpace::resolve_fault(uintptr_t address, bool write, bool execute) {
  lib::LockGuard guard(lock_);
  Region* r = find(address);
  if (r == nullptr || !r->faults_in()) return fail(Error::bad_address);
  if ((write && (r->perms & mm::perm::write) == 0) ||
      (execute && (r->perms & mm::perm::execute) == 0))
    return fail(Error::bad_address);
  // One walk: map() refuses a page that is mapped already -- then the fault
  // was a real violation (and an anonymous frame fault_in took goes back).
  auto done = fault_in(*r, lib::align_down(address, uintptr_t{kPage}));
  if (!done && done.error() == Error::already_exists) return fail(Error::bad_address);
  return done;
}

template <class F>
Result<void> AddressSpace::walk(uintptr_t address, size_t size, mm::Perms need, bool loader, F f) {
  if (size == 0) return {};  // touches nothing: any address will do (an empty argv block at 0)
  if (address < kUserBase || address + size > kUserTop || address + size < address)
    return fail(Error::bad_address);
  lib::LockGuard guard(lock_);
  for (size_t done = 0; done < size;) {
    const uintptr_t at = address + done;
    Region* r = find(at);
    if (r == nullptr || !r->faults_in() || (!loader && (r->perms & need) != need))
      return fail(Error::bad_address);
    const uintptr_t page = lib::align_down(at, uintptr_t{kPage});
    auto m = table_.query(page);
    if (!m) {
      TRY_VOID(fault_in(*r, page));
      m = table_.query(page);
    }
    const size_t chunk = kPage - (at - page) < size - done ? kPage - (at - page) : size - done;
    f(reinterpret_cast<unsigned char*>(arch::phys_to_virt(m->phys)) + (at - page), done, chunk);
    done += chunk;
  }
  return {};
}

Result<void> AddressSpace::copy_in(void* to, uintptr_t from, size_t size) {
  auto* out = static_cast<unsigned char*>(to);
  return walk(from, size, mm::perm::read, false,
              [&](unsigned char* p, size_t off, size_t n) { __builtin_memcpy(out + off, p, n); });
}

Result<void> AddressSpace::copy_out(uintptr_t to, const void* from, size_t size) {
  const auto* in = static_cast<const unsigned char*>(from);
  return walk(to, size, mm::perm::write, false,
              [&](unsigned char* p, size_t off, size_t n) { __builtin_memcpy(p, in + off, n); });
}

Result<void> AddressSpace::fill(uintptr_t to, const void* from, size_t size) {
  const auto* in = static_cast<const unsigned char*>(from);
  return walk(to, size, 0, true, [&](unsigned char* p, size_t off, size_t n) {
    if (in != nullptr)
      __builtin_memcpy(p, in + off, n);
    else
      __builtin_memset(p, 0, n);
  });
}

}  // namespace core
