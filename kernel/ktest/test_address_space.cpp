// User address spaces from the kernel's side: regions, zero-fill on demand,
// checked copies in and out, and nothing left behind when one goes.
#include "core/address_space.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/tracker.h"

namespace {

using core::AddressSpace;
using core::Ref;
namespace perm = mm::perm;
constexpr uintptr_t kBase = 0x400000;
constexpr size_t kPage = mm::kPageSize;

Ref<AddressSpace> new_space() {
  auto s = AddressSpace::create();
  KEXPECT(s.has_value());
  return s ? *s : Ref<AddressSpace>();
}

}  // namespace

KTEST(address_space_copies_fault_in_zero_pages) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    Ref<AddressSpace> as = new_space();
    KEXPECT(as->map_anonymous(kBase, 4 * kPage, perm::read | perm::write).has_value());
    KEXPECT_EQ(as->resident_pages(), 0u);
    char zeros[16] = {1};
    KEXPECT(as->copy_in(zeros, kBase + 3 * kPage + 100, sizeof zeros).has_value());
    KEXPECT_EQ(zeros[0], 0);
    KEXPECT_EQ(as->resident_pages(), 1u);
    // A copy across a page boundary.
    const char text[] = "across the page boundary";
    KEXPECT(as->copy_out(kBase + kPage - 10, text, sizeof text).has_value());
    char back[sizeof text] = {};
    KEXPECT(as->copy_in(back, kBase + kPage - 10, sizeof back).has_value());
    KEXPECT(ktest::contains(back, "across the page boundary"));
    KEXPECT_EQ(as->resident_pages(), 3u);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(address_space_rejects_bad_user_pointers) {
  Ref<AddressSpace> as = new_space();
  KEXPECT(as->map_anonymous(kBase, kPage, perm::read).has_value());
  char buf[32];
  // Unmapped, null page, kernel address, wrapping, past the user half, too long.
  KEXPECT(as->copy_in(buf, kBase + kPage, 8).error() == Error::bad_address);
  KEXPECT(as->copy_in(buf, 0, 8).error() == Error::bad_address);
  KEXPECT(as->copy_in(buf, reinterpret_cast<uintptr_t>(buf), 8).error() == Error::bad_address);
  KEXPECT(as->copy_in(buf, ~uintptr_t{0} - 4, 8).error() == Error::bad_address);
  KEXPECT(as->copy_in(buf, AddressSpace::kUserTop - 4, 8).error() == Error::bad_address);
  KEXPECT(as->copy_in(buf, kBase + kPage - 8, 16).error() == Error::bad_address);
  // Read-only: no copy out, and no fault-in for a write.
  KEXPECT(as->copy_out(kBase, "x", 1).error() == Error::bad_address);
  // Faults: only a missing page of an anonymous region, with the access allowed.
  const uintptr_t fresh = kBase + 4 * kPage;
  KEXPECT(as->map_anonymous(fresh, kPage, perm::read).has_value());
  KEXPECT(as->resolve_fault(fresh, true, false).error() == Error::bad_address);  // read-only
  KEXPECT(as->resolve_fault(fresh, false, true).error() == Error::bad_address);  // not executable
  KEXPECT(as->resolve_fault(fresh, false, false).has_value());
  KEXPECT(as->resolve_fault(fresh, false, false).error() == Error::bad_address);  // already there
  KEXPECT(as->resolve_fault(kBase + 2 * kPage, false, false).error() == Error::bad_address);
}

KTEST(address_space_regions_are_checked_and_exclusive) {
  Ref<AddressSpace> as = new_space();
  KEXPECT(as->map_anonymous(kBase, 2 * kPage, perm::read | perm::write).has_value());
  KEXPECT(as->map_anonymous(kBase + kPage, kPage, perm::read).error() == Error::already_exists);
  KEXPECT(as->map_anonymous(kBase + 7, kPage, perm::read).error() == Error::invalid_argument);
  KEXPECT(as->map_anonymous(kBase, 0, perm::read).error() == Error::invalid_argument);
  KEXPECT(as->map_anonymous(0x8000, kPage, perm::read).error() == Error::out_of_range);
  KEXPECT(as->map_anonymous(AddressSpace::kUserTop, kPage, perm::read).error() ==
          Error::out_of_range);
  KEXPECT(as->map_anonymous(kBase + 4 * kPage, kPage, perm::read | perm::write | perm::execute)
              .error() == Error::invalid_argument);
  auto anywhere = as->map_anonymous(0, 8 * kPage, perm::read);
  KEXPECT(anywhere.has_value() && *anywhere >= AddressSpace::kUserBase);
  KEXPECT(as->unmap(kBase, kPage).error() == Error::not_found);  // not a whole region
  KEXPECT(as->unmap(kBase, 2 * kPage).has_value());
  KEXPECT(as->map_anonymous(kBase + kPage, kPage, perm::read).has_value());  // free again
}

KTEST(address_space_protect_applies_to_resident_pages) {
  Ref<AddressSpace> as = new_space();
  KEXPECT(as->map_anonymous(kBase, kPage, perm::read | perm::write).has_value());
  KEXPECT(as->copy_out(kBase, "abc", 4).has_value());
  KEXPECT(as->protect(kBase, kPage, perm::read).has_value());
  KEXPECT(as->copy_out(kBase, "x", 1).error() == Error::bad_address);
  char back[4];
  KEXPECT(as->copy_in(back, kBase, 4).has_value() && back[0] == 'a');
  KEXPECT(as->protect(kBase, kPage, perm::read | perm::write | perm::execute).error() ==
          Error::invalid_argument);
}

KTEST(thousand_address_spaces_leave_no_trace) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  for (int i = 0; i < 1000; ++i) {
    Ref<AddressSpace> as = new_space();
    (void)as->map_anonymous(kBase, 16 * kPage, perm::read | perm::write);
    (void)as->copy_out(kBase + 5 * kPage, "data", 5);
    (void)as->map_anonymous(0x7f0000000000, kPage, perm::read);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
