// Grants: a caller's memory lent to the server thread that takes its call
// (IPC_CALL_GRANT). The caller offers whole pages of its own anonymous or
// shared regions, read-only or read-write; offering pins those regions
// (the caller can neither unmap nor protect them) and faults their pages in.
// When a server thread takes the call in, the kernel maps the very frames
// into that thread's grant window with the rights offered -- no copy. The
// grant ends when the server answers the call (replies, fails it, ends) or
// the call ends before any server took it: the window's pages are unmapped,
// with TLB shootdown, before the caller hears of it, and the regions are
// unpinned. A server cannot keep or widen what it was lent: the window is
// kernel-placed (the VM calls refuse to unmap, protect or map over it),
// nothing faults in there, and a window's pages cannot be lent on.
//
// A grant holds a reference to the caller's address space, so a caller
// killed mid-call leaves its frames in place until the server answers.
// Runs under the big kernel lock.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/address_space.h"
#include "core/grant_descriptor.h"

namespace core {

// Where one server thread sees the grants lent to it: a window of
// REBOUND_GRANT_MAX bytes in its address space, reserved at its first grant
// and removed when it ends.
class GrantWindow {
 public:
  GrantWindow() = default;
  GrantWindow(const GrantWindow&) = delete;
  GrantWindow& operator=(const GrantWindow&) = delete;
  ~GrantWindow() { release(); }

  // The window in `space` (the thread's, which never changes), reserved now
  // if it is not yet.
  Result<uintptr_t> base(AddressSpace& space);
  void release();

 private:
  Ref<AddressSpace> space_;
  uintptr_t base_ = 0;
};

class Grant {
 public:
  // Checks that `owner` holds the memory `d` describes with its rights
  // (Error::bad_address else), faults it in and pins it.
  static Result<Grant> offer(Ref<AddressSpace> owner, const GrantDescriptor& d);

  Grant() = default;
  Grant(Grant&& o) noexcept { *this = std::move(o); }
  Grant& operator=(Grant&& o) noexcept;
  ~Grant() { end(); }

  bool offered() const { return static_cast<bool>(owner_); }
  bool lent() const { return static_cast<bool>(borrower_); }
  size_t size() const { return size_; }
  bool writable() const { return writable_; }

  // Maps the offered pages into `window` of `borrower` (a server thread's),
  // all or nothing; returns where.
  Result<uintptr_t> lend(AddressSpace& borrower, GrantWindow& window);
  // The grant is over: unmapped from the borrower (if lent), unpinned.
  void end();

 private:
  Ref<AddressSpace> owner_;
  uintptr_t address_ = 0;
  size_t size_ = 0;
  bool writable_ = false;
  Ref<AddressSpace> borrower_;
  uintptr_t lent_at_ = 0;
};

}  // namespace core
