/* IPC through the kernel's fast path and through each of its fallbacks, for
   kernel/ktest/test_ipc_fast_path.cpp, which counts which path each took.
   argv[1] says what to do, against a fresh echo_server ("plain=N" and
   "handle=N": N calls, default 100):
     plain    calls with words only: the fast path both ways
     handle   calls that each move a handle, which the server sends back:
              the slow path both ways
   or on the startup handle, an endpoint the test serves (an echo_server
   waiting in receive, or a kernel thread):
     call     one echo call
     hold     a call the echo server holds for 50 ms
     queued   a call the echo server holds for 100 ms while a second
              thread's call queues behind it: that reply goes the slow way,
              with another call waiting
   Every reply is checked; exits with the number of failed checks. */
#include "rb_check.h"

#define ECHO_EXIT 0xec40e1u
#define ECHO_SLEEP 0xec4051u

static uint64_t g_calls = 100;

/* Whether `arg` is `mode`, or `mode`=N (N then in g_calls). */
static int is(const char* arg, const char* mode) {
  while (*mode != '\0' && *arg == *mode) ++arg, ++mode;
  if (*mode != '\0' || (*arg != '\0' && *arg != '=')) return 0;
  if (*arg == '=') {
    g_calls = 0;
    for (++arg; *arg >= '0' && *arg <= '9'; ++arg) g_calls = g_calls * 10 + (uint64_t)(*arg - '0');
  }
  return 1;
}

/* A call of words seed, seed+1, ... (and `handle`); 1 if the echo came back
   (each word plus its index plus one) with a handle exactly when one went. */
static int echo(uint64_t endpoint, uint64_t seed, rebound_handle handle, rebound_handle* back) {
  struct rb_message m = {{0}, handle};
  for (int i = 0; i < REBOUND_IPC_WORDS; ++i) m.w[i] = seed + (uint64_t)i;
  if (rb_ipc(REBOUND_SYS_IPC_CALL, endpoint, &m) != 0) return 0;
  for (int i = 0; i < REBOUND_IPC_WORDS; ++i)
    if (m.w[i] != seed + (uint64_t)i + (uint64_t)i + 1) return 0;
  if (back != 0) *back = m.handle;
  return (handle == 0) == (m.handle == 0);
}

static uint64_t g_endpoint;
static volatile int g_second_ok;

/* The second caller: it calls while the server sleeps on the first call. */
static void second_caller(uint64_t unused) {
  (void)unused;
  rb_sleep(5 * 1000000);
  g_second_ok = echo(g_endpoint, 500, 0, 0);
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
}

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "";

  if (is(how, "call")) {
    check("echo call", echo(rb_startup_handle, 1, 0, 0));
    return failures;
  }
  if (is(how, "hold")) {
    struct rb_message m = {{ECHO_SLEEP, 50 * 1000000, 0, 0, 0, 0}, 0};
    check("held call", rb_ipc(REBOUND_SYS_IPC_CALL, rb_startup_handle, &m) == 0);
    return failures;
  }

  if (is(how, "queued")) {
    g_endpoint = rb_startup_handle;
    struct rb_result stack =
        RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
    struct rb_result t = RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)second_caller,
                                 stack.value + 65536, 0);
    check("second thread", stack.error == 0 && t.error == 0);
    struct rb_message m = {{ECHO_SLEEP, 100 * 1000000, 0, 0, 0, 0}, 0};
    check("held call", rb_ipc(REBOUND_SYS_IPC_CALL, g_endpoint, &m) == 0 &&
                           m.w[0] == ECHO_SLEEP + 1 && m.w[5] == 6);
    check("join the second", RB_SYS1(REBOUND_SYS_THREAD_JOIN, t.value).error == 0);
    check("queued call", g_second_ok);
    return failures;
  }

  struct rb_result ep = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  check("endpoint_create", ep.error == 0);
  struct rb_result server =
      RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "echo_server", 11, "echo_server", 12, ep.value);
  check("spawn echo_server", server.error == 0);

  if (is(how, "plain")) {
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < g_calls; ++i) wrong += !echo(ep.value, i * 10, 0, 0);
    check("every plain echo", wrong == 0);
  } else if (is(how, "handle")) {
    struct rb_result mem = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 4096);
    check("memory_create", mem.error == 0);
    rebound_handle h = (rebound_handle)mem.value;
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < g_calls; ++i) {
      rebound_handle back = 0;
      wrong += !echo(ep.value, i * 10, h, &back);
      wrong += RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h).error != stale_handle; /* it moved */
      h = back;
    }
    check("every echo with a handle", wrong == 0);
    check("the handle came back last", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h).error == 0);
  } else {
    check("a known mode", 0);
  }

  struct rb_message bye = {{ECHO_EXIT, 0, 0, 0, 0, 0}, 0};
  check("exit command", rb_ipc(REBOUND_SYS_IPC_CALL, ep.value, &bye) == 0);
  struct rb_result st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, server.value);
  check("the server exited 0", st.error == 0 && st.value == 0);
  return failures;
}
