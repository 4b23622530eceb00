#include "core/grant.h"

#include "lib/log.h"
#include "recovery/panic.h"

namespace core {
namespace {

constexpr size_t kPage = mm::kPageSize;

mm::Perms perms_of(bool writable) {
  return writable ? mm::perm::read | mm::perm::write : mm::perm::read;
}

}  // namespace

Result<uintptr_t> GrantWindow::base(AddressSpace& space) {
  if (space_) return base_;
  TRY(at, space.reserve_window(REBOUND_GRANT_MAX));
  space_ = Ref<AddressSpace>(&space);
  base_ = at;
  return at;
}

void GrantWindow::release() {
  if (!space_) return;
  // Empty by now: a grant in it ends before its server thread does.
  (void)space_->unmap(base_, REBOUND_GRANT_MAX, AddressSpace::Placer::kernel);
  space_.reset();
  base_ = 0;
}

Result<Grant> Grant::offer(Ref<AddressSpace> owner, const GrantDescriptor& d) {
  TRY_VOID(owner->pin(d.address, d.size, perms_of(d.writable)));
  Grant g;
  g.owner_ = std::move(owner);
  g.address_ = d.address;
  g.size_ = d.size;
  g.writable_ = d.writable;
  return g;
}

Grant& Grant::operator=(Grant&& o) noexcept {
  if (this == &o) return *this;
  end();
  owner_ = std::move(o.owner_);
  address_ = o.address_;
  size_ = o.size_;
  writable_ = o.writable_;
  borrower_ = std::move(o.borrower_);
  lent_at_ = o.lent_at_;
  return *this;
}

Result<uintptr_t> Grant::lend(AddressSpace& borrower, GrantWindow& window) {
  KASSERT(offered() && !lent());
  TRY(base, window.base(borrower));
  // Runs of physically contiguous frames go in with one call each.
  auto next = owner_->query(address_);
  for (size_t done = 0; done < size_;) {
    KASSERT(next.has_value());  // pinned regions keep their pages
    const mm::PhysAddr first = next->phys;
    size_t run = kPage;
    for (; done + run < size_; run += kPage) {
      next = owner_->query(address_ + done + run);
      if (!next || next->phys != first + run) break;
    }
    if (auto m = borrower.map_in_window(base + done, first, run, perms_of(writable_)); !m) {
      if (done > 0) KASSERT(borrower.unmap_in_window(base, done).has_value());
      return fail(m.error());
    }
    done += run;
  }
  borrower_ = Ref<AddressSpace>(&borrower);
  lent_at_ = base;
  return base;
}

void Grant::end() {
  if (borrower_) {
    // Gone from the server (and every TLB) before the caller hears back.
    // (It cannot fail: the server cannot touch its window. Never throw here.)
    if (!borrower_->unmap_in_window(lent_at_, size_)) KLOG_ERROR("grant: window not as lent");
    borrower_.reset();
    lent_at_ = 0;
  }
  if (owner_) {
    owner_->unpin(address_, size_);
    owner_.reset();
  }
}

}  // namespace core
