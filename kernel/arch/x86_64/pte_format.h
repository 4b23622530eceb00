// x86_64 4-level paging entries (for mm::PageTableOf). Pure functions: the
// host tests use them too.
#pragma once
#include <cstdint>

#include "mm/page_table.h"

namespace arch::x86_64 {

struct PteFormat {
  // Root entries a user address space owns. One root for both halves: entries 256-511 are the
  // kernel's, copied into every user root.
  static constexpr unsigned kUserRootEntries = 256;
  static constexpr uint64_t kPresent = 1, kWritable = 1 << 1, kUser = 1 << 2,
                            kWriteThrough = 1 << 3, kCacheDisable = 1 << 4, kAccessed = 1 << 5,
                            kDirty = 1 << 6, kLarge = 1 << 7, kGlobal = 1 << 8,
                            kNoExecute = 1ull << 63, kAddress = 0x000ffffffffff000;

  // Intermediate entries allow everything; the leaf decides.
  static uint64_t table(mm::PhysAddr pa) { return pa | kPresent | kWritable | kUser; }

  static uint64_t page(mm::PhysAddr pa, mm::Perms p) {
    uint64_t e = pa | kPresent | kAccessed;
    if ((p & mm::perm::write) != 0) e |= kWritable | kDirty;
    if ((p & mm::perm::user) != 0)
      e |= kUser;
    else
      e |= kGlobal;
    if ((p & mm::perm::execute) == 0 || (p & mm::perm::device) != 0) e |= kNoExecute;
    if ((p & mm::perm::device) != 0) e |= kCacheDisable | kWriteThrough;
    return e;
  }

  static bool present(uint64_t e) { return (e & kPresent) != 0; }
  static bool is_table(uint64_t e, unsigned level) { return level < 3 && (e & kLarge) == 0; }
  static mm::PhysAddr address(uint64_t e) { return e & kAddress; }

  static mm::Perms perms(uint64_t e, unsigned /*level*/) {
    mm::Perms p = mm::perm::read;
    if ((e & kWritable) != 0) p |= mm::perm::write;
    if ((e & kUser) != 0) p |= mm::perm::user;
    if ((e & kNoExecute) == 0) p |= mm::perm::execute;
    if ((e & kCacheDisable) != 0) p |= mm::perm::device;
    return p;
  }
};

}  // namespace arch::x86_64
