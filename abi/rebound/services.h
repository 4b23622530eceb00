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
   process id. SPAWN's path, arguments and environment travel in the
   caller's message buffer: the path, then argv (argv[0] first), then the
   environment ("KEY=VALUE"), each NUL-terminated, back to back; the
   program finds its environment after argv's null (crt0: environ). At
   boot it starts /bin/init, and powers the machine off when init ends. */
enum rebound_process_op {
  REBOUND_PROCESS_SPAWN = 1,  /* (bytes of the buffer used, how many of the strings at the end
                                 are the environment) -> (pid), handle: the process (WAIT,
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

/* The file-system service ("fs"): the ext2 volume on the block service's
   disk. Stateless, as NFS is: the server keeps nothing per client, so that
   a restarted server serves the same requests. A file or directory is
   named by a file id, one word (REBOUND_FS_ID): its inode number and that
   inode's generation, which changes each time the number is used again.
   LOOKUP, CREATE, MKDIR and STAT give ids; a client keeps one with its own
   offset. An id whose inode was freed or made again since is stale:
   stale_handle. READ and WRITE take explicit offsets, so repeating one
   (after server_restarted) does the same again. Every change is on the
   disk, flushed, before its reply.

   Paths travel in the caller's message buffer (its payload page),
   NUL-terminated, at most REBOUND_FS_PATH_MAX bytes with the NUL; RENAME
   and LINK take two, the second right after the first's NUL. A path is
   absolute, or relative to the directory whose id is in word 1 (0: the
   root); "." and ".." as usual; symbolic links are not followed. Errors
   besides the file system's own (not_found, not_a_directory,
   is_a_directory, not_empty, already_exists, no_space, name_too_long for a
   name over 255 bytes, too_many_links, file_too_large, corrupt_file_system,
   io_error): bad_address (no message buffer where one is needed),
   invalid_argument (no NUL before the end of the payload page; an unknown
   operation or flag; sizes that do not fit), name_too_long (a path of
   REBOUND_FS_PATH_MAX bytes or more), stale_handle.

   Attributes, the reply of LOOKUP, CREATE, MKDIR and STAT: (id, size, mode
   -- type and permission bits, REBOUND_FS_TYPE_* --, links, mtime); and, in
   the caller's message buffer if it has one, a struct rebound_fs_stat. */
#define REBOUND_FS_PATH_MAX 1024
#define REBOUND_FS_IO_MAX (256u * 1024) /* bytes per READ or WRITE at most */
#define REBOUND_FS_ID(ino, generation) ((uint64_t)(ino) | (uint64_t)(generation) << 32)
#define REBOUND_FS_ID_INO(id) ((uint32_t)(id))
#define REBOUND_FS_ID_GENERATION(id) ((uint32_t)((uint64_t)(id) >> 32))
/* The type bits of a mode, as POSIX's S_IF*. */
#define REBOUND_FS_TYPE_MASK 0xF000u
#define REBOUND_FS_TYPE_DIRECTORY 0x4000u
#define REBOUND_FS_TYPE_REGULAR 0x8000u
#define REBOUND_FS_TYPE_SYMLINK 0xA000u
#define REBOUND_FS_PERMISSIONS 0x0FFFu
/* CREATE's word 2: permissions | these flags. */
#define REBOUND_FS_CREATE_EXCLUSIVE (1u << 16) /* already_exists if the name is taken */
#define REBOUND_FS_CREATE_TRUNCATE (1u << 17)  /* an existing file is emptied */
enum rebound_fs_op {
  REBOUND_FS_LOOKUP = 1,    /* (directory id; path) -> attributes */
  REBOUND_FS_CREATE = 2,    /* (directory id, permissions | CREATE_*; path) -> attributes: a new
                               regular file, or the one there (is_a_directory for a directory) */
  REBOUND_FS_MKDIR = 3,     /* (directory id, permissions; path) -> attributes */
  REBOUND_FS_READ = 4,      /* (id, offset, count | data offset << 32) -> (n): up to count
                               (<= IO_MAX) bytes, fewer at the end of the file, into the memory the
                               call lends (writable; access_denied if not) from its byte `data
                               offset` on, or else into the message buffer from there */
  REBOUND_FS_WRITE = 5,     /* (id, offset, count | data offset << 32) -> (n, size): from the memory
                               the call lends (read-only will do) or else the message buffer; n <
                               count only when the volume is full; size: the file's, after it */
  REBOUND_FS_TRUNCATE = 6,  /* (id, size) -> () */
  REBOUND_FS_STAT = 7,      /* (id) -> attributes */
  REBOUND_FS_READDIR = 8,   /* (directory id, cookie) -> (entries, next cookie, 1 at the end):
                               the entries from `cookie` (0: the first) that fit in the message
                               buffer, packed (struct rebound_fs_dirent); "." and ".." too */
  REBOUND_FS_UNLINK = 9,    /* (directory id; path) -> (): a name of a file; the file goes with
                               its last name, even if a client still has its id */
  REBOUND_FS_RMDIR = 10,    /* (directory id; path) -> (): an empty directory */
  REBOUND_FS_RENAME = 11,   /* (directory id; from, to) -> (): POSIX rename -- over a file, or an
                               empty directory; a directory never below itself */
  REBOUND_FS_LINK = 12,     /* (directory id; file, new name) -> (): a new name of a file */
  REBOUND_FS_SYNC = 13,     /* () -> (): everything on the medium (already so after any change) */
  REBOUND_FS_STATFS = 14,   /* () -> (block size | read-only << 32, blocks, free blocks, inodes,
                               free inodes) */
  REBOUND_FS_INFO = 15      /* () -> (the server's generation, kind of disk: rebound_block_kind,
                               requests that changed the volume, blocks written, blocks written
                               before their request ended: changes larger than the cache) */
};
/* A file's attributes in full (STAT, LOOKUP, ...: in the message buffer). */
struct rebound_fs_stat {
  uint64_t id;
  uint64_t size;
  uint64_t blocks; /* 512-byte units the file holds on the disk */
  uint32_t mode;
  uint32_t links;
  uint32_t uid, gid;
  uint64_t atime, mtime, ctime; /* seconds since 1970-01-01 UTC */
};
/* A directory entry as READDIR packs it: this header, the name
   (name_length bytes) and a NUL, padded to `size`, a multiple of 8, where
   the next entry starts. Ids of entries: LOOKUP their names. */
struct rebound_fs_dirent {
  uint32_t ino;
  uint16_t size;
  uint8_t type; /* REBOUND_FS_DT_* */
  uint8_t name_length;
};
#define REBOUND_FS_DIRENT_NAME(entry) ((const char*)(entry) + sizeof(struct rebound_fs_dirent))
enum rebound_fs_dirent_type { /* ext2's directory-entry file types */
  REBOUND_FS_DT_UNKNOWN = 0,
  REBOUND_FS_DT_REGULAR = 1,
  REBOUND_FS_DT_DIRECTORY = 2,
  REBOUND_FS_DT_CHAR_DEVICE = 3,
  REBOUND_FS_DT_BLOCK_DEVICE = 4,
  REBOUND_FS_DT_FIFO = 5,
  REBOUND_FS_DT_SOCKET = 6,
  REBOUND_FS_DT_SYMLINK = 7
};

/* Fault injection in the TAS ("faults"; test builds only). */
enum rebound_faults_op {
  REBOUND_FAULTS_ARM = 1, /* (site, kind | count << 32) -> (): the next `count` passes
                             through `site` do `kind` (REBOUND_INJECT_*) */
};

#endif
