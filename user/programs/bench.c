/* User-side benchmarks, run by the test kernel's "bench" option. Under QEMU
   -icount shift=0 the clock counts guest instructions, so every figure is
   instructions per operation. Prints "bench: NAME VALUE" lines. */
#include "rb_bulk.h"
#include "rb_fs.h"
#include "rb_process.h"
#include "rb_service.h"

static void report(const char* name, uint64_t value) {
  char buf[24];
  rb_print("bench: ");
  rb_print(name);
  rb_print(" ");
  rb_print(rb_utoa(value, buf));
  rb_print("\n");
}

static volatile int stop;

/* A step of the file-system benchmarks failed: say which, skip the rest. */
static int fs_failed(const char* step, uint64_t error) {
  char buf[24];
  rb_print("bench: fs failed: ");
  rb_print(step);
  rb_print(" error ");
  rb_print(rb_utoa(error, buf));
  rb_print("\n");
  return 1;
}

/* The file-system server on the RAM disk (issue 6). A 4 MiB file written
   and read sequentially in chunks of the message buffer's size (each WRITE
   on the disk, flushed, before its reply: the server's sync semantics);
   instructions per KiB. Then create + unlink of an empty file in a
   directory (per pair), and spawn + exit + wait of /bin/nop through the
   process server, which reads the ELF through the fs server. */
enum { kFileBytes = 4 << 20, kChunk = REBOUND_IPC_BUFFER_SIZE, kCreates = 200, kFsSpawns = 100 };
static uint8_t chunk[kChunk];

static int fs_benchmarks(void) {
  static const char kFile[] = "/bench-4m";
  struct rb_fs_file f;
  uint64_t e = rb_fs_create(kFile, 0644, REBOUND_FS_CREATE_TRUNCATE, &f);
  if (e != 0) return fs_failed("create 4 MiB file", e);
  for (int i = 0; i < kChunk; ++i) chunk[i] = (uint8_t)(i * 7);
  uint64_t t = rb_clock();
  for (uint64_t done = 0; done < kFileBytes; done += kChunk) {
    chunk[0] = (uint8_t)(done / kChunk);
    size_t put = 0;
    if ((e = rb_fs_write(&f, chunk, kChunk, &put)) != 0 || put != kChunk)
      return fs_failed("write", e != 0 ? e : no_space);
  }
  report("fs_seq_write_4m", (rb_clock() - t) / (kFileBytes / 1024));

  f.offset = 0;
  uint64_t total = 0, mismatches = 0;
  t = rb_clock();
  for (;;) {
    size_t got = 0;
    if ((e = rb_fs_read(&f, chunk, kChunk, &got)) != 0) return fs_failed("read", e);
    if (got == 0) break;
    mismatches += chunk[0] != (uint8_t)(total / kChunk);
    total += got;
  }
  const uint64_t read_time = rb_clock() - t;
  if (total != kFileBytes || mismatches != 0 || chunk[1] != 7)
    return fs_failed("read back", io_error);
  report("fs_seq_read_4m", read_time / (kFileBytes / 1024));
  if ((e = rb_fs_unlink(kFile)) != 0) return fs_failed("unlink 4 MiB file", e);

  static const char kDir[] = "/bench-dir", kEmpty[] = "/bench-dir/empty";
  if ((e = rb_fs_mkdir(kDir, 0755)) != 0) return fs_failed("mkdir", e);
  for (int i = 0; i <= kCreates; ++i) {
    if (i == 1) t = rb_clock(); /* the first pair warms up */
    if ((e = rb_fs_create(kEmpty, 0644, REBOUND_FS_CREATE_EXCLUSIVE, &f)) != 0)
      return fs_failed("create", e);
    if ((e = rb_fs_unlink(kEmpty)) != 0) return fs_failed("unlink", e);
  }
  report("fs_create_delete", (rb_clock() - t) / kCreates);
  if ((e = rb_fs_rmdir(kDir)) != 0) return fs_failed("rmdir", e);

  static const char* const kNop[] = {"nop", 0};
  for (int i = 0; i <= kFsSpawns; ++i) {
    if (i == 1) t = rb_clock();
    uint64_t pid, status = 0;
    rebound_handle child = 0;
    if ((e = rb_spawn("/bin/nop", kNop, 0, &pid, &child)) != 0)
      return fs_failed("spawn /bin/nop", e);
    e = rb_wait(child, &status, 0);
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);
    if (e != 0 || status != 0) return fs_failed("wait /bin/nop", e);
  }
  report("fs_spawn_exit_wait", (rb_clock() - t) / kFsSpawns);
  return 0;
}

static void partner(uint64_t arg) {
  (void)arg;
  while (!stop) rb_yield();
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
}

int main(void) {
  enum { kCalls = 20000, kSwitches = 5000, kPages = 1024, kSpawns = 100 };

  uint64_t t = rb_clock();
  for (int i = 0; i < kCalls; ++i) rb_null();
  report("user_null_syscall", (rb_clock() - t) / kCalls);

  /* Two threads of this process yielding to each other: each yield is one
     switch (and one system call). */
  struct rb_result stack =
      RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
  struct rb_result th =
      RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)partner, stack.value + 65536, 0);
  rb_yield(); /* let it start */
  t = rb_clock();
  for (int i = 0; i < kSwitches; ++i) rb_yield();
  report("user_yield_switch", (rb_clock() - t) / (2 * kSwitches));
  stop = 1;
  RB_SYS1(REBOUND_SYS_THREAD_JOIN, th.value);

  /* Demand-zero page faults: the first touch of each page of a fresh region. */
  struct rb_result region =
      RB_SYS3(REBOUND_SYS_VM_MAP, 0, kPages * 4096ull, REBOUND_VM_READ | REBOUND_VM_WRITE);
  volatile char* p = (volatile char*)(uintptr_t)region.value;
  t = rb_clock();
  for (int i = 0; i < kPages; ++i) p[i * 4096] = 1;
  report("user_page_fault", (rb_clock() - t) / kPages);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, region.value, kPages * 4096ull);

  t = rb_clock();
  for (int i = 0; i < kSpawns; ++i) {
    struct rb_result c = RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, "nop", 3, "nop", 4);
    RB_SYS1(REBOUND_SYS_PROCESS_WAIT, c.value);
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, c.value);
  }
  report("user_spawn_exit_wait", (rb_clock() - t) / kSpawns);

  /* IPC round trip with a 6-word message to a server in another process
     (echo_server; word 0 = 0xec40e1 tells it to exit). */
  struct rb_result ep = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  struct rb_result server =
      RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "echo_server", 11, "echo_server", 12, ep.value);
  struct rb_message m = {{1, 2, 3, 4, 5, 6}, 0};
  rb_ipc(REBOUND_SYS_IPC_CALL, ep.value, &m); /* the server is up */
  t = rb_clock();
  for (int i = 0; i < kCalls / 4; ++i) rb_ipc(REBOUND_SYS_IPC_CALL, ep.value, &m);
  report("user_ipc_round_trip", (rb_clock() - t) / (kCalls / 4));
  m.w[0] = 0xec40e1;
  rb_ipc(REBOUND_SYS_IPC_CALL, ep.value, &m);
  RB_SYS1(REBOUND_SYS_PROCESS_WAIT, server.value);

  /* The TAS: a user -> TAS echo round trip (IPC, 6 words), and one server
     calling another inside the TAS (a C++ call wrapped at the callee: no
     kernel entry), timed by the TAS over 10,000 calls less its overhead. */
  rebound_handle echo;
  if (rb_lookup("echo", &echo) == 0) {
    struct rb_message e = {{REBOUND_ECHO_WORDS, 1, 2, 3, 4, 5}, 0};
    rb_service_call(echo, &e);
    t = rb_clock();
    for (int i = 0; i < kCalls / 4; ++i) {
      e.w[0] = REBOUND_ECHO_WORDS;
      rb_service_call(echo, &e);
    }
    report("tas_ipc_round_trip", (rb_clock() - t) / (kCalls / 4));

    /* Bulk data: a payload in this thread's message buffer, which the echo
       server checksums and reverses in place (the 0-byte figure is the
       fixed cost; the rest is the server's work on the page), and memory
       lent with the call, mapped into the server and revoked at the reply
       (the server does not touch it: the figures are the mapping's cost). */
    void* payload;
    if (rb_ipc_buffer(&payload) == 0) {
      for (int i = 0; i < 4096; ++i) ((uint8_t*)payload)[i] = (uint8_t)i;
      static const uint64_t sizes[] = {0, 4096};
      static const char* const names[] = {"tas_buffer_round_trip_0", "tas_buffer_round_trip_4k"};
      for (int k = 0; k < 2; ++k) {
        e = (struct rb_message){{REBOUND_ECHO_BUFFER, sizes[k], 0, 0, 0, 0}, 0};
        rb_service_call(echo, &e);
        t = rb_clock();
        for (int i = 0; i < kCalls / 4; ++i) {
          e = (struct rb_message){{REBOUND_ECHO_BUFFER, sizes[k], 0, 0, 0, 0}, 0};
          rb_service_call(echo, &e);
        }
        report(names[k], (rb_clock() - t) / (kCalls / 4));
      }
    }
    struct rb_result lent =
        RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
    if (lent.error == 0) {
      static const uint64_t sizes[] = {4096, 65536};
      static const char* const names[] = {"tas_grant_round_trip_4k", "tas_grant_round_trip_64k"};
      for (int k = 0; k < 2; ++k) {
        e = (struct rb_message){{REBOUND_ECHO_WORDS, 1, 2, 3, 0, 0}, 0};
        rb_call_grant(echo, &e, (const void*)(uintptr_t)lent.value, sizes[k], 1);
        t = rb_clock();
        for (int i = 0; i < kCalls / 4; ++i) {
          e = (struct rb_message){{REBOUND_ECHO_WORDS, 1, 2, 3, 0, 0}, 0};
          rb_call_grant(echo, &e, (const void*)(uintptr_t)lent.value, sizes[k], 1);
        }
        report(names[k], (rb_clock() - t) / (kCalls / 4));
      }
    }
    struct rb_message none = {{REBOUND_ECHO_PEER_CALLS, 0, 0, 0, 0, 0}, 0};
    struct rb_message many = {{REBOUND_ECHO_PEER_CALLS, 10000, 0, 0, 0, 0}, 0};
    if (rb_service_call(echo, &none) == 0 && rb_service_call(echo, &many) == 0)
      report("tas_in_tas_call", (many.w[4] - none.w[4]) / 10000);
  }
  fs_benchmarks();
  return 0;
}
