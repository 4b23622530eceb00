/* IPC end to end: creates an endpoint, starts echo_server with it, keeps only
   a call-only handle, and makes argv[1] calls (default 100000) checking every
   reply; then checks what callers get when a server does not reply, dies
   owing a reply, or is gone, and that a client cannot receive on or reply
   through an endpoint it may only call. Exits with the number of failed
   checks. */
#include "rb_check.h"

#define ECHO_EXIT 0xec40e1u
#define ECHO_CRASH 0xec40c2u
#define ECHO_NO_REPLY 0xec40a3u
#define ECHO_SLEEP 0xec4051u

static uint64_t parse(const char* s) {
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + (uint64_t)(*s - '0');
  return v;
}

/* One call with words seed, seed*3, ...; 1 if the reply is the echo. */
static int echo_ok(uint64_t endpoint, uint64_t seed) {
  struct rb_message m = {{0}, 0};
  for (int i = 0; i < REBOUND_IPC_WORDS; ++i) m.w[i] = seed * (uint64_t)(2 * i + 1);
  if (rb_ipc(REBOUND_SYS_IPC_CALL, endpoint, &m) != 0 || m.handle != 0) return 0;
  for (int i = 0; i < REBOUND_IPC_WORDS; ++i)
    if (m.w[i] != seed * (uint64_t)(2 * i + 1) + (uint64_t)i + 1) return 0;
  return 1;
}

static uint64_t command(uint64_t endpoint, uint64_t what) {
  struct rb_message m = {{what, 0, 0, 0, 0, 0}, 0};
  return rb_ipc(REBOUND_SYS_IPC_CALL, endpoint, &m);
}

/* A fresh echo server; returns its process handle and a call-only handle to
   its endpoint through *call (the full handle is closed: only the server may
   receive). */
static uint64_t start_server(uint64_t* call) {
  struct rb_result ep = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  check("endpoint_create", ep.error == 0);
  struct rb_result server =
      RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "echo_server", 11, "echo_server", 12, ep.value);
  check("spawn echo_server", server.error == 0);
  struct rb_result c = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, ep.value, REBOUND_RIGHT_CALL);
  check("call-only duplicate", c.error == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep.value);
  *call = c.value;
  return server.value;
}

int main(int argc, char** argv) {
  const uint64_t calls = argc > 1 ? parse(argv[1]) : 100000;
  uint64_t ep;
  uint64_t server = start_server(&ep);

  uint64_t wrong = 0;
  for (uint64_t i = 1; i <= calls; ++i) wrong += !echo_ok(ep, i);
  check("every echo correct", wrong == 0);
  rb_print("ipc: echo calls done\n");

  /* A caller may not receive, and has no reply to give: it cannot forge one. */
  struct rb_message m = {{1, 2, 3, 4, 5, 6}, 0};
  check("receive without the right", rb_ipc(REBOUND_SYS_IPC_RECEIVE, ep, &m) == access_denied);
  check("reply_receive without the right",
        rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, ep, &m) == access_denied);
  check("reply owing nothing", rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &m) == not_found);
  check("call: handle 0", rb_ipc(REBOUND_SYS_IPC_CALL, 0, &m) == bad_handle);
  check("call: never issued", rb_ipc(REBOUND_SYS_IPC_CALL, 0x00300007, &m) == stale_handle);
  check("call: a process handle", rb_ipc(REBOUND_SYS_IPC_CALL, server, &m) == wrong_type);
  struct rb_result other = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  struct rb_result no_call = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, other.value,
                                     REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_RECEIVE);
  check("call without the right",
        no_call.error == 0 && rb_ipc(REBOUND_SYS_IPC_CALL, no_call.value, &m) == access_denied);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, no_call.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, other.value);

  /* A handle moves with a message: the echo server sends back the one it
     got, so a memory object comes back under a new value, and the old value
     is dead. A handle that is not this process's is refused before the call. */
  struct rb_result mem = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 4096);
  struct rb_result mapped =
      RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, mem.value, 0, 0, 4096, REBOUND_VM_READ | REBOUND_VM_WRITE);
  check("a memory object to send", mem.error == 0 && mapped.error == 0);
  *(volatile uint64_t*)(uintptr_t)mapped.value = 0x5e17;
  struct rb_message h = {{1, 2, 3, 4, 5, 6}, (rebound_handle)mem.value};
  check("call carrying a handle", rb_ipc(REBOUND_SYS_IPC_CALL, ep, &h) == 0 && h.w[5] == 12);
  check("a handle came back", h.handle != 0 && h.handle != mem.value);
  check("the sent value is stale",
        RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, mem.value).error == stale_handle);
  struct rb_result again =
      RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, h.handle, 0, 0, 4096, REBOUND_VM_READ);
  check("the same object came back",
        again.error == 0 && *(volatile uint64_t*)(uintptr_t)again.value == 0x5e17);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, again.value, 4096);
  RB_SYS2(REBOUND_SYS_VM_UNMAP, mapped.value, 4096);
  check("close the returned handle", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h.handle).error == 0);
  struct rb_message bad = {{1, 2, 3, 4, 5, 6}, 0x00300007};
  check("sending a handle never issued", rb_ipc(REBOUND_SYS_IPC_CALL, ep, &bad) == stale_handle);
  bad.handle = 0xffff;
  check("sending a handle out of range", rb_ipc(REBOUND_SYS_IPC_CALL, ep, &bad) == bad_handle);
  check("plain calls carry no handle", echo_ok(ep, 5));

  /* Timeouts: a call whose reply comes too late fails with timed_out (and
     takes no longer than the timeout, give or take the 10 ms tick); the late
     reply goes nowhere -- not to this thread's next call -- and the server
     serves on. Huge values are refused. */
  uint64_t previous = 1;
  check("timeout: none by default", rb_ipc_timeout_set(30000000, &previous) == 0 && previous == 0);
  struct rb_message slow = {{ECHO_SLEEP, 300000000, 0, 0, 0, 0}, 0};
  uint64_t start = rb_clock();
  check("timeout: a slow reply times out", rb_ipc(REBOUND_SYS_IPC_CALL, ep, &slow) == timed_out);
  uint64_t took = rb_clock() - start;
  check("timeout: on time", took >= 30000000 && took < 300000000);
  check("timeout: huge refused",
        rb_ipc_timeout_set(REBOUND_IPC_TIMEOUT_MAX + 1, 0) == invalid_argument);
  check("timeout: ~0 refused", rb_ipc_timeout_set(~0ull, 0) == invalid_argument);
  check("timeout: the refused left it",
        rb_ipc_timeout_set(0, &previous) == 0 && previous == 30000000);
  check("timeout: the next call gets its own reply", echo_ok(ep, 10));
  check("timeout: a reply in time", rb_ipc_timeout_set(5000000000ull, 0) == 0 && echo_ok(ep, 11));
  struct rb_message in_time = {{ECHO_SLEEP, 1000000, 0, 0, 0, 0}, 0};
  check("timeout: a slow reply in time",
        rb_ipc(REBOUND_SYS_IPC_CALL, ep, &in_time) == 0 && in_time.w[0] == ECHO_SLEEP + 1);
  check("timeout: off again", rb_ipc_timeout_set(0, 0) == 0);

  /* The server receives again without replying: this caller is told. */
  check("no reply: peer_closed", command(ep, ECHO_NO_REPLY) == peer_closed);
  check("the server serves on", echo_ok(ep, 7));

  /* The server dies owing the reply: peer_closed, then the endpoint is
     closed (its only receive handle went with the server). */
  check("server crash: peer_closed", command(ep, ECHO_CRASH) == peer_closed);
  struct rb_result st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, server);
  check("the server was killed by a page fault",
        st.error == 0 && (st.value & REBOUND_STATUS_KILLED) != 0 &&
            ((st.value >> REBOUND_STATUS_FAULT_SHIFT) & 0xff) == REBOUND_FAULT_PAGE_FAULT);
  check("a call to a dead server fails", !echo_ok(ep, 8));
  check("with peer_closed", command(ep, 1) == peer_closed);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, server);

  /* A server that replies and exits: the next call fails at once. */
  server = start_server(&ep);
  check("a second server", echo_ok(ep, 9));
  check("exit command replied", command(ep, ECHO_EXIT) == 0);
  st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, server);
  check("the server exited 0", st.error == 0 && st.value == 0);
  check("call after the server exited", command(ep, 1) == peer_closed);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, server);

  rb_print(failures == 0 ? "ipc: all passed\n" : "ipc: FAILED\n");
  return failures;
}
