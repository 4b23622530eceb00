/* The file-system service ("fs", abi/rebound/services.h) for user programs:
   the layer a C library's POSIX file calls map onto. A file is a struct
   rb_fs_file the program holds -- the inode number and generation the
   server checks (its id) and the offset of the next sequential read or
   write; nothing of it lives in the server, so the files a program has open
   survive a restart of the server.

   Restarts: a call that fails with server_restarted is sent once more to
   the new generation (looked up again), with its paths written into the
   message buffer again. That is safe for every request but an exclusive
   CREATE: reads, writes and truncations name their offsets and sizes, so a
   repeated one does the same again. A name change (MKDIR, UNLINK, RMDIR,
   RENAME, LINK) may have been done before the reply was lost (the server
   writes each change back before replying): on the second try, the error
   that finding it done gives (already_exists for MKDIR and LINK, not_found
   for UNLINK, RMDIR and RENAME) counts as success. An exclusive CREATE is
   not repeated (server_restarted): whether the file there is this
   program's, it cannot tell.

   Every call returns the error (0: success), as the other rb_ headers do.
   C, static inline, like rb_console.h. */
#ifndef REBOUND_USER_FS_H
#define REBOUND_USER_FS_H

#include "rb_bulk.h"
#include "rb_service.h"

struct rb_fs_file {
  uint32_t ino;
  uint32_t check; /* the inode's generation: a file removed and made again is told apart */
  uint64_t offset;
};

/* What LOOKUP, CREATE, MKDIR and STAT answer. */
struct rb_fs_attr {
  uint64_t id; /* REBOUND_FS_ID(ino, generation) */
  uint64_t size;
  uint32_t mode; /* REBOUND_FS_TYPE_* | permissions */
  uint32_t links;
  uint64_t mtime;
};

struct rb_fs_statfs {
  uint32_t block_size;
  int read_only;
  uint64_t blocks, free_blocks, inodes, free_inodes;
};

/* The service, looked up on first use and again after a restart. */
static struct rb_service rb_fs_service = {"fs", 0};

static inline uint64_t rb_fs_id(const struct rb_fs_file* f) {
  return REBOUND_FS_ID(f->ino, f->check);
}

/* How a request is tried again after server_restarted. */
enum rb_fs_retry {
  RB_FS_ONCE = 0,      /* not: exclusive CREATE */
  RB_FS_AGAIN = 1,     /* once more, the same */
  RB_FS_AGAIN_DONE = 2 /* once more; the `done` error then means success */
};

/* What goes with a request: paths into the message buffer, memory lent. */
struct rb_fs_bulk {
  const char* path;  /* 0: none */
  const char* path2; /* RENAME's and LINK's second, right after the first */
  const void* lend;  /* 0: none */
  uint64_t lend_size;
  int writable;
};

/* Writes the paths into the payload page; name_too_long if they do not fit. */
static inline uint64_t rb_fs__put_paths(const struct rb_fs_bulk* b, void** page) {
  if (b->path == 0) return 0;
  if (*page == 0) {
    const uint64_t e = rb_ipc_buffer(page);
    if (e != 0) return e;
  }
  char* p = (char*)*page;
  size_t at = 0;
  const char* paths[2] = {b->path, b->path2};
  for (int i = 0; i < 2 && paths[i] != 0; ++i) {
    const size_t n = rb_strlen(paths[i]);
    if (n >= REBOUND_FS_PATH_MAX || at + n + 1 > REBOUND_IPC_BUFFER_SIZE) return name_too_long;
    __builtin_memcpy(p + at, paths[i], n + 1);
    at += n + 1;
  }
  return 0;
}

/* One request (m: words 0-3; words 4-5 carry a loan), tried again as
   `retry` says. On success m holds the reply. */
static inline uint64_t rb_fs_request(struct rb_message* m, const struct rb_fs_bulk* b,
                                     enum rb_fs_retry retry, uint64_t done) {
  const struct rb_message request = *m;
  void* page = 0;
  for (int attempt = 0;; ++attempt) {
    uint64_t e = 0;
    if (rb_fs_service.handle == 0 && (e = rb_lookup("fs", &rb_fs_service.handle)) != 0) return e;
    if ((e = rb_fs__put_paths(b, &page)) != 0) return e;
    *m = request;
    if (b->lend != 0)
      e = rb_call_grant(rb_fs_service.handle, m, b->lend, b->lend_size, b->writable);
    else
      e = rb_ipc(REBOUND_SYS_IPC_CALL, rb_fs_service.handle, m);
    if (e == 0) e = m->w[0];
    if (e != server_restarted)
      return attempt == 1 && retry == RB_FS_AGAIN_DONE && e == done ? 0 : e;
    /* The handle led to a generation that is gone; the name leads on. */
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, rb_fs_service.handle);
    rb_fs_service.handle = 0;
    if (attempt == 1 || retry == RB_FS_ONCE) return e;
  }
}

static inline void rb_fs__attr(const struct rb_message* m, struct rb_fs_attr* out) {
  if (out == 0) return;
  out->id = m->w[1];
  out->size = m->w[2];
  out->mode = (uint32_t)m->w[3];
  out->links = (uint32_t)m->w[4];
  out->mtime = m->w[5];
}

static inline void rb_fs__file(const struct rb_message* m, struct rb_fs_file* f) {
  if (f == 0) return;
  f->ino = REBOUND_FS_ID_INO(m->w[1]);
  f->check = REBOUND_FS_ID_GENERATION(m->w[1]);
  f->offset = 0;
}

/* --- Names ----------------------------------------------------------- */

/* The attributes of what `path` names (absolute, or relative to the
   directory `dir`: an id, 0 for the root). */
static inline uint64_t rb_fs_lookup_at(uint64_t dir, const char* path, struct rb_fs_attr* out) {
  struct rb_message m = {{REBOUND_FS_LOOKUP, dir, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {path, 0, 0, 0, 0};
  const uint64_t e = rb_fs_request(&m, &b, RB_FS_AGAIN, 0);
  if (e == 0) rb_fs__attr(&m, out);
  return e;
}
static inline uint64_t rb_fs_lookup(const char* path, struct rb_fs_attr* out) {
  return rb_fs_lookup_at(0, path, out);
}

/* Opens what `path` names (a file or a directory): *f at offset 0. */
static inline uint64_t rb_fs_open(const char* path, struct rb_fs_file* f) {
  struct rb_message m = {{REBOUND_FS_LOOKUP, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {path, 0, 0, 0, 0};
  const uint64_t e = rb_fs_request(&m, &b, RB_FS_AGAIN, 0);
  if (e == 0) rb_fs__file(&m, f);
  return e;
}

/* A regular file at `path`, made with `permissions` unless it is there
   (flags: REBOUND_FS_CREATE_EXCLUSIVE, _TRUNCATE); *f at offset 0. */
static inline uint64_t rb_fs_create(const char* path, uint32_t permissions, uint32_t flags,
                                    struct rb_fs_file* f) {
  struct rb_message m = {
      {REBOUND_FS_CREATE, 0, (permissions & REBOUND_FS_PERMISSIONS) | flags, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {path, 0, 0, 0, 0};
  const enum rb_fs_retry retry = (flags & REBOUND_FS_CREATE_EXCLUSIVE) ? RB_FS_ONCE : RB_FS_AGAIN;
  const uint64_t e = rb_fs_request(&m, &b, retry, 0);
  if (e == 0) rb_fs__file(&m, f);
  return e;
}

static inline uint64_t rb_fs_mkdir(const char* path, uint32_t permissions) {
  struct rb_message m = {{REBOUND_FS_MKDIR, 0, permissions & REBOUND_FS_PERMISSIONS, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {path, 0, 0, 0, 0};
  return rb_fs_request(&m, &b, RB_FS_AGAIN_DONE, already_exists);
}

static inline uint64_t rb_fs_unlink(const char* path) {
  struct rb_message m = {{REBOUND_FS_UNLINK, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {path, 0, 0, 0, 0};
  return rb_fs_request(&m, &b, RB_FS_AGAIN_DONE, not_found);
}

static inline uint64_t rb_fs_rmdir(const char* path) {
  struct rb_message m = {{REBOUND_FS_RMDIR, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {path, 0, 0, 0, 0};
  return rb_fs_request(&m, &b, RB_FS_AGAIN_DONE, not_found);
}

static inline uint64_t rb_fs_rename(const char* from, const char* to) {
  struct rb_message m = {{REBOUND_FS_RENAME, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {from, to, 0, 0, 0};
  return rb_fs_request(&m, &b, RB_FS_AGAIN_DONE, not_found);
}

/* A new name `to` for the file `from`. */
static inline uint64_t rb_fs_link(const char* from, const char* to) {
  struct rb_message m = {{REBOUND_FS_LINK, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {from, to, 0, 0, 0};
  return rb_fs_request(&m, &b, RB_FS_AGAIN_DONE, already_exists);
}

/* --- Data ------------------------------------------------------------ */

/* One READ or WRITE of at most REBOUND_FS_IO_MAX bytes: through lent
   memory (the pages holding data) when it is more than the message buffer
   holds and the kernel lends them, else through the message buffer; *moved
   bytes moved. */
static inline uint64_t rb_fs__transfer(uint64_t op, uint64_t id, uint64_t offset, void* data,
                                       size_t n, size_t* moved) {
  if (n > REBOUND_IPC_BUFFER_SIZE) {
    const uintptr_t start = (uintptr_t)data & ~(uintptr_t)(REBOUND_PAGE_SIZE - 1);
    const uintptr_t end =
        ((uintptr_t)data + n + REBOUND_PAGE_SIZE - 1) & ~(uintptr_t)(REBOUND_PAGE_SIZE - 1);
    struct rb_message m = {{op, id, offset, n | (uint64_t)((uintptr_t)data - start) << 32, 0, 0},
                           0};
    const struct rb_fs_bulk b = {0, 0, (const void*)start, end - start, op == REBOUND_FS_READ};
    const uint64_t e = rb_fs_request(&m, &b, RB_FS_AGAIN, 0);
    if (e == 0) *moved = (size_t)m.w[1];
    /* bad_address: memory the kernel will not lend (it is not all the
       program's own, or not writable); the message buffer will do. */
    if (e != bad_address) return e;
    n = REBOUND_IPC_BUFFER_SIZE;
  }
  void* page = 0;
  uint64_t e = rb_ipc_buffer(&page);
  if (e != 0) return e;
  struct rb_message m = {{op, id, offset, n, 0, 0}, 0};
  const struct rb_fs_bulk b = {0, 0, 0, 0, 0};
  if (op == REBOUND_FS_WRITE) __builtin_memcpy(page, data, n);
  e = rb_fs_request(&m, &b, RB_FS_AGAIN, 0);
  if (e != 0) return e;
  *moved = m.w[1] <= n ? (size_t)m.w[1] : n;
  if (op == REBOUND_FS_READ) __builtin_memcpy(data, page, *moved);
  return 0;
}

/* Reads up to n bytes at `offset` into buf: *got of them, fewer only at
   the end of the file. */
static inline uint64_t rb_fs_pread(const struct rb_fs_file* f, uint64_t offset, void* buf, size_t n,
                                   size_t* got) {
  *got = 0;
  while (*got < n) {
    const size_t want = n - *got < REBOUND_FS_IO_MAX ? n - *got : REBOUND_FS_IO_MAX;
    size_t moved = 0;
    const uint64_t e = rb_fs__transfer(REBOUND_FS_READ, rb_fs_id(f), offset + *got,
                                       (char*)buf + *got, want, &moved);
    if (e != 0) return e;
    *got += moved;
    if (moved == 0) break; /* the end of the file */
  }
  return 0;
}

/* Writes n bytes at `offset`: *put of them, fewer only when the volume is
   full. */
static inline uint64_t rb_fs_pwrite(const struct rb_fs_file* f, uint64_t offset, const void* buf,
                                    size_t n, size_t* put) {
  *put = 0;
  while (*put < n) {
    const size_t want = n - *put < REBOUND_FS_IO_MAX ? n - *put : REBOUND_FS_IO_MAX;
    size_t moved = 0;
    const uint64_t e = rb_fs__transfer(REBOUND_FS_WRITE, rb_fs_id(f), offset + *put,
                                       (char*)buf + *put, want, &moved);
    if (e != 0) return e;
    *put += moved;
    if (moved < want) break; /* full */
  }
  return 0;
}

/* Sequential: at the file's offset, which moves past what was moved. */
static inline uint64_t rb_fs_read(struct rb_fs_file* f, void* buf, size_t n, size_t* got) {
  const uint64_t e = rb_fs_pread(f, f->offset, buf, n, got);
  f->offset += *got;
  return e;
}
static inline uint64_t rb_fs_write(struct rb_fs_file* f, const void* buf, size_t n, size_t* put) {
  const uint64_t e = rb_fs_pwrite(f, f->offset, buf, n, put);
  f->offset += *put;
  return e;
}

static inline uint64_t rb_fs_truncate(const struct rb_fs_file* f, uint64_t size) {
  struct rb_message m = {{REBOUND_FS_TRUNCATE, rb_fs_id(f), size, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {0, 0, 0, 0, 0};
  return rb_fs_request(&m, &b, RB_FS_AGAIN, 0);
}

/* The full attributes of an open file, or of what `path` names. */
static inline uint64_t rb_fs__stat_from_page(struct rebound_fs_stat* out) {
  void* page = 0;
  const uint64_t e = rb_ipc_buffer(&page);
  if (e == 0) __builtin_memcpy(out, page, sizeof *out);
  return e;
}
static inline uint64_t rb_fs_stat(const struct rb_fs_file* f, struct rebound_fs_stat* out) {
  void* page = 0;
  uint64_t e = rb_ipc_buffer(&page); /* so that the server fills it in */
  if (e != 0) return e;
  struct rb_message m = {{REBOUND_FS_STAT, rb_fs_id(f), 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {0, 0, 0, 0, 0};
  if ((e = rb_fs_request(&m, &b, RB_FS_AGAIN, 0)) != 0) return e;
  return rb_fs__stat_from_page(out);
}
static inline uint64_t rb_fs_stat_path(const char* path, struct rebound_fs_stat* out) {
  const uint64_t e = rb_fs_lookup(path, 0);
  return e != 0 ? e : rb_fs__stat_from_page(out);
}

/* --- Directories ----------------------------------------------------- */

/* The entries of directory `dir` from *cookie (0: the first) into
   `entries` (REBOUND_IPC_BUFFER_SIZE bytes): *count of them, packed
   (struct rebound_fs_dirent; rb_fs_dirent_next steps through them);
   *cookie then says where the next call goes on, *end whether the
   directory is done. */
static inline uint64_t rb_fs_readdir(const struct rb_fs_file* dir, uint64_t* cookie, void* entries,
                                     unsigned* count, int* end) {
  void* page = 0;
  uint64_t e = rb_ipc_buffer(&page);
  if (e != 0) return e;
  struct rb_message m = {{REBOUND_FS_READDIR, rb_fs_id(dir), *cookie, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {0, 0, 0, 0, 0};
  if ((e = rb_fs_request(&m, &b, RB_FS_AGAIN, 0)) != 0) return e;
  __builtin_memcpy(entries, page, REBOUND_IPC_BUFFER_SIZE);
  *count = (unsigned)m.w[1];
  *cookie = m.w[2];
  *end = m.w[3] != 0;
  return 0;
}
static inline const struct rebound_fs_dirent* rb_fs_dirent_next(
    const struct rebound_fs_dirent* entry) {
  return (const struct rebound_fs_dirent*)((const char*)entry + entry->size);
}

/* --- The volume ------------------------------------------------------ */

static inline uint64_t rb_fs_sync(void) {
  struct rb_message m = {{REBOUND_FS_SYNC, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {0, 0, 0, 0, 0};
  return rb_fs_request(&m, &b, RB_FS_AGAIN, 0);
}

static inline uint64_t rb_fs_statfs(struct rb_fs_statfs* out) {
  struct rb_message m = {{REBOUND_FS_STATFS, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {0, 0, 0, 0, 0};
  const uint64_t e = rb_fs_request(&m, &b, RB_FS_AGAIN, 0);
  if (e != 0) return e;
  out->block_size = (uint32_t)m.w[1];
  out->read_only = (int)(m.w[1] >> 32);
  out->blocks = m.w[2];
  out->free_blocks = m.w[3];
  out->inodes = m.w[4];
  out->free_inodes = m.w[5];
  return 0;
}

#endif
