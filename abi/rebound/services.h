/* The protocols of the TAS's services, as user programs reach them over IPC
   (abi/rebound/syscall.h: 6 message words and one moved handle). Shared by
   the TAS servers and the user runtime. Values are ABI: append only.

   Every request has its operation in word 0; every reply has its status in
   word 0: 0 for success, else a value of enum rebound_error -- among them
   server_fault (the request faulted on every try) and server_restarted. */
#ifndef REBOUND_ABI_SERVICES_H
#define REBOUND_ABI_SERVICES_H

#include <stdint.h>

/* The name service: on the endpoint every process gets at start (the fourth
   entry register; crt0 keeps it in rb_names_handle). Names are up to
   REBOUND_NAME_MAX bytes, packed little-endian into words 1-4. */
#define REBOUND_NAME_MAX 32
enum rebound_names_op {
  REBOUND_NAMES_PING = 1,   /* () -> (): answered once every server is up (the kernel's first
                               call; it moves the device capability to the TAS) */
  REBOUND_NAMES_LOOKUP = 2, /* (name) -> (), handle: a CALL handle to the service */
};

/* The console ("console"): the serial port, for user programs (the kernel's
   log keeps its own path to it). Output is written as it comes ('\n' goes
   out as "\r\n"). Input arrives by interrupt and is edited a line at a time
   -- echoed, backspace (DEL or BS) erases, Ctrl-U erases the line, Enter (CR
   or LF) ends it -- and complete lines go to readers in order. Bytes travel
   packed little-endian in words 2-5, REBOUND_CONSOLE_CHUNK at most. */
#define REBOUND_CONSOLE_CHUNK 32
enum rebound_console_op {
  REBOUND_CONSOLE_WRITE = 1, /* (n <= CHUNK, bytes) -> (n) */
  REBOUND_CONSOLE_READ = 2,  /* (max, 1..CHUNK) -> (n, bytes): the next bytes of the first
                                complete line, up to max; the last piece of a line ends with
                                its '\n'. Waits for a line; the server serves other requests
                                meanwhile. limit_reached when too many readers wait already */
  REBOUND_CONSOLE_STATS = 3, /* () -> (interrupts, bytes received, lines completed, lines
                                dropped (no room), readers waiting) */
};

/* The echo service ("echo"): for tests and benchmarks. */
enum rebound_echo_op {
  REBOUND_ECHO_WORDS = 1,      /* (w1..w5) -> (w1+1, w2+2, ..., w5+5) */
  REBOUND_ECHO_WORK = 2,       /* (n) -> (sum 1..n): builds the numbers on its heap first;
                                  fault site "echo.work" (CORRUPT: breaks the server's
                                  state, which its check after the request finds) */
  REBOUND_ECHO_STATS = 3,      /* () -> (heap bytes in use, heap blocks, requests
                                  that faulted, tries that faulted, generation) */
  REBOUND_ECHO_PEER_CALLS = 4, /* (n) -> (syscalls, address-space switches, sum, ns): the
                                  kernel's counters across n in-TAS calls to another server
                                  (each returns its count of names), and the time they took */
  REBOUND_ECHO_KEEP = 5,       /* (KiB, up to 8192) -> (): keeps that much memory, written,
                                  in its state (replacing what it kept before) */
  /* Bulk data (ipc_bulk.h). The checksum is the wrapping sum of the data's
     64-bit little-endian words, the last one zero-padded. */
  REBOUND_ECHO_BUFFER = 6,     /* (n <= 4096) -> (checksum): of the first n bytes of the
                                  caller's message buffer, which it then reverses in place;
                                  not_found if the caller has no buffer */
  REBOUND_ECHO_GRANT_SUM = 7,  /* () -> (checksum, size) of the memory the call lends
                                  (IPC_CALL_GRANT); not_found without a grant */
  REBOUND_ECHO_GRANT_FILL = 8, /* (byte) -> (): fills the memory the call lends with `byte`;
                                  not_found without a grant; a read-only grant faults at the
                                  first store: server_fault */
  REBOUND_ECHO_SAY = 9,        /* (n <= CONSOLE_CHUNK, bytes as in CONSOLE_WRITE) -> (n,
                                  console generation, references made): writes the bytes on
                                  the console by an in-TAS call through a reference to its
                                  generation, made again once after a console restart */
};

/* The time service ("time"): the wall clock, from the RTC (UTC), and the
   monotonic clock (the kernel's, as REBOUND_SYS_CLOCK gives it). */
enum rebound_time_op {
  REBOUND_TIME_NOW = 1, /* () -> (seconds since 1970-01-01 UTC, nanoseconds within that
                           second, monotonic ns): all three read at once */
  REBOUND_TIME_DATE = 2 /* (seconds since 1970-01-01 UTC) -> (year, month 1-12, day 1-31,
                           seconds within that day): the UTC date of that time */
};

/* The block service ("block"): the disk, in 512-byte sectors. User programs
   may only look (the file-system server in the TAS writes it); test builds
   also let them write and flush, and look at the driver's concurrency. */
enum rebound_block_op {
  REBOUND_BLOCK_INFO = 1,  /* () -> (sectors, sector size, reads, writes so far, kind: enum
                              rebound_block_kind) */
  REBOUND_BLOCK_READ = 2,  /* (first sector, count) -> (count): into the memory the call lends
                              (writable; access_denied if read-only) or else the caller's
                              message buffer; out_of_range past the end or for count 0,
                              invalid_argument if count sectors do not fit, not_found with
                              neither; io_error, not_supported: the device's refusal */
  REBOUND_BLOCK_WRITE = 3, /* test builds (else access_denied): (first sector, count) ->
                              (count): from the memory the call lends (read-only will do) or
                              else the caller's message buffer; errors as READ */
  REBOUND_BLOCK_FLUSH = 4, /* test builds (else access_denied): () -> (): everything written
                              is on the medium */
  REBOUND_BLOCK_STATS = 5, /* () -> (interrupts, device requests, most requests in flight at
                              once, requests the device refused): 0s for the RAM disk */
  REBOUND_BLOCK_PARALLEL_READS = 6, /* test builds (else access_denied): (threads 1-4, first
                              sector, sectors per read 1-64, rounds 1-64) -> (reads, reads that
                              differed from a first read of the same sectors, most requests in
                              flight at once meanwhile): threads of the block server read
                              sectors first + i * count.. at once, in-TAS calls */
  REBOUND_BLOCK_DEVICE_ERRORS = 7   /* test builds (else access_denied): () -> (the error of a
                                read of the sector past the end asked of the device itself, the
                                error of a request of a type it does not know); not_supported
                                on the RAM disk */
};
enum rebound_block_kind {
  REBOUND_BLOCK_KIND_RAM_DISK = 1, /* the disk image built into the kernel, in memory */
  REBOUND_BLOCK_KIND_VIRTIO = 2    /* a virtio-blk disk (QEMU -drive) */
};

/* The process service ("process"): starts programs, knows them by a
   process id. SPAWN's path and arguments travel in the caller's message
   buffer: the path, then argv (argv[0] first), each NUL-terminated, back to
   back. */
enum rebound_process_op {
  REBOUND_PROCESS_SPAWN = 1,  /* (bytes of the buffer used) -> (pid), handle: the process (WAIT,
                                 KILL, DUPLICATE: PROCESS_WAIT gives its status); not_found (no
                                 such program), bad_image, invalid_argument, limit_reached */
  REBOUND_PROCESS_STATUS = 2, /* (pid) -> (0 running / 1 ended, status word as PROCESS_WAIT's,
                                 fault address); not_found */
  REBOUND_PROCESS_KILL = 3,   /* (pid) -> () */
  REBOUND_PROCESS_LIST = 4    /* () -> (count): that many struct rebound_process_entry in the
                                 caller's message buffer */
};
#define REBOUND_PROCESS_NAME_MAX 31
struct rebound_process_entry {
  uint32_t pid;
  uint32_t ended;  /* 0 running, 1 ended */
  uint64_t status; /* as PROCESS_WAIT's status word, once ended */
  char name[REBOUND_PROCESS_NAME_MAX + 1];
};

/* Fault injection in the TAS ("faults"; test builds only). */
enum rebound_faults_op {
  REBOUND_FAULTS_ARM = 1, /* (site, kind | count << 32) -> (): the next `count` passes
                             through `site` do `kind` (REBOUND_INJECT_*) */
};

#endif
