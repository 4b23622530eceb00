// What came with the request a server thread is handling besides its words
// (abi/rebound/ipc_bulk.h): the caller's message-buffer payload page and the
// memory its call lends, as the kernel's receive record for this thread
// says. Both are the client's memory: other threads of the client may
// change them at any time, so read a value you check only once.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"

namespace tas {

struct Bytes {
  uint8_t* data = nullptr;
  size_t size = 0;
  explicit operator bool() const { return data != nullptr; }
};

struct RequestBulk {
  Bytes buffer;  // the caller's payload page (REBOUND_IPC_BUFFER_SIZE bytes)
  Bytes grant;
  bool grant_writable = false;
};

// Gives the calling thread its message buffer, whose receive record then
// describes each request it takes in. Once, before it serves.
Result<void> enable_bulk();

// The bulk of the request the calling thread took in last (nothing if it
// never enabled bulk).
RequestBulk request_bulk();

}  // namespace tas
