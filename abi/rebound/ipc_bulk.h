/* Bulk data over IPC without copying (docs/syscalls.md, "Message buffers and
   grants"). Shared by the kernel, the TAS and user programs. Values and
   layouts are ABI: append only.

   A thread's message buffer (IPC_BUFFER) is two pages in its own address
   space: the payload page, which the kernel also maps into the TAS, so that
   a TAS server handling this thread's call reads and writes the payload in
   place; and the receive record, which the kernel fills in whenever this
   thread receives a call.

   A grant (IPC_CALL_GRANT) lends whole pages of the caller's memory to the
   server thread that takes the call, read-only or read-write, until it
   replies. It is described by message words 4 and 5. */
#ifndef REBOUND_ABI_IPC_BULK_H
#define REBOUND_ABI_IPC_BULK_H

#include <stdint.h>

#define REBOUND_PAGE_SIZE 4096
#define REBOUND_IPC_BUFFER_SIZE REBOUND_PAGE_SIZE /* the payload page */

/* IPC_CALL_GRANT: word 4 is the address (page aligned), word 5 the size (a
   page multiple, at most REBOUND_GRANT_MAX) | REBOUND_VM_READ, plus
   REBOUND_VM_WRITE for a read-write grant. */
#define REBOUND_GRANT_ADDRESS_WORD 4
#define REBOUND_GRANT_SIZE_WORD 5
#define REBOUND_GRANT_MAX (UINT64_C(64) << 20)
#define REBOUND_GRANT_PERMS_MASK UINT64_C(0xfff)

/* The receive record: the second page of a message buffer, written by the
   kernel when its thread takes a call in (after IPC_RECEIVE or
   IPC_REPLY_RECEIVE returns it), and valid until the thread receives again.
   Only the kernel writes it: what it says, the caller cannot forge. */
struct rebound_ipc_record {
  uint64_t buffer;      /* the caller's payload page in the receiver's address
                           space (0: the caller has none, or the receiver is
                           not the TAS) */
  uint64_t grant;       /* the caller's grant in the receiver's space (0: none) */
  uint64_t grant_size;  /* its size in bytes */
  uint64_t grant_perms; /* REBOUND_VM_READ, | REBOUND_VM_WRITE if writable */
};

#endif
