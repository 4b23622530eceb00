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
  timed_out = 20,        /* IPC: no reply within the calling thread's timeout (IPC_TIMEOUT_SET) */
  /* File systems: */
  not_a_directory = 21,     /* a path component or the target of a directory operation is not one */
  is_a_directory = 22,      /* a file operation (unlink, write) on a directory */
  not_empty = 23,           /* rmdir, or a rename over a directory, that still has entries */
  no_space = 24,            /* no free block or inode left on the volume */
  name_too_long = 25,       /* a name over the file system's limit (255 bytes for ext2) */
  file_too_large = 26,      /* an offset or size beyond what the file system can address */
  too_many_links = 27,      /* a link count would pass the file system's maximum */
  read_only = 28,           /* a change to a volume mounted read-only */
  corrupt_file_system = 29, /* on-disk structures that are inconsistent, or not this file system */
  io_error = 30,            /* the device failed a read, write or flush */
#ifdef __cplusplus
};
const char* to_string(Error e);
}  // namespace rebound
#else
};
#endif

#endif
