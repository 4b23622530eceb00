/* Bulk data over IPC (abi/rebound/ipc_bulk.h) for user programs and the TAS:
   the message buffer, calls that lend memory, and the checksum and reversal
   the echo service applies to payloads. C and C++. */
#ifndef REBOUND_USER_BULK_H
#define REBOUND_USER_BULK_H

#include "rebound/ipc_bulk.h"
#include "rebound_sys.h"

/* The calling thread's message buffer, made on first use: its payload page
   in *payload (REBOUND_IPC_BUFFER_SIZE bytes), the receive record right
   after it. Returns the error. */
static inline uint64_t rb_ipc_buffer(void** payload) {
  struct rb_result r = RB_SYS0(REBOUND_SYS_IPC_BUFFER);
  if (r.error == 0) *payload = (void*)(uintptr_t)r.value;
  return r.error;
}
static inline const volatile struct rebound_ipc_record* rb_ipc_record(void* payload) {
  return (const volatile struct rebound_ipc_record*)((char*)payload + REBOUND_IPC_BUFFER_SIZE);
}

/* An IPC call that lends [address, address + size) -- whole pages of the
   caller's own memory -- to the server thread that takes it, read-only or
   (writable) read-write, until that thread answers. Words 4 and 5 of m
   carry the grant. Returns the error, as rb_ipc. */
static inline uint64_t rb_call_grant(rebound_handle endpoint, struct rb_message* m,
                                     const void* address, uint64_t size, int writable) {
  m->w[REBOUND_GRANT_ADDRESS_WORD] = (uint64_t)(uintptr_t)address;
  m->w[REBOUND_GRANT_SIZE_WORD] = size | REBOUND_VM_READ | (writable ? REBOUND_VM_WRITE : 0);
  return rb_ipc(REBOUND_SYS_IPC_CALL_GRANT, endpoint, m);
}

/* The echo service's checksum: the wrapping sum of the data's 64-bit
   little-endian words, the last one padded with zeros. */
static inline uint64_t rb_checksum(const void* data, size_t n) {
  const unsigned char* p = (const unsigned char*)data;
  uint64_t sum = 0, tail = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, p + i, 8);
    sum += w;
  }
  for (size_t k = 0; i + k < n; ++k) tail |= (uint64_t)p[i + k] << (8 * k);
  return sum + tail;
}

/* Reverses n bytes in place (a word at a time when it can). */
static inline void rb_reverse(void* data, size_t n) {
  unsigned char* p = (unsigned char*)data;
  if (n % 8 == 0 && (uintptr_t)p % 8 == 0) {
    uint64_t* w = (uint64_t*)data;
    const size_t words = n / 8;
    for (size_t i = 0, j = words - 1; words > 0 && i < j; ++i, --j) {
      const uint64_t a = __builtin_bswap64(w[i]);
      w[i] = __builtin_bswap64(w[j]);
      w[j] = a;
    }
    if (words % 2 == 1) w[words / 2] = __builtin_bswap64(w[words / 2]);
    return;
  }
  for (size_t i = 0, j = n - 1; n > 0 && i < j; ++i, --j) {
    const unsigned char c = p[i];
    p[i] = p[j];
    p[j] = c;
  }
}

#endif
