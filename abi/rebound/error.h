/* The one error enumeration of Rebound, shared by the kernel, the TAS servers
   and the C library (which maps it to errno). Values are ABI: append only. */
#ifndef REBOUND_ABI_ERROR_H
#define REBOUND_ABI_ERROR_H

#ifdef __cplusplus
#include <cstdint>
namespace rebound {
enum class Error : int32_t {
#else
#include <stdint.h>
enum rebound_error {
#endif
  /* 0 is success, never an Error. */
  no_memory = 1,         /* out of frames, heap, or address space */
  invalid_argument = 2,  /* a bad value (alignment, size, flags) */
  out_of_range = 3,      /* an address or index outside what is allowed */
  already_exists = 4,    /* e.g. mapping over a mapping */
  not_found = 5,         /* e.g. unmapping what is not mapped */
  not_supported = 6,     /* valid, but not done by this kernel */
  kernel_fault = 7,      /* the kernel faulted during this request and recovered */
  limit_reached = 8,     /* a per-object limit (a heap's maximum size, a quota) */
  bad_handle = 9,        /* not a handle of this process */
  stale_handle = 10,     /* a handle that was closed (its slot has a new generation) */
  access_denied = 11,    /* the handle lacks a right the call needs */
  bad_address = 12,      /* a user pointer that is unmapped, in the kernel, too long, or lacks
                            the permission the call needs */
  unknown_syscall = 13,  /* no system call has this number */
  wrong_type = 14,       /* a handle to another kind of object than the call takes */
  bad_image = 15,        /* a malformed or unsupported program image (ELF) */
  peer_closed = 16,      /* IPC: the server is gone, or did not reply to this call */
  server_fault = 17,     /* the server faulted on this request on every try */
  server_restarted = 18, /* the server was restarted since this handle was issued */
  interrupted = 19,      /* a blocking call cut short: the caller's process is being killed */
  io_error = 20,         /* a device reported an error, or its driver had no room for the request */
#ifdef __cplusplus
};
const char* to_string(Error e);
}  // namespace rebound
#else
};
#endif

#endif
