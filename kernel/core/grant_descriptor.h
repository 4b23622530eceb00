// How IPC_CALL_GRANT describes the memory it lends (abi/rebound/ipc_bulk.h):
// message word 4 the address, word 5 the size | the permissions. Decoding
// checks only the form; whether the caller owns that memory with those
// permissions is AddressSpace::pin's to say.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "rebound/ipc_bulk.h"
#include "rebound/syscall.h"

namespace core {

struct GrantDescriptor {
  uintptr_t address = 0;
  size_t size = 0;
  bool writable = false;
};

// Whole pages only (a server sees whole pages: a byte range would show it
// the rest of its first and last page), 1 page to REBOUND_GRANT_MAX, read
// or read-write: Error::invalid_argument else.
inline Result<GrantDescriptor> decode_grant(uint64_t address_word, uint64_t size_word) {
  constexpr uint64_t kPageMask = REBOUND_PAGE_SIZE - 1;
  const uint64_t perms = size_word & REBOUND_GRANT_PERMS_MASK;
  const uint64_t size = size_word & ~REBOUND_GRANT_PERMS_MASK;
  static_assert(REBOUND_GRANT_PERMS_MASK == kPageMask);
  if ((address_word & kPageMask) != 0 || size == 0 || size > REBOUND_GRANT_MAX)
    return fail(Error::invalid_argument);
  if (perms != REBOUND_VM_READ && perms != (REBOUND_VM_READ | REBOUND_VM_WRITE))
    return fail(Error::invalid_argument);
  return GrantDescriptor{address_word, size, (perms & REBOUND_VM_WRITE) != 0};
}

}  // namespace core
