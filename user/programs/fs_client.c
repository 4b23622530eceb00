/* A user program of the file-system service ("fs", abi/rebound/services.h)
   through user/runtime/rb_fs.h, on the RAM disk or on a virtio-blk disk
   (a copy of the build's image, checked after QEMU exits by
   tests/system/fs_disk_check.py, which knows the files this program leaves
   under /fs_test on purpose).

   Basic part, on every build: a tree of directories several levels deep,
   files written and read back -- one of 100,000 bytes through lent memory
   --, renames within and across directories (of a file and of a directory,
   over an existing file), a hard link, a truncation, READDIR over 200
   entries from its cookie, removals; then the errors (not_found,
   already_exists, not_empty, is_a_directory, not_a_directory,
   invalid_argument, name_too_long, bad_address, stale_handle for a removed
   file's id, also once its inode number is used again).

   On a test build (the TAS serves "faults"): faults in the middle of a
   write ("fs.write": a C++ exception, a CPU fault) after which the
   supervisor mounts a new generation and the library's one retry succeeds;
   the same without the retry (the write fails cleanly, the file as it was);
   a fault before the volume is touched ("fs.request"), retried in the same
   generation; then restarts while files are open (a corrupt state found
   after a request, twice), after which the same file handles read and
   write and every byte written before is there; and a restart of the
   block server under the file system. Exits with the failed checks. */
#include "rb_check.h"
#include "rb_faults.h"
#include "rb_fs.h"

static void say(const char* a, uint64_t n, const char* b) {
  char digits[24];
  rb_print(a);
  rb_print(rb_utoa(n, digits));
  rb_print(b);
}

/* The bytes fs_disk_check.py expects: byte i of pattern `seed`. */
static unsigned char pattern(uint64_t i, unsigned seed) {
  return (unsigned char)((i * 131) ^ (i >> 8) ^ (seed * 29u));
}
static void fill(unsigned char* p, uint64_t n, unsigned seed) {
  for (uint64_t i = 0; i < n; ++i) p[i] = pattern(i, seed);
}
static int is_pattern(const unsigned char* p, uint64_t n, unsigned seed, uint64_t from) {
  for (uint64_t i = 0; i < n; ++i)
    if (p[i] != pattern(from + i, seed)) return 0;
  return 1;
}
static int same(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

#define BIG 100000
static unsigned char g_big[BIG];
static unsigned char g_back[BIG + 8192];
static unsigned char g_aligned[2 * 65536] __attribute__((aligned(4096)));
static unsigned char g_entries[REBOUND_IPC_BUFFER_SIZE];

/* Writes all of `s` as the whole file at `path` (made, or emptied). */
static int put_text(const char* path, const char* s) {
  struct rb_fs_file f = {0};
  size_t put = 0;
  const size_t n = rb_strlen(s);
  return rb_fs_create(path, 0644, REBOUND_FS_CREATE_TRUNCATE, &f) == 0 &&
         rb_fs_write(&f, s, n, &put) == 0 && put == n;
}
/* Whether the file at `path` holds exactly `s`. */
static int has_text(const char* path, const char* s) {
  struct rb_fs_file f = {0};
  char buf[256];
  size_t got = 0;
  const size_t n = rb_strlen(s);
  return rb_fs_open(path, &f) == 0 && rb_fs_read(&f, buf, sizeof buf, &got) == 0 && got == n &&
         same(buf, s, n);
}
static uint64_t status_of(const char* path) {
  struct rb_fs_attr a = {0};
  return rb_fs_lookup(path, &a);
}

/* A request sent as it is: no library, no retry. */
static uint64_t raw(struct rb_message* m) {
  if (rb_fs_service.handle == 0 && rb_lookup("fs", &rb_fs_service.handle) != 0) return not_found;
  const uint64_t e = rb_ipc(REBOUND_SYS_IPC_CALL, rb_fs_service.handle, m);
  if (e == server_restarted) {
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, rb_fs_service.handle);
    rb_fs_service.handle = 0;
  }
  return e != 0 ? e : m->w[0];
}
static uint64_t raw_with_page(struct rb_message* m, const char* bytes, size_t n) {
  void* page = 0;
  if (rb_ipc_buffer(&page) != 0) return bad_address;
  __builtin_memcpy(page, bytes, n);
  return raw(m);
}

static uint64_t g_generation;
static struct rb_message info(void) {
  struct rb_message m = {{REBOUND_FS_INFO, 0, 0, 0, 0, 0}, 0};
  const struct rb_fs_bulk b = {0, 0, 0, 0, 0};
  check("info", rb_fs_request(&m, &b, RB_FS_AGAIN, 0) == 0);
  return m;
}

static void check_tree(void) {
  check("mkdir /fs_test", rb_fs_mkdir("/fs_test", 0755) == 0);
  check("mkdir keep", rb_fs_mkdir("/fs_test/keep", 0755) == 0);
  check("mkdir work", rb_fs_mkdir("/fs_test/work", 0700) == 0);
  const char* levels[] = {"/fs_test/tree", "/fs_test/tree/a", "/fs_test/tree/a/b",
                          "/fs_test/tree/a/b/c"};
  for (int i = 0; i < 4; ++i) check("mkdir a level", rb_fs_mkdir(levels[i], 0755) == 0);
  check("a file five levels down", put_text("/fs_test/tree/a/b/c/deep.txt", "deep\n"));
  struct rb_fs_attr tree = {0}, deep = {0}, rel = {0};
  check("lookup tree", rb_fs_lookup("/fs_test/tree", &tree) == 0);
  check("a directory", (tree.mode & REBOUND_FS_TYPE_MASK) == REBOUND_FS_TYPE_DIRECTORY);
  check("its permissions", (tree.mode & REBOUND_FS_PERMISSIONS) == 0755);
  check("three links (name, '.', a's '..')", tree.links == 3);
  check("lookup deep", rb_fs_lookup("/fs_test/tree/a/b/c/deep.txt", &deep) == 0);
  check("relative to a directory id", rb_fs_lookup_at(tree.id, "a/b/c/deep.txt", &rel) == 0);
  check("the same file", rel.id == deep.id && deep.size == 5);
  check("dots and slashes",
        rb_fs_lookup("//fs_test/./tree/a/../a/b//c/deep.txt", &rel) == 0 && rel.id == deep.id);
  check("a regular file", (deep.mode & REBOUND_FS_TYPE_MASK) == REBOUND_FS_TYPE_REGULAR);
}

static void check_files(void) {
  /* Sequential writes and reads through the message buffer. */
  struct rb_fs_file f = {0};
  size_t n = 0;
  check("create hello", rb_fs_create("/fs_test/keep/hello.txt", 0640, 0, &f) == 0);
  check("write hello", rb_fs_write(&f, "hello from ", 11, &n) == 0 && n == 11);
  check("write more", rb_fs_write(&f, "fs_client\n", 10, &n) == 0 && n == 10);
  check("the offset moved", f.offset == 21);
  check("reads back", has_text("/fs_test/keep/hello.txt", "hello from fs_client\n"));
  char piece[8];
  check("a piece at an offset",
        rb_fs_pread(&f, 6, piece, 4, &n) == 0 && n == 4 && same(piece, "from", 4));
  check("nothing past the end", rb_fs_pread(&f, 21, piece, 8, &n) == 0 && n == 0);
  struct rebound_fs_stat st = {0};
  check("stat", rb_fs_stat(&f, &st) == 0);
  check("stat: id", st.id == rb_fs_id(&f));
  check("stat: size and mode", st.size == 21 && st.mode == (REBOUND_FS_TYPE_REGULAR | 0640));
  check("stat: links, blocks", st.links == 1 && st.blocks > 0);
  check("stat: a time", st.mtime > 1600000000u && st.ctime == st.mtime);
  struct rebound_fs_stat by_path = {0};
  check("stat by path", rb_fs_stat_path("/fs_test/keep/hello.txt", &by_path) == 0 &&
                            by_path.id == st.id && by_path.size == 21);
  check("create without EXCLUSIVE opens it",
        rb_fs_create("/fs_test/keep/hello.txt", 0600, 0, &f) == 0 && f.offset == 0);
  check("and keeps it", has_text("/fs_test/keep/hello.txt", "hello from fs_client\n"));
  check("a hard link", rb_fs_link("/fs_test/keep/hello.txt", "/fs_test/keep/hello.link") == 0);
  check("two links", rb_fs_stat(&f, &st) == 0 && st.links == 2);

  /* 100,000 bytes: through lent memory, in one request each way. */
  fill(g_big, BIG, 1);
  struct rb_fs_file big = {0};
  check("create big", rb_fs_create("/fs_test/keep/big.bin", 0644, 0, &big) == 0);
  check("write 100,000 bytes", rb_fs_write(&big, g_big, BIG, &n) == 0 && n == BIG);
  check("read them back", rb_fs_pread(&big, 0, g_back, BIG + 100, &n) == 0 && n == BIG);
  check("the same bytes", is_pattern(g_back, BIG, 1, 0));
  check("a piece at an odd offset", rb_fs_pread(&big, 12345, g_back, 777, &n) == 0 && n == 777 &&
                                        is_pattern(g_back, 777, 1, 12345));
  /* The same through one grant of whole pages, as the protocol has it. */
  struct rb_message m = {{REBOUND_FS_READ, rb_fs_id(&big), 0, 65536 | (uint64_t)4096 << 32, 0, 0},
                         0};
  check("a read into lent pages",
        rb_call_grant(rb_fs_service.handle, &m, g_aligned, sizeof g_aligned, 1) == 0 &&
            m.w[0] == 0 && m.w[1] == 65536);
  check("at the offset asked", is_pattern(g_aligned + 4096, 65536, 1, 0) && g_aligned[0] == 0);
  struct rb_message ro = {{REBOUND_FS_READ, rb_fs_id(&big), 0, 4096, 0, 0}, 0};
  check("not into a read-only loan",
        rb_call_grant(rb_fs_service.handle, &ro, g_aligned, 4096, 0) == 0 &&
            ro.w[0] == access_denied);

  /* A copy, truncated. */
  struct rb_fs_file cut = {0};
  fill(g_big, BIG, 2);
  check("create truncated", rb_fs_create("/fs_test/keep/truncated.bin", 0644, 0, &cut) == 0);
  check("write it", rb_fs_write(&cut, g_big, BIG, &n) == 0 && n == BIG);
  check("truncate to 5000", rb_fs_truncate(&cut, 5000) == 0);
  check("5000 bytes left", rb_fs_stat(&cut, &st) == 0 && st.size == 5000);
  check("create TRUNCATE empties",
        rb_fs_create("/fs_test/work/empty.bin", 0644, 0, &f) == 0 &&
            rb_fs_write(&f, g_big, 3000, &n) == 0 &&
            rb_fs_create("/fs_test/work/empty.bin", 0644, REBOUND_FS_CREATE_TRUNCATE, &f) == 0 &&
            rb_fs_stat(&f, &st) == 0 && st.size == 0);
  check("unlink it", rb_fs_unlink("/fs_test/work/empty.bin") == 0);
  rb_print("fs_client: files checked\n");
}

static void check_renames(void) {
  struct rb_fs_file f = {0};
  check("a file to move", put_text("/fs_test/work/moveme.txt", "moved across\n"));
  check("open it", rb_fs_open("/fs_test/work/moveme.txt", &f) == 0);
  check("rename across directories",
        rb_fs_rename("/fs_test/work/moveme.txt", "/fs_test/tree/a/moved.txt") == 0);
  check("the old name is gone", status_of("/fs_test/work/moveme.txt") == not_found);
  check("the new name has it", has_text("/fs_test/tree/a/moved.txt", "moved across\n"));
  char buf[16];
  size_t n = 0;
  check("the open file reads on", rb_fs_pread(&f, 0, buf, 5, &n) == 0 && n == 5);
  check("a rename within a directory",
        put_text("/fs_test/tree/a/tmp.txt", "replaced\n") &&
            rb_fs_rename("/fs_test/tree/a/tmp.txt", "/fs_test/tree/a/other.txt") == 0 &&
            has_text("/fs_test/tree/a/other.txt", "replaced\n"));
  check("a rename over a file",
        put_text("/fs_test/tree/a/new.txt", "the new one\n") &&
            rb_fs_rename("/fs_test/tree/a/new.txt", "/fs_test/tree/a/other.txt") == 0 &&
            has_text("/fs_test/tree/a/other.txt", "the new one\n") &&
            status_of("/fs_test/tree/a/new.txt") == not_found);
  check("a directory with a file", rb_fs_mkdir("/fs_test/work/dir1", 0755) == 0 &&
                                       put_text("/fs_test/work/dir1/inner.txt", "inner\n"));
  check("a directory renamed across",
        rb_fs_rename("/fs_test/work/dir1", "/fs_test/keep/dir2") == 0 &&
            has_text("/fs_test/keep/dir2/inner.txt", "inner\n") &&
            status_of("/fs_test/work/dir1") == not_found);
  struct rb_fs_attr dotdot = {0}, keep = {0};
  check("its '..' is its new parent", rb_fs_lookup("/fs_test/keep/dir2/..", &dotdot) == 0 &&
                                          rb_fs_lookup("/fs_test/keep", &keep) == 0 &&
                                          dotdot.id == keep.id && keep.links == 3);
  rb_print("fs_client: renames checked\n");
}

/* Every name READDIR gives for `path`, each handed to `seen`; the calls it took. */
static unsigned list(const char* path, void (*seen)(const char* name, uint8_t type, void* ctx),
                     void* ctx) {
  struct rb_fs_file dir = {0};
  if (rb_fs_open(path, &dir) != 0) return 0;
  uint64_t cookie = 0;
  unsigned calls = 0;
  for (int end = 0; !end;) {
    unsigned count = 0;
    if (rb_fs_readdir(&dir, &cookie, g_entries, &count, &end) != 0) return 0;
    ++calls;
    const struct rebound_fs_dirent* d = (const struct rebound_fs_dirent*)g_entries;
    for (unsigned i = 0; i < count; ++i, d = rb_fs_dirent_next(d))
      seen(REBOUND_FS_DIRENT_NAME(d), d->type, ctx);
    if (!end && count == 0) return 0;
  }
  return calls;
}

struct keep_listing {
  int dot, dotdot, hello, link, big, truncated, dir2, other;
};
static void keep_seen(const char* name, uint8_t type, void* ctx) {
  struct keep_listing* k = ctx;
  const size_t n = rb_strlen(name) + 1;
  if (n == 2 && same(name, ".", 2))
    k->dot += type == REBOUND_FS_DT_DIRECTORY;
  else if (n == 3 && same(name, "..", 3))
    k->dotdot += type == REBOUND_FS_DT_DIRECTORY;
  else if (n == 10 && same(name, "hello.txt", 10))
    k->hello += type == REBOUND_FS_DT_REGULAR;
  else if (n == 11 && same(name, "hello.link", 11))
    k->link += type == REBOUND_FS_DT_REGULAR;
  else if (n == 8 && same(name, "big.bin", 8))
    k->big += type == REBOUND_FS_DT_REGULAR;
  else if (n == 14 && same(name, "truncated.bin", 14))
    ++k->truncated;
  else if (n == 5 && same(name, "dir2", 5))
    k->dir2 += type == REBOUND_FS_DT_DIRECTORY;
  else
    ++k->other;
}
static void count_seen(const char* name, uint8_t type, void* ctx) {
  (void)name;
  (void)type;
  ++*(unsigned*)ctx;
}

static void make_name(char* out, const char* prefix, unsigned i) {
  size_t n = rb_strlen(prefix);
  __builtin_memcpy(out, prefix, n);
  char digits[24];
  rb_utoa(i, digits);
  __builtin_memcpy(out + n, digits, rb_strlen(digits) + 1);
}

static void check_listings(void) {
  struct keep_listing k = {0, 0, 0, 0, 0, 0, 0, 0};
  check("list keep", list("/fs_test/keep", keep_seen, &k) == 1);
  check("keep: each entry once, with its type", k.dot == 1 && k.dotdot == 1 && k.hello == 1 &&
                                                    k.link == 1 && k.big == 1 && k.truncated == 1 &&
                                                    k.dir2 == 1 && k.other == 0);
  /* 200 entries: more than a message buffer holds at once. */
  check("mkdir many", rb_fs_mkdir("/fs_test/work/many", 0755) == 0);
  char name[64];
  int made = 1;
  for (unsigned i = 0; i < 200; ++i) {
    struct rb_fs_file f = {0};
    make_name(name, "/fs_test/work/many/entry-number-", i);
    made = made && rb_fs_create(name, 0644, REBOUND_FS_CREATE_EXCLUSIVE, &f) == 0;
  }
  check("200 files made", made);
  unsigned seen = 0;
  const unsigned calls = list("/fs_test/work/many", count_seen, &seen);
  check("every entry once", seen == 202);
  check("from a cookie over several calls", calls >= 2);
  check("not empty", rb_fs_rmdir("/fs_test/work/many") == not_empty);
  int removed = 1;
  for (unsigned i = 0; i < 200; ++i) {
    make_name(name, "/fs_test/work/many/entry-number-", i);
    removed = removed && rb_fs_unlink(name) == 0;
  }
  check("200 files removed", removed);
  seen = 0;
  check("only '.' and '..' left", list("/fs_test/work/many", count_seen, &seen) == 1 && seen == 2);
  check("rmdir many", rb_fs_rmdir("/fs_test/work/many") == 0);
  check("gone", status_of("/fs_test/work/many") == not_found);
  say("fs_client: listings checked (", calls, " READDIR calls for 202 entries)\n");
}

static void no_buffer_thread(uint64_t result) {
  /* A thread that never made a message buffer: no page for a path. */
  struct rb_message m = {{REBOUND_FS_LOOKUP, 0, 0, 0, 0, 0}, 0};
  *(uint64_t*)(uintptr_t)result = rb_service_call(rb_fs_service.handle, &m);
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
}

static void check_errors(void) {
  struct rb_fs_file f = {0}, g = {0};
  check("not found", status_of("/fs_test/nothing") == not_found);
  check("not found on the way", status_of("/fs_test/nothing/x") == not_found);
  check("already exists", rb_fs_mkdir("/fs_test/keep", 0755) == already_exists);
  check("exclusive create of a file there",
        rb_fs_create("/fs_test/keep/hello.txt", 0644, REBOUND_FS_CREATE_EXCLUSIVE, &f) ==
            already_exists);
  check("create over a directory", rb_fs_create("/fs_test/keep", 0644, 0, &f) == is_a_directory);
  check("not empty", rb_fs_rmdir("/fs_test/tree") == not_empty);
  check("unlink a directory", rb_fs_unlink("/fs_test/tree/a") == is_a_directory);
  check("rmdir a file", rb_fs_rmdir("/fs_test/keep/hello.txt") == not_a_directory);
  check("a file as a directory",
        rb_fs_create("/fs_test/keep/hello.txt/x", 0644, 0, &f) == not_a_directory);
  struct rb_fs_file dir = {0};
  char buf[16];
  size_t n = 0;
  check("open a directory", rb_fs_open("/fs_test/tree", &dir) == 0);
  check("read a directory", rb_fs_pread(&dir, 0, buf, 16, &n) == is_a_directory);
  check("write a directory", rb_fs_pwrite(&dir, 0, buf, 16, &n) == is_a_directory);
  check("a directory below itself",
        rb_fs_rename("/fs_test/tree", "/fs_test/tree/a/tree") == invalid_argument);
  char long_name[300];
  long_name[0] = '/';
  for (int i = 1; i < 257; ++i) long_name[i] = 'n';
  long_name[257] = '\0';
  check("a name over 255 bytes", status_of(long_name) == name_too_long);
  /* What the library would not send: the server's own checks. */
  static char page[REBOUND_IPC_BUFFER_SIZE];
  for (int i = 0; i < REBOUND_IPC_BUFFER_SIZE; ++i) page[i] = 'a';
  struct rb_message lookup = {{REBOUND_FS_LOOKUP, 0, 0, 0, 0, 0}, 0};
  check("a path without its NUL", raw_with_page(&lookup, page, sizeof page) == invalid_argument);
  page[2000] = '\0';
  lookup.w[0] = REBOUND_FS_LOOKUP;
  check("a path too long", raw_with_page(&lookup, page, sizeof page) == name_too_long);
  struct rb_message m = {{0x77, 0, 0, 0, 0, 0}, 0};
  check("an unknown operation", raw(&m) == invalid_argument);
  struct rb_message big = {{REBOUND_FS_READ, 0, 0, REBOUND_FS_IO_MAX + 1, 0, 0}, 0};
  check("open hello", rb_fs_open("/fs_test/keep/hello.txt", &f) == 0);
  big.w[1] = rb_fs_id(&f);
  check("more than a request moves", raw(&big) == invalid_argument);
  struct rb_message flag = {{REBOUND_FS_CREATE, 0, 0644 | 1u << 20, 0, 0, 0}, 0};
  check("an unknown flag", raw_with_page(&flag, "/fs_test/x", 11) == invalid_argument);
  struct rb_message stale_dir = {{REBOUND_FS_LOOKUP, REBOUND_FS_ID(2, 12345), 0, 0, 0, 0}, 0};
  check("a stale directory id", raw_with_page(&stale_dir, "x", 2) == stale_handle);
  /* No message buffer at all. */
  uint64_t result = ~0ull;
  const struct rb_result stack =
      RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
  const struct rb_result thread = RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uintptr_t)no_buffer_thread,
                                          stack.value + 65536, (uintptr_t)&result);
  check("a thread", stack.error == 0 && thread.error == 0 &&
                        RB_SYS1(REBOUND_SYS_THREAD_JOIN, thread.value).error == 0);
  check("no buffer: bad_address", result == bad_address);

  /* Stale ids: a file removed, and its inode number made again. */
  check("a file to remove", put_text("/fs_test/work/gone.txt", "soon gone\n") &&
                                rb_fs_open("/fs_test/work/gone.txt", &f) == 0);
  check("remove it", rb_fs_unlink("/fs_test/work/gone.txt") == 0);
  check("its id is stale: read", rb_fs_pread(&f, 0, buf, 4, &n) == stale_handle);
  check("its id is stale: write", rb_fs_pwrite(&f, 0, "x", 1, &n) == stale_handle);
  check("its id is stale: truncate", rb_fs_truncate(&f, 0) == stale_handle);
  check("the number used again", rb_fs_create("/fs_test/work/reused.txt", 0644, 0, &g) == 0 &&
                                     g.ino == f.ino && g.check != f.check);
  check("the old id still stale", rb_fs_pread(&f, 0, buf, 4, &n) == stale_handle);
  check("the new one works", rb_fs_pwrite(&g, 0, "new", 3, &n) == 0 && n == 3);
  check("remove that too", rb_fs_unlink("/fs_test/work/reused.txt") == 0);
  check("unlink twice", rb_fs_unlink("/fs_test/work/reused.txt") == not_found);
  rb_print("fs_client: errors checked\n");
}

static void check_volume(void) {
  struct rb_fs_statfs s = {0};
  check("statfs", rb_fs_statfs(&s) == 0);
  check("1 KiB blocks, 8 MiB", s.block_size == 1024 && s.blocks == 8192 && !s.read_only);
  check("free blocks and inodes", s.free_blocks > 1000 && s.free_inodes > 100);
  check("sync", rb_fs_sync() == 0);
}

/* --- Test builds: faults and restarts --------------------------------- */

static rebound_handle g_faults;

static int arm(const char* site, uint64_t kind) {
  return rb_faults_arm(g_faults, site, kind, 1) == 0;
}

static void check_faulted_writes(void) {
  check("mkdir faults", rb_fs_mkdir("/fs_test/faults", 0755) == 0);
  struct rb_fs_file f = {0};
  size_t n = 0;
  /* A C++ exception mid-write: the generation is replaced, the library's
     retry writes it all at the new one. */
  g_generation = info().w[1];
  fill(g_big, 20000, 3);
  check("create thrown.bin", rb_fs_create("/fs_test/faults/thrown.bin", 0644, 0, &f) == 0);
  check("arm fs.write (throw)", arm("fs.write", REBOUND_INJECT_THROW));
  check("a write that faults, retried", rb_fs_pwrite(&f, 0, g_big, 20000, &n) == 0 && n == 20000);
  const uint64_t after_throw = info().w[1];
  check("a new generation serves", after_throw == g_generation + 1);
  check("every byte there",
        rb_fs_pread(&f, 0, g_back, 30000, &n) == 0 && n == 20000 && is_pattern(g_back, n, 3, 0));

  /* A CPU fault (null read) after the first of two chunks. */
  fill(g_big, BIG, 5);
  check("create cpu_fault.bin", rb_fs_create("/fs_test/faults/cpu_fault.bin", 0644, 0, &f) == 0);
  check("arm fs.write (null read)", arm("fs.write", REBOUND_INJECT_NULL_READ));
  check("a write that faults in the CPU, retried",
        rb_fs_pwrite(&f, 0, g_big, BIG, &n) == 0 && n == BIG);
  check("another generation", info().w[1] == after_throw + 1);
  check("every byte there",
        rb_fs_pread(&f, 0, g_back, BIG, &n) == 0 && n == BIG && is_pattern(g_back, BIG, 5, 0));

  /* Without the library's retry: the write fails, and nothing of it is
     on the disk the next generation mounts. */
  check("create raw.bin", put_text("/fs_test/faults/raw.bin", "as it was\n") &&
                              rb_fs_open("/fs_test/faults/raw.bin", &f) == 0);
  void* page = 0;
  check("a buffer", rb_ipc_buffer(&page) == 0);
  __builtin_memcpy(page, "CHANGED!!!", 10);
  check("arm fs.write (throw) again", arm("fs.write", REBOUND_INJECT_THROW));
  struct rb_message w = {{REBOUND_FS_WRITE, rb_fs_id(&f), 0, 10, 0, 0}, 0};
  check("the faulted write fails: server_restarted", raw(&w) == server_restarted);
  check("the file as it was", has_text("/fs_test/faults/raw.bin", "as it was\n"));
  check("a third new generation", info().w[1] == after_throw + 2);

  /* A fault before the volume is touched: retried at once, same generation. */
  check("arm fs.request (throw)", arm("fs.request", REBOUND_INJECT_THROW));
  check("a request that faults once", has_text("/fs_test/faults/raw.bin", "as it was\n"));
  g_generation = info().w[1];
  check("no restart for it", g_generation == after_throw + 2);
  rb_print("fs_client: faulted writes checked\n");
}

/* The disk failing under a request: the fs server's in-TAS calls to the
   block server fault ("tas.call": the call, then the fresh reference made
   for its one retry). The request fails with io_error -- not a restart --,
   what it changed in memory is dropped, the volume mounted again from the
   disk, and the next request works. */
static void check_device_failure(void) {
  struct rb_fs_file f = {0};
  size_t n = 0;
  check("a file", put_text("/fs_test/faults/device.txt", "before the failure\n") &&
                      rb_fs_open("/fs_test/faults/device.txt", &f) == 0);
  const uint64_t generation = info().w[1];
  check("arm tas.call (throw, twice)",
        rb_faults_arm(g_faults, "tas.call", REBOUND_INJECT_THROW, 2) == 0);
  check("a write the disk fails: io_error", rb_fs_pwrite(&f, 0, "AFTER", 5, &n) == io_error);
  check("no restart for it", info().w[1] == generation);
  check("nothing of it on the disk",
        has_text("/fs_test/faults/device.txt", "before the failure\n"));
  check("the next write works", put_text("/fs_test/faults/device.txt", "after the failure\n"));
  rb_print("fs_client: a disk failure checked\n");
}

static void check_restarts(void) {
  check("mkdir restart", rb_fs_mkdir("/fs_test/restart", 0755) == 0);
  struct rb_fs_file a = {0}, b = {0};
  size_t n = 0;
  check("create a.txt", rb_fs_create("/fs_test/restart/a.txt", 0644, 0, &a) == 0);
  check("create b.bin", rb_fs_create("/fs_test/restart/b.bin", 0644, 0, &b) == 0);
  check("write a", rb_fs_write(&a, "before restart\n", 15, &n) == 0 && n == 15);
  fill(g_big, 70000, 4);
  check("write b", rb_fs_write(&b, g_big, 70000, &n) == 0 && n == 70000);
  const uint64_t generation = info().w[1];

  /* A corrupt state found after this write: done and written back, but
     its reply lost to the restart; the library writes it again. */
  check("arm fs.request (corrupt)", arm("fs.request", REBOUND_INJECT_CORRUPT));
  check("a write across a restart", rb_fs_write(&a, "after restart\n", 14, &n) == 0 && n == 14);
  check("the next generation", info().w[1] == generation + 1);
  check("a.txt whole", has_text("/fs_test/restart/a.txt", "before restart\nafter restart\n"));
  check("b.bin through the handle held across",
        rb_fs_pread(&b, 0, g_back, BIG, &n) == 0 && n == 70000 && is_pattern(g_back, n, 4, 0));
  /* Again in the middle of a write to b (CORRUPT at fs.write). */
  fill(g_big, 1000, 6);
  check("arm fs.write (corrupt)", arm("fs.write", REBOUND_INJECT_CORRUPT));
  check("append to b across a restart", rb_fs_write(&b, g_big, 1000, &n) == 0 && n == 1000);
  check("one more generation", info().w[1] == generation + 2);
  struct rebound_fs_stat st = {0};
  check("b's size", rb_fs_stat(&b, &st) == 0 && st.size == 71000);
  check("b's tail", rb_fs_pread(&b, 70000, g_back, 2000, &n) == 0 && n == 1000 &&
                        is_pattern(g_back, 1000, 6, 0));
  check("a written on", rb_fs_write(&a, "the end\n", 8, &n) == 0 && n == 8);

  /* The block server restarted under the file system: its in-TAS
     reference is made again, and the disk is the same. */
  rebound_handle block = 0;
  void* page = 0;
  check("lookup block", rb_lookup("block", &block) == 0 && rb_ipc_buffer(&page) == 0);
  check("arm block.read (corrupt)", arm("block.read", REBOUND_INJECT_CORRUPT));
  struct rb_message r = {{REBOUND_BLOCK_READ, 0, 1, 0, 0, 0}, 0};
  check("the block server restarted", rb_service_call(block, &r) == server_restarted);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, block);
  check("a write after it", put_text("/fs_test/restart/after_block.txt", "block restarted\n"));
  check("read back", has_text("/fs_test/restart/after_block.txt", "block restarted\n"));
  check("the same fs generation", info().w[1] == generation + 2);
  rb_print("fs_client: restarts checked\n");
}

int main(void) {
  check("lookup fs", rb_lookup("fs", &rb_fs_service.handle) == 0);
  const struct rb_message i = info();
  g_generation = i.w[1];
  rb_print(i.w[2] == REBOUND_BLOCK_KIND_VIRTIO ? "fs_client: on a virtio-blk disk\n"
                                               : "fs_client: on the RAM disk\n");
  check_volume();
  check_tree();
  check_files();
  check_renames();
  check_listings();
  check_errors();
  check_volume();
  rb_print("fs_client: basic checked\n");
  const int test_build = rb_lookup("faults", &g_faults) == 0;
  if (test_build) {
    check_faulted_writes();
    check_device_failure();
    check_restarts();
  }
  const struct rb_message end = info();
  say("fs_client: ", end.w[3], " changes by this generation, ");
  say("", end.w[5], " blocks written early\n");
  check("no block written before its request ended", end.w[5] == 0);
  check("sync at the end", rb_fs_sync() == 0);
  rb_print(failures == 0 ? "fs_client: all passed\n" : "fs_client: FAILED\n");
  return failures;
}
