// aarch64 stage-1 translation table entries, 4 KiB granule (for mm::PageTableOf).
// Pure functions: the host tests use them too.
#pragma once
#include <cstdint>

#include "mm/page_table.h"

namespace arch::aarch64 {

struct PteFormat {
  // Root entries a user address space owns. TTBR0 maps the whole lower half; the kernel has its own
  // root (TTBR1).
  static constexpr unsigned kUserRootEntries = 512;
  static constexpr uint64_t kValid = 1, kTableOrPage = 2, kAttrDevice = 0 << 2,
                            kAttrNormal = 1 << 2, kApUser = 1 << 6, kApReadOnly = 1 << 7,
                            kInnerShareable = 3 << 8, kAccessFlag = 1 << 10, kNotGlobal = 1 << 11,
                            kPxn = 1ull << 53, kUxn = 1ull << 54, kAddress = 0x0000fffffffff000;

  static uint64_t table(mm::PhysAddr pa) { return pa | kTableOrPage | kValid; }

  static uint64_t page(mm::PhysAddr pa, mm::Perms p) {
    uint64_t e = pa | kTableOrPage | kValid | kAccessFlag;
    e |= (p & mm::perm::device) != 0 ? kAttrDevice : (kAttrNormal | kInnerShareable);
    if ((p & mm::perm::write) == 0) e |= kApReadOnly;
    const bool exec = (p & mm::perm::execute) != 0 && (p & mm::perm::device) == 0;
    if ((p & mm::perm::user) != 0) {
      // User pages: never executable by the kernel, tagged with the ASID.
      e |= kApUser | kNotGlobal | kPxn | (exec ? 0 : kUxn);
    } else {
      e |= kUxn | (exec ? 0 : kPxn);
    }
    return e;
  }

  static bool present(uint64_t e) { return (e & kValid) != 0; }
  static bool is_table(uint64_t e, unsigned level) { return level < 3 && (e & kTableOrPage) != 0; }
  static mm::PhysAddr address(uint64_t e) { return e & kAddress; }

  static mm::Perms perms(uint64_t e, unsigned /*level*/) {
    mm::Perms p = mm::perm::read;
    if ((e & kApReadOnly) == 0) p |= mm::perm::write;
    const bool user = (e & kApUser) != 0;
    if (user) p |= mm::perm::user;
    if ((e & (user ? kUxn : kPxn)) == 0) p |= mm::perm::execute;
    if ((e & (7 << 2)) == kAttrDevice) p |= mm::perm::device;
    return p;
  }
};

}  // namespace arch::aarch64
