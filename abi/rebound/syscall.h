/* Rebound's system calls: numbers, register convention, handle rights and
   exit statuses. Shared by the kernel, the user runtime and (later) libc.
   Reference: docs/syscalls.md. Numbers and layouts are ABI: append only.

   Register convention (every call returns a Result in registers):
                  number  arguments 1-6              error  value 1  value 2
     aarch64 svc  x8      x0 x1 x2 x3 x4 x5          x0     x1       x2
     x86_64  syscall rax  rdi rsi rdx r10 r8 r9      rax    rdx      r8
   error is 0 on success, else a value of enum rebound_error (error.h).
   All other registers are preserved (x86_64: rcx and r11 are clobbered by the
   syscall instruction itself).

   IPC calls carry a message of REBOUND_IPC_WORDS words in registers, in and
   out, and optionally one handle, moved from the sender's table to the
   receiver's; the endpoint handle is argument 1:
                  endpoint  message words 0-5          moved handle  error
     aarch64      x0        x1 x2 x3 x4 x5 x6          x7            x0
     x86_64       rdi       rdx r8 rsi r10 r9 r12      r13           rax
   (words 0 and 1 are the value registers of every other call; a moved
   handle of 0 means none, both ways). */
#ifndef REBOUND_ABI_SYSCALL_H
#define REBOUND_ABI_SYSCALL_H

#include <stdint.h>

enum rebound_syscall {
  REBOUND_SYS_NULL = 0,             /* () -> (): does nothing; for measuring */
  REBOUND_SYS_DEBUG_WRITE = 1,      /* (const char* text, size_t len) -> (bytes): kernel console */
  REBOUND_SYS_EXIT = 2,             /* (int64 code) -> never: ends the calling process */
  REBOUND_SYS_YIELD = 3,            /* () -> () */
  REBOUND_SYS_SLEEP = 4,            /* (uint64 ns) -> () */
  REBOUND_SYS_CLOCK = 5,            /* () -> (monotonic ns) */
  REBOUND_SYS_THREAD_CREATE = 6,    /* (entry, stack_top, arg) -> (thread handle) */
  REBOUND_SYS_THREAD_EXIT = 7,      /* (int64 code) -> never: ends the calling thread */
  REBOUND_SYS_THREAD_JOIN = 8,      /* (thread handle) -> (status word, fault address) */
  REBOUND_SYS_HANDLE_CLOSE = 9,     /* (handle) -> () */
  REBOUND_SYS_HANDLE_DUPLICATE = 10,/* (handle, rights) -> (new handle): rights may only shrink */
  /* VM calls act on the caller's address space, or on the one their last
     argument is a handle to (with MAP; 0: the caller's). */
  REBOUND_SYS_VM_MAP = 11,          /* (address, size, perms, space) -> (address): zero-fill on demand */
  REBOUND_SYS_VM_UNMAP = 12,        /* (address, size, space) -> () */
  REBOUND_SYS_VM_PROTECT = 13,      /* (address, size, perms, space) -> () */
  REBOUND_SYS_PROCESS_SPAWN = 14,   /* (image name, name len, argv block, block len, handle to give) -> (process handle) */
  REBOUND_SYS_PROCESS_WAIT = 15,    /* (process handle) -> (status word, fault address) */
  REBOUND_SYS_PROCESS_KILL = 16,    /* (process handle) -> () */
  REBOUND_SYS_DEBUG_SNAPSHOT = 17,  /* (struct rebound_resource_snapshot* out) -> () */
  REBOUND_SYS_DEBUG_INJECT = 18,    /* (site name, len, kind, count) -> (): test builds only */
  REBOUND_SYS_MEMORY_CREATE = 19,   /* (size) -> (memory handle): pages zero-filled on first touch */
  REBOUND_SYS_VM_MAP_MEMORY = 20,   /* (memory handle, address, offset, size, perms, space) -> (address) */
  REBOUND_SYS_PROCESS_SPACE = 21,   /* (process handle) -> (address space handle) */
  /* IPC (message registers below): */
  REBOUND_SYS_ENDPOINT_CREATE = 22, /* () -> (endpoint handle) */
  REBOUND_SYS_IPC_CALL = 23,        /* (endpoint handle, message) -> (reply message) */
  REBOUND_SYS_IPC_REPLY_RECEIVE = 24, /* (endpoint handle, reply) -> (next call's message) */
  REBOUND_SYS_IPC_REPLY = 25,       /* (-, reply) -> () */
  REBOUND_SYS_IPC_RECEIVE = 26,     /* (endpoint handle) -> (a call's message); a reply owed fails */
  REBOUND_SYS_FAULT_HANDLER_SET = 27, /* (handler entry, 0: none) -> (previous entry): the calling
                                       process's faults go to it (fault_frame.h) */
  REBOUND_SYS_THREAD_KILL = 28,     /* (thread handle) -> (): it ends, its process goes on */
  REBOUND_SYS_ENDPOINT_CLOSE = 29,  /* (endpoint handle, reason) -> (): every call waiting and
                                       every later one fails with reason (peer_closed or
                                       server_restarted) */
  REBOUND_SYS_IPC_TIMEOUT_SET = 30, /* (ns, 0: none) -> (previous ns): the calling thread's later
                                       IPC_CALL / IPC_CALL_GRANT fail with timed_out when no
                                       reply came within ns (at most REBOUND_IPC_TIMEOUT_MAX) */
  REBOUND_SYS_PROCESS_CREATE = 31,  /* (name, name len) -> (process handle): an empty process (no
                                       thread, an empty address space: PROCESS_SPACE reaches it)
                                       with the caller's name service */
  REBOUND_SYS_PROCESS_START = 32,   /* (process handle (MAP), pc, sp, argc, argv, handle to give)
                                       -> (): its first thread, once */
  REBOUND_SYS_PROCESS_STATUS = 33,  /* (process handle (WAIT)) -> (0 while it runs, else its
                                       status word | REBOUND_STATUS_ENDED, fault address) */
  /* 34-39: not assigned yet (unknown_syscall). */
  /* Devices, through the device capability only the TAS holds (the kernel's
     first call on the name service brings it), and deferred replies: */
  REBOUND_SYS_INTERRUPT_CREATE = 40, /* (device handle, line) -> (interrupt handle) */
  REBOUND_SYS_INTERRUPT_WAIT = 41,  /* (interrupt handle) -> (times fired): until the line fired */
  REBOUND_SYS_INTERRUPT_ACK = 42,   /* (interrupt handle) -> (): unmasks the line */
  REBOUND_SYS_DEVICE_MAP = 43,      /* (device handle, phys, size, address, perms) -> (address) */
  REBOUND_SYS_IO_PORTS_ALLOW = 44,  /* (device handle, first port, count) -> (): x86_64 */
  REBOUND_SYS_IPC_REPLY_SAVE = 45,  /* () -> (reply handle): the reply this thread owes */
  REBOUND_SYS_IPC_REPLY_SEND = 46,  /* (reply handle, reply message) -> (): IPC registers */
  REBOUND_SYS_BOOT_IMAGE_COPY = 47, /* (device handle, name, name len) -> (memory handle, size):
                                       a copy of a boot image built into the kernel (the RAM
                                       disk's "disk") in a new memory object */
  REBOUND_SYS_DMA_MEMORY_CREATE = 48, /* (device handle, size) -> (memory handle, physical
                                       address): size bytes (a power of two, 4 KiB to 4 MiB) of
                                       contiguous zeroed frames, for a device to reach by DMA */
  REBOUND_SYS_SYSTEM_SHUTDOWN = 49, /* (device handle, status 0-255) -> never: powers the machine
                                       off (QEMU exits with the status); the TAS's, when init
                                       ends. Bulk data (ipc_bulk.h): */
  REBOUND_SYS_IPC_BUFFER = 50,      /* () -> (address): the calling thread's message buffer */
  REBOUND_SYS_IPC_CALL_GRANT = 51,  /* as IPC_CALL, lending the memory words 4-5 describe */
  REBOUND_SYS_COUNT
};

/* Handles: 32-bit values, 0 is never a handle. A handle carries rights; a
   call checks the rights it needs. */
typedef uint32_t rebound_handle;
enum rebound_rights {
  REBOUND_RIGHT_DUPLICATE = 1u << 0, /* may be duplicated */
  REBOUND_RIGHT_WAIT = 1u << 1,      /* may be joined / waited for */
  REBOUND_RIGHT_KILL = 1u << 2,      /* may be killed */
  REBOUND_RIGHT_MAP = 1u << 3,       /* (memory) may be mapped; (address spaces) may be mapped
                                        into; (processes) their address space may be had */
  REBOUND_RIGHT_READ = 1u << 4,      /* (memory) mappings may be readable */
  REBOUND_RIGHT_WRITE = 1u << 5,     /* (memory) mappings may be writable */
  REBOUND_RIGHT_EXECUTE = 1u << 6,   /* (memory) mappings may be executable */
  REBOUND_RIGHT_CALL = 1u << 7,      /* (endpoints) may be called */
  REBOUND_RIGHT_RECEIVE = 1u << 8,   /* (endpoints) may receive calls and reply; the endpoint
                                        closes when the last such handle goes */
  REBOUND_RIGHTS_ALL = 0x1ff
};

#define REBOUND_IPC_WORDS 6

/* The longest IPC_TIMEOUT_SET takes (2^62 ns, about 146 years); 0 is none. */
#define REBOUND_IPC_TIMEOUT_MAX (UINT64_C(1) << 62)

/* vm perms */
enum rebound_vm_perms {
  REBOUND_VM_READ = 1,
  REBOUND_VM_WRITE = 2,
  REBOUND_VM_EXECUTE = 4
};

/* The status word of THREAD_JOIN and PROCESS_WAIT: bits 0..31 the exit code
   (sign-extended int32) when bit 32 is clear; when bit 32 (KILLED) is set,
   bits 40..47 are the fault kind (enum rebound_fault) and value 2 is the
   faulting address. */
#define REBOUND_STATUS_KILLED (UINT64_C(1) << 32)
#define REBOUND_STATUS_ENDED (UINT64_C(1) << 63) /* PROCESS_STATUS: it has ended */
#define REBOUND_STATUS_FAULT_SHIFT 40
enum rebound_fault {
  REBOUND_FAULT_CPP_EXCEPTION = 0,
  REBOUND_FAULT_PAGE_FAULT = 1,
  REBOUND_FAULT_INSTRUCTION_FAULT = 2,
  REBOUND_FAULT_UNDEFINED_INSTRUCTION = 3,
  REBOUND_FAULT_DIVIDE_ERROR = 4,
  REBOUND_FAULT_ALIGNMENT = 5,
  REBOUND_FAULT_PROTECTION = 6,
  REBOUND_FAULT_STACK_OVERFLOW = 7,
  REBOUND_FAULT_ASSERTION = 8,
  REBOUND_FAULT_PANIC = 9,
  REBOUND_FAULT_CFI_VIOLATION = 10,
  REBOUND_FAULT_UNKNOWN_TRAP = 11,
  REBOUND_FAULT_KILLED = 12 /* by PROCESS_KILL */
};

/* DEBUG_INJECT kinds (test builds): what an armed fault-injection site does. */
enum rebound_inject_kind {
  REBOUND_INJECT_OFF = 0,
  REBOUND_INJECT_THROW = 1,      /* a C++ exception */
  REBOUND_INJECT_NULL_READ = 2,  /* a null-pointer read (a CPU fault) */
  /* TAS sites only (the faults server; DEBUG_INJECT refuses them): */
  REBOUND_INJECT_CORRUPT = 3,    /* the site corrupts its server's state */
  REBOUND_INJECT_HANG = 4        /* the site loops forever */
};

#endif
