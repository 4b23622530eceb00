/* The kernel's resource snapshot: every counter a leak would move. Kernel
   tests compare snapshots taken before and after an operation; user-space
   tests will get the same structure from the kernel's diagnostics call (the
   system-call issue adds it). Layout is ABI: extend only by appending, and
   bump the version. */
#ifndef REBOUND_ABI_DIAGNOSTICS_H
#define REBOUND_ABI_DIAGNOSTICS_H

#include <stdint.h>

#define REBOUND_SNAPSHOT_VERSION 2
#define REBOUND_SNAPSHOT_MAX_HEAPS 16

/* Live kernel objects, per type. */
enum rebound_object_type {
  REBOUND_OBJECT_PAGE_TABLE = 0,
  REBOUND_OBJECT_KERNEL_STACK = 1,
  REBOUND_OBJECT_HEAP = 2, /* heaps beyond the named module heaps */
  REBOUND_OBJECT_THREAD = 3,
  REBOUND_OBJECT_ADDRESS_SPACE = 4,
  REBOUND_OBJECT_PROCESS = 5,
  REBOUND_OBJECT_MEMORY = 6, /* memory objects (shared regions) */
  REBOUND_OBJECT_ENDPOINT = 7,
  REBOUND_OBJECT_TYPES = 8 /* room to grow within version 1 */
};

struct rebound_heap_usage {
  char name[16];
  uint64_t limit;         /* bytes it may map at most */
  uint64_t mapped;        /* bytes mapped now */
  uint64_t bytes_in_use;  /* in live blocks, headers included */
  uint64_t blocks_in_use;
  uint64_t failed_allocations; /* not a leak counter: ignored by comparisons */
  uint32_t poisoned;      /* found corrupt: refuses all requests */
  uint32_t reserved;
};

struct rebound_resource_snapshot {
  uint32_t version;
  uint32_t heap_count;
  uint64_t frames_total;
  uint64_t frames_used;
  uint64_t page_table_frames;  /* frames holding page tables */
  uint64_t exception_objects;  /* exception objects alive (fixed pool) */
  uint64_t objects[REBOUND_OBJECT_TYPES];
  struct rebound_heap_usage heaps[REBOUND_SNAPSHOT_MAX_HEAPS];
  /* Version 2: what the kernel did since boot (not resources: comparisons
     ignore them). */
  uint64_t syscalls;       /* system calls entered */
  uint64_t space_switches; /* user address-space switches */
};

#endif
