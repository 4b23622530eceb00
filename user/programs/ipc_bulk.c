/* Bulk data over IPC (docs/syscalls.md, "Message buffers and grants"):
   the message buffer shared with the TAS, and memory lent with a call.

   With the TAS's echo service: a payload checksummed and reversed in place
   in this thread's buffer, and memory lent read-only (summed) and
   read-write (filled by the server) -- data flows both ways, uncopied.
   Then what may not happen: lending memory this process does not own (or
   not with the rights asked), calling without a handle, forging a reply,
   unmapping or protecting memory while it is lent.

   Then servers of its own (this program again, "server MODE"), which show
   what a server cannot do with a grant: write a read-only one, read past
   its end, read it after replying, keep or widen or lend on its window (a
   server that tries a forbidden access is killed by the page fault, at the
   address the test expects). And the ends: a lender killed mid-call leaves
   its memory readable to the server until it replies; a server that dies
   mid-call leaves the lender's memory free again.

   Exits with the number of failed checks. */
#include "rb_bulk.h"
#include "rb_check.h"
#include "rb_service.h"

#define PAGE 4096ull
#define UNMAPPED 0x300000000000ull /* canonical, in the user half, never mapped */
/* A page this program shares with its servers (the same memory object at
   the same address in each), so that no step depends on timing: a "hold"
   server says there that it holds its grant (HELD) and waits to be told to
   go on (RELEASED); a "save" server says it saved its reply (HELD). */
#define SIGNAL_PAGE 0x380000000ull
#define SIGNAL (*(volatile uint64_t*)(uintptr_t)SIGNAL_PAGE)
enum { IDLE = 0, HELD = 1, RELEASED = 2 };
#define PATIENCE 30000000000ull /* ns: a bound for polls, far above what they take */
#define KERNEL_HALF 0xffff800000000000ull
#define RW (REBOUND_VM_READ | REBOUND_VM_WRITE)

static rebound_handle g_echo;

static int same(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

static uint64_t map(uint64_t size, uint64_t perms) {
  struct rb_result r = RB_SYS3(REBOUND_SYS_VM_MAP, 0, size, perms);
  return r.error == 0 ? r.value : 0;
}

static void fill(uint64_t address, uint64_t size, uint64_t seed) {
  uint64_t* p = (uint64_t*)(uintptr_t)address;
  for (uint64_t i = 0; i < size / 8; ++i) p[i] = seed * 0x9e3779b97f4a7c15ull + i;
}

static uint64_t fault_of(uint64_t status) {
  return (status & REBOUND_STATUS_KILLED) ? (status >> REBOUND_STATUS_FAULT_SHIFT) & 0xff : ~0ull;
}

/* ---- The servers (child processes): argv = {"ipc_bulk", "server", MODE},
   the endpoint as startup handle. Each takes the calls its test makes and
   replies with what its record says: (0, grant address, grant size, grant
   perms, buffer address). */

static void serve_with(const char* mode) {
  void* payload;
  if (rb_ipc_buffer(&payload) != 0) rb_exit(90);
  const volatile struct rebound_ipc_record* rec = rb_ipc_record(payload);
  struct rb_message m = {{0}, 0};
  const rebound_handle ep = rb_startup_handle;
  if (rb_ipc(REBOUND_SYS_IPC_RECEIVE, ep, &m) != 0) rb_exit(91);
  const uint64_t window = rec->grant;
  uint64_t size = rec->grant_size;
  volatile uint8_t* lent = (volatile uint8_t*)(uintptr_t)window;

  if (same(mode, "keep")) {
    /* The window is the kernel's: no unmapping, protecting or mapping over
       it, and its pages cannot be lent on (the grant is checked before the
       endpoint, so handle 0 is fine). */
    uint64_t ok = 0;
    ok |=
        (uint64_t)(RB_SYS2(REBOUND_SYS_VM_UNMAP, window, REBOUND_GRANT_MAX).error == access_denied)
        << 0;
    ok |= (uint64_t)(RB_SYS3(REBOUND_SYS_VM_PROTECT, window, REBOUND_GRANT_MAX, RW).error ==
                     access_denied)
          << 1;
    ok |= (uint64_t)(RB_SYS3(REBOUND_SYS_VM_MAP, window, PAGE, RW).error == already_exists) << 2;
    struct rb_message on = {{0}, 0};
    ok |= (uint64_t)(rb_call_grant(0, &on, (const void*)(uintptr_t)window, PAGE, 0) == bad_address)
          << 3;
    ok |=
        (uint64_t)(RB_SYS3(REBOUND_SYS_VM_MAP, window - PAGE, 2 * PAGE, RW).error == already_exists)
        << 4;
    m = (struct rb_message){{0, ok, rb_checksum((const void*)lent, size), 0, 0, 0}, 0};
    rb_exit((int)rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &m));
  }
  if (same(mode, "hold")) {
    /* Holds the grant until released -- its lender may be gone by then --
       then reads it, replies and ends. */
    SIGNAL = HELD;
    for (uint64_t t0 = rb_clock(); SIGNAL != RELEASED && rb_clock() - t0 < PATIENCE;)
      rb_sleep(1000000);
    m = (struct rb_message){{0, rb_checksum((const void*)lent, size), size, 0, 0, 0}, 0};
    rb_exit((int)rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &m));
  }
  if (same(mode, "save")) {
    /* Defers the reply to the first call (its grant ends there), serves a
       second call with a grant of its own in the same window, then sends
       the first reply. */
    const struct rb_result saved = RB_SYS0(REBOUND_SYS_IPC_REPLY_SAVE);
    SIGNAL = HELD;
    if (saved.error != 0 || rb_ipc(REBOUND_SYS_IPC_RECEIVE, ep, &m) != 0) rb_exit(96);
    const uint64_t second = rec->grant, second_size = rec->grant_size;
    m = (struct rb_message){
        {0, second, rb_checksum((const void*)(uintptr_t)second, second_size), 0, 0, 0}, 0};
    if (rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &m) != 0) rb_exit(97);
    m = (struct rb_message){{0, 0x5a7ed, 0, 0, 0, 0}, 0};
    rb_exit((int)rb_ipc(REBOUND_SYS_IPC_REPLY_SEND, saved.value, &m));
  }
  if (same(mode, "die")) {
    volatile uint64_t* null = 0;
    __asm__ volatile("" : "+r"(null));
    rb_exit((int)*null);
  }
  /* write / past / after: first say where the grant is, then break a rule
     on the next call. */
  m = (struct rb_message){{0, window, size, rec->grant_perms, rec->buffer, 0}, 0};
  if (rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, ep, &m) != 0) rb_exit(92);
  if (same(mode, "write")) lent[0] = 1;                /* read-only */
  if (same(mode, "past")) (void)lent[rec->grant_size]; /* one byte past its end */
  if (same(mode, "after")) (void)lent[0];              /* after the reply */
  rb_exit(93);                                         /* not killed: wrong */
}

/* A lender (child process, argv = {"ipc_bulk", "lender"}): lends a page to
   the server on its startup handle and waits, until its parent kills it. */
static void lend_until_killed(void) {
  const uint64_t page = map(PAGE, RW);
  fill(page, PAGE, 77);
  struct rb_message m = {{0}, 0};
  rb_call_grant(rb_startup_handle, &m, (const void*)(uintptr_t)page, PAGE, 0);
  rb_exit(94); /* the kill comes first */
}

static rebound_handle g_signal; /* the signal page's memory object */

/* A server process in `mode`, and a call-only handle to its endpoint. The
   signal page is mapped into it before it can take a call. */
static uint64_t start_server(const char* mode, rebound_handle* call) {
  char argv[64] = "ipc_bulk\0server";
  uint64_t n = 16, i = 0;
  while (mode[i] != '\0') argv[n++] = mode[i++];
  argv[n++] = '\0';
  struct rb_result ep = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  struct rb_result p = RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "ipc_bulk", 8, argv, n, ep.value);
  struct rb_result c =
      RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, ep.value, REBOUND_RIGHT_CALL | REBOUND_RIGHT_DUPLICATE);
  struct rb_result space = RB_SYS1(REBOUND_SYS_PROCESS_SPACE, p.value);
  struct rb_result shared =
      RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, g_signal, SIGNAL_PAGE, 0, PAGE, RW, space.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, space.value);
  check("a server process", ep.error == 0 && p.error == 0 && c.error == 0 && shared.error == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep.value);
  *call = (rebound_handle)c.value;
  return p.value;
}

static uint64_t wait_for(uint64_t process) {
  struct rb_result r = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, process);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, process);
  return r.error == 0 ? r.value : ~0ull;
}

/* ---- The client side. */

static void check_buffer(void) {
  struct rb_message m = {{REBOUND_ECHO_BUFFER, 8, 0, 0, 0, 0}, 0};
  check("echo buffer: none yet", rb_service_call(g_echo, &m) == not_found);
  void* payload = 0;
  check("a message buffer", rb_ipc_buffer(&payload) == 0 && payload != 0);
  check("page aligned", ((uintptr_t)payload & (PAGE - 1)) == 0);
  void* again = 0;
  check("one per thread", rb_ipc_buffer(&again) == 0 && again == payload);
  const uint64_t b = (uint64_t)(uintptr_t)payload;
  check("the buffer cannot be unmapped",
        RB_SYS2(REBOUND_SYS_VM_UNMAP, b, 2 * PAGE).error == access_denied);
  check("nor protected",
        RB_SYS3(REBOUND_SYS_VM_PROTECT, b, 2 * PAGE, REBOUND_VM_READ).error == access_denied);

  /* A whole page: the server checksums it and reverses it in place. */
  uint8_t* p = (uint8_t*)payload;
  for (uint64_t i = 0; i < PAGE; ++i) p[i] = (uint8_t)(i * 7 + i / 256);
  const uint64_t sum = rb_checksum(p, PAGE);
  m = (struct rb_message){{REBOUND_ECHO_BUFFER, PAGE, 0, 0, 0, 0}, 0};
  check("echo buffer 4096", rb_service_call(g_echo, &m) == 0 && m.w[1] == sum);
  int reversed = 1;
  for (uint64_t i = 0; i < PAGE; ++i)
    reversed &= p[i] == (uint8_t)((PAGE - 1 - i) * 7 + (PAGE - 1 - i) / 256);
  check("reversed in place", reversed);
  /* An odd length (the byte path), and nothing. */
  for (uint64_t i = 0; i < 13; ++i) p[i] = (uint8_t)('a' + i);
  const uint8_t beyond = p[13];
  m = (struct rb_message){{REBOUND_ECHO_BUFFER, 13, 0, 0, 0, 0}, 0};
  check("echo buffer 13",
        rb_service_call(g_echo, &m) == 0 && m.w[1] == rb_checksum("abcdefghijklm", 13));
  check("13 bytes reversed", p[0] == 'm' && p[6] == 'g' && p[12] == 'a' && p[13] == beyond);
  m = (struct rb_message){{REBOUND_ECHO_BUFFER, 0, 0, 0, 0, 0}, 0};
  check("echo buffer 0", rb_service_call(g_echo, &m) == 0 && m.w[1] == 0);
  m = (struct rb_message){{REBOUND_ECHO_BUFFER, PAGE + 1, 0, 0, 0, 0}, 0};
  check("echo buffer: more than a page", rb_service_call(g_echo, &m) == invalid_argument);
  /* A plain call's record says nothing of a grant. */
  m = (struct rb_message){{REBOUND_ECHO_GRANT_SUM, 0, 0, 0, 0, 0}, 0};
  check("no grant on a plain call", rb_service_call(g_echo, &m) == not_found);
}

static uint64_t grant_call(rebound_handle ep, uint64_t op, uint64_t arg, uint64_t address,
                           uint64_t size, int writable, struct rb_message* out) {
  struct rb_message m = {{op, arg, 0, 0, 0, 0}, 0};
  const uint64_t e = rb_call_grant(ep, &m, (const void*)(uintptr_t)address, size, writable);
  if (out) *out = m;
  return e != 0 ? e : m.w[0];
}

static void check_grants_to_the_tas(void) {
  const uint64_t size = 16 * PAGE;
  const uint64_t region = map(size, RW);
  fill(region, size, 5);
  struct rb_message m;
  check("grant sum (read-only)",
        grant_call(g_echo, REBOUND_ECHO_GRANT_SUM, 0, region, size, 0, &m) == 0 &&
            m.w[1] == rb_checksum((const void*)(uintptr_t)region, size) && m.w[2] == size);
  /* The TAS's stores to a read-only grant fault (the request fails on every
     try), and the memory stays as it was. */
  check("a read-only grant cannot be filled",
        grant_call(g_echo, REBOUND_ECHO_GRANT_FILL, 0x5a, region, size, 0, 0) == server_fault);
  check("still as it was", *(volatile uint64_t*)(uintptr_t)region == 5 * 0x9e3779b97f4a7c15ull);
  check("grant fill (read-write)",
        grant_call(g_echo, REBOUND_ECHO_GRANT_FILL, 0x5a, region, size, 1, 0) == 0);
  int filled = 1;
  for (uint64_t i = 0; i < size; ++i) filled &= ((volatile uint8_t*)(uintptr_t)region)[i] == 0x5a;
  check("filled by the server", filled);
  /* Part of a region, and across two regions that touch. */
  check("grant of a middle page",
        grant_call(g_echo, REBOUND_ECHO_GRANT_SUM, 0, region + 3 * PAGE, PAGE, 0, &m) == 0 &&
            m.w[1] == 512 * 0x5a5a5a5a5a5a5a5aull && m.w[2] == PAGE);
  const uint64_t next = region + size;
  if (RB_SYS3(REBOUND_SYS_VM_MAP, next, PAGE, RW).error == 0) {
    fill(next, PAGE, 6);
    check(
        "grant across two regions",
        grant_call(g_echo, REBOUND_ECHO_GRANT_SUM, 0, region + size - PAGE, 2 * PAGE, 0, &m) == 0 &&
            m.w[1] == rb_checksum((const void*)(uintptr_t)(region + size - PAGE), 2 * PAGE));
    RB_SYS2(REBOUND_SYS_VM_UNMAP, next, PAGE);
  }
  /* Memory shared through a memory object lends too. */
  struct rb_result mem = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 2 * PAGE);
  struct rb_result shared = RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, mem.value, 0, 0, 2 * PAGE, RW);
  check("grant of shared memory",
        mem.error == 0 && shared.error == 0 &&
            grant_call(g_echo, REBOUND_ECHO_GRANT_FILL, 3, shared.value, 2 * PAGE, 1, 0) == 0 &&
            *(volatile uint64_t*)(uintptr_t)(shared.value + PAGE) == 0x0303030303030303ull);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, shared.value, 2 * PAGE);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, mem.value);
  check("unmapped after its grants", RB_SYS2(REBOUND_SYS_VM_UNMAP, region, size).error == 0);
}

/* Acceptance: a program cannot lend memory it does not own (or not with
   the rights it asks), call without a handle, or forge a reply. */
static void check_what_may_not_happen(void) {
  const uint64_t rw = map(4 * PAGE, RW), ro = map(PAGE, REBOUND_VM_READ);
  void* payload = 0;
  rb_ipc_buffer(&payload);
  const uint64_t sum = REBOUND_ECHO_GRANT_SUM;
  check("lend unmapped memory", grant_call(g_echo, sum, 0, UNMAPPED, PAGE, 0, 0) == bad_address);
  check("lend kernel memory", grant_call(g_echo, sum, 0, KERNEL_HALF, PAGE, 0, 0) == bad_address);
  check("lend the null page", grant_call(g_echo, sum, 0, 0, PAGE, 0, 0) == bad_address);
  check("lend read-only memory read-write",
        grant_call(g_echo, sum, 0, ro, PAGE, 1, 0) == bad_address);
  check("lend read-only memory read-only", grant_call(g_echo, sum, 0, ro, PAGE, 0, 0) == 0);
  const uint64_t alone = RB_SYS3(REBOUND_SYS_VM_MAP, 0x280000000ull, PAGE, RW).value;
  check("lend past the end of a region",
        grant_call(g_echo, sum, 0, alone, 2 * PAGE, 0, 0) == bad_address);
  check("lend before its start",
        grant_call(g_echo, sum, 0, alone - PAGE, 2 * PAGE, 0, 0) == bad_address);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, alone, PAGE);
  check("lend the message buffer (the kernel's)",
        grant_call(g_echo, sum, 0, (uint64_t)(uintptr_t)payload, PAGE, 0, 0) == bad_address);
  check("lend this program's code (read-only: fine)",
        grant_call(g_echo, sum, 0, 0x400000, PAGE, 0, 0) == 0);
  check("lend this program's code read-write",
        grant_call(g_echo, sum, 0, 0x400000, PAGE, 1, 0) == bad_address);
  check("lend an unaligned address",
        grant_call(g_echo, sum, 0, rw + 8, PAGE, 0, 0) == invalid_argument);
  check("lend part of a page", grant_call(g_echo, sum, 0, rw, 100, 0, 0) == invalid_argument);
  check("lend nothing", grant_call(g_echo, sum, 0, rw, 0, 0, 0) == invalid_argument);
  check("lend more than the maximum",
        grant_call(g_echo, sum, 0, rw, REBOUND_GRANT_MAX + PAGE, 0, 0) == invalid_argument);
  struct rb_message m = {{sum, 0, 0, 0, rw, PAGE | REBOUND_VM_READ | REBOUND_VM_EXECUTE}, 0};
  check("lend executable", rb_ipc(REBOUND_SYS_IPC_CALL_GRANT, g_echo, &m) == invalid_argument);
  m = (struct rb_message){{sum, 0, 0, 0, rw, PAGE | REBOUND_VM_WRITE}, 0};
  check("lend write-only", rb_ipc(REBOUND_SYS_IPC_CALL_GRANT, g_echo, &m) == invalid_argument);

  check("grant call: handle 0", grant_call(0, sum, 0, rw, PAGE, 0, 0) == bad_handle);
  check("grant call: never issued", grant_call(0x00300007, sum, 0, rw, PAGE, 0, 0) == stale_handle);
  struct rb_result mem = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, PAGE);
  check("grant call: not an endpoint",
        grant_call((rebound_handle)mem.value, sum, 0, rw, PAGE, 0, 0) == wrong_type);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, mem.value);
  struct rb_result own = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  struct rb_result no_call = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, own.value,
                                     REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_RECEIVE);
  check("grant call without the right",
        no_call.error == 0 &&
            grant_call((rebound_handle)no_call.value, sum, 0, rw, PAGE, 0, 0) == access_denied);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, no_call.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, own.value);
  /* None of the failed calls left anything pinned. */
  check("nothing left lent", RB_SYS2(REBOUND_SYS_VM_UNMAP, rw, 4 * PAGE).error == 0);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, ro, PAGE);

  /* A reply is the kernel's to route: a thread that owes none has none to
     give, whatever it names. */
  m = (struct rb_message){{0, 1, 2, 3, 4, 5}, 0};
  check("forge a reply", rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &m) == not_found);
  check("forge a reply through the service",
        rb_ipc(REBOUND_SYS_IPC_REPLY, g_echo, &m) == not_found);
  check("reply_receive on a call-only handle",
        rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, g_echo, &m) == access_denied);
}

static uint64_t g_held_region;
static volatile int g_lender_done;
static volatile uint64_t g_lender_error;
static rebound_handle g_lender_ep;

static struct rb_message g_lender_reply;

static void lender_thread(uint64_t arg) {
  (void)arg;
  struct rb_message m = {{0}, 0};
  g_lender_error = rb_call_grant(g_lender_ep, &m, (const void*)(uintptr_t)g_held_region, PAGE, 0);
  g_lender_reply = m;
  g_lender_done = 1;
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
}

/* Lends from a second thread to a "hold" server; returns the thread. */
static uint64_t lend_from_thread(rebound_handle ep) {
  g_lender_ep = ep;
  g_lender_done = 0;
  const uint64_t stack = map(16 * PAGE, RW);
  return RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)lender_thread, stack + 16 * PAGE,
                 0)
      .value;
}

/* Waits until the server says it holds its grant (or saved its reply). */
static int server_holds(void) {
  for (uint64_t t0 = rb_clock(); SIGNAL != HELD && rb_clock() - t0 < PATIENCE;) rb_yield();
  return SIGNAL == HELD;
}

/* Whether this process can change the lent region now (it cannot while the
   region is lent: access_denied). */
static int region_free(void) {
  return RB_SYS3(REBOUND_SYS_VM_PROTECT, g_held_region, PAGE, RW).error == 0;
}

static void check_servers(void) {
  struct rb_result signal = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, PAGE);
  check(
      "a signal page",
      signal.error == 0 &&
          RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, signal.value, SIGNAL_PAGE, 0, PAGE, RW, 0).error == 0);
  g_signal = (rebound_handle)signal.value;
  const uint64_t page = map(PAGE, RW);
  fill(page, PAGE, 9);
  rebound_handle ep;
  struct rb_message m;

  /* Read-only: the server may read, and is killed by its first write. */
  uint64_t server = start_server("write", &ep);
  check("lend to a server process", grant_call(ep, 0, 0, page, PAGE, 0, &m) == 0);
  const uint64_t window = m.w[1];
  check("its record: the grant", window != 0 && m.w[2] == PAGE && m.w[3] == REBOUND_VM_READ);
  check("its record: no buffer (not the TAS)", m.w[4] == 0);
  check("a write to a read-only grant: peer_closed",
        grant_call(ep, 0, 0, page, PAGE, 0, 0) == peer_closed);
  struct rb_result st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, server);
  check("... the server killed by a page fault",
        fault_of(st.value) == REBOUND_FAULT_PAGE_FAULT && st.value2 == window);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, server);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);

  /* Past the end of the grant. */
  server = start_server("past", &ep);
  check("lend a page", grant_call(ep, 0, 0, page, PAGE, 1, &m) == 0 && m.w[3] == RW);
  const uint64_t past = m.w[1] + PAGE;
  check("read past a grant: peer_closed", grant_call(ep, 0, 0, page, PAGE, 1, 0) == peer_closed);
  st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, server);
  check("... killed at the byte past it",
        fault_of(st.value) == REBOUND_FAULT_PAGE_FAULT && st.value2 == past);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, server);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);

  /* After the reply the grant is gone. */
  server = start_server("after", &ep);
  check("lend once", grant_call(ep, 0, 0, page, PAGE, 1, &m) == 0);
  const uint64_t was = m.w[1];
  m = (struct rb_message){{0}, 0};
  check("then a plain call: peer_closed", rb_ipc(REBOUND_SYS_IPC_CALL, ep, &m) == peer_closed);
  st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, server);
  check("... killed reading where the grant was",
        fault_of(st.value) == REBOUND_FAULT_PAGE_FAULT && st.value2 == was);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, server);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);

  /* Keep, widen, lend on: all refused. */
  server = start_server("keep", &ep);
  check("lend to a server that tries to keep it", grant_call(ep, 0, 0, page, PAGE, 0, &m) == 0);
  check("it could not unmap its window", m.w[1] & 1);
  check("it could not protect its window", m.w[1] & 2);
  check("it could not map over its window", m.w[1] & 4);
  check("it could not lend the grant on", m.w[1] & 8);
  check("it could not map over the window's start", m.w[1] & 16);
  check("it read the grant", m.w[2] == rb_checksum((const void*)(uintptr_t)page, PAGE));
  check("that server exited 0", wait_for(server) == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);

  /* While lent, the memory stays put: another thread cannot protect (or
     unmap) it; afterwards it can. */
  g_held_region = page;
  SIGNAL = IDLE;
  server = start_server("hold", &ep);
  uint64_t thread = lend_from_thread(ep);
  check("the hold server holds the grant", server_holds());
  check("pinned while lent",
        !region_free() && RB_SYS2(REBOUND_SYS_VM_UNMAP, page, PAGE).error == access_denied);
  SIGNAL = RELEASED;
  RB_SYS1(REBOUND_SYS_THREAD_JOIN, thread);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, thread);
  check("the hold call succeeded", g_lender_error == 0);
  check("free again after the reply", region_free());
  check("the hold server exited 0", wait_for(server) == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);

  /* A server that saves the reply it owes (IPC_REPLY_SAVE) gives up the
     grant then: the memory is free again while the call still waits, and
     the thread's window takes the next call's grant. */
  SIGNAL = IDLE;
  server = start_server("save", &ep);
  thread = lend_from_thread(ep);
  check("the save server saved the reply", server_holds());
  check("free once the reply is saved, the call still waiting", region_free() && !g_lender_done);
  const uint64_t other = map(2 * PAGE, RW);
  fill(other, 2 * PAGE, 11);
  check("a second grant while the first reply waits",
        grant_call(ep, 0, 0, other, 2 * PAGE, 0, &m) == 0 && m.w[1] != 0 &&
            m.w[2] == rb_checksum((const void*)(uintptr_t)other, 2 * PAGE));
  RB_SYS1(REBOUND_SYS_THREAD_JOIN, thread);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, thread);
  check("the saved reply came", g_lender_error == 0 && g_lender_reply.w[1] == 0x5a7ed);
  check("the save server exited 0", wait_for(server) == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, other, 2 * PAGE);

  /* A server that dies holding a grant: the call fails, the memory is free. */
  server = start_server("die", &ep);
  check("lend to a server that dies", grant_call(ep, 0, 0, page, PAGE, 1, 0) == peer_closed);
  check("it died of a page fault", fault_of(wait_for(server)) == REBOUND_FAULT_PAGE_FAULT);
  check("free after the server died", region_free());
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);

  /* A server killed while it holds a grant. */
  SIGNAL = IDLE;
  server = start_server("hold", &ep);
  thread = lend_from_thread(ep);
  check("the hold server holds the grant, again", server_holds());
  check("pinned while lent, again", !region_free());
  RB_SYS1(REBOUND_SYS_PROCESS_KILL, server);
  RB_SYS1(REBOUND_SYS_THREAD_JOIN, thread);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, thread);
  check("the lender heard peer_closed", g_lender_error == peer_closed);
  check("free after the server was killed", region_free());
  check("the server was killed", fault_of(wait_for(server)) == REBOUND_FAULT_KILLED);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);

  /* A lender killed mid-call: the server still reads what was lent, and
     replies to no one. The kill comes once the server holds the grant (it
     says so in the signal page): killed before, the lender's call would
     end its grant, and the server would wait for another. */
  SIGNAL = IDLE;
  server = start_server("hold", &ep);
  struct rb_result lender =
      RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "ipc_bulk", 8, "ipc_bulk\0lender", 16, ep);
  check("a lender process", lender.error == 0);
  check("the server holds the lender's grant", server_holds());
  RB_SYS1(REBOUND_SYS_PROCESS_KILL, lender.value);
  check("the lender was killed", fault_of(wait_for(lender.value)) == REBOUND_FAULT_KILLED);
  SIGNAL = RELEASED;
  check("its server read the grant after the kill and exited 0", wait_for(server) == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, page, PAGE);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, SIGNAL_PAGE, PAGE);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, g_signal);
}

int main(int argc, char** argv) {
  if (argc > 2 && same(argv[1], "server")) serve_with(argv[2]);
  if (argc > 1 && same(argv[1], "lender")) lend_until_killed();

  check("lookup echo", rb_lookup("echo", &g_echo) == 0);
  if (failures == 0) {
    check_buffer();
    rb_print("ipc_bulk: message buffer checked\n");
    check_grants_to_the_tas();
    rb_print("ipc_bulk: grants to the TAS checked\n");
    check_what_may_not_happen();
    rb_print("ipc_bulk: refusals checked\n");
  }
  check_servers();
  rb_print(failures == 0 ? "ipc_bulk: all passed\n" : "ipc_bulk: FAILED\n");
  return failures;
}
