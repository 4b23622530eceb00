/* THREAD_KILL and ENDPOINT_CLOSE, the two calls the TAS's supervisor
   restarts a server with. A thread spinning in user mode and one blocked in
   IPC receive each end when killed (THREAD_JOIN: killed) while the process
   goes on. A server thread that has received a call is killed after its
   endpoint was closed with server_restarted: the caller hears
   server_restarted, and so does every later call. Bad arguments are refused.
   Exits with the number of failed checks. */
#include "rb_check.h"

#define MS 1000000ull
#define STACK 65536

static volatile uint64_t spins;
static volatile int received;

static void spin(uint64_t arg) {
  (void)arg;
  for (;;) spins = spins + 1;
}

/* Receives one call and then spins without replying: a hung server. */
static void hang_after_receive(uint64_t endpoint) {
  struct rb_message m = {{0}, 0};
  if (rb_ipc(REBOUND_SYS_IPC_RECEIVE, endpoint, &m) == 0) received = 1;
  for (;;) spins = spins + 1;
}

static void receive_forever(uint64_t endpoint) {
  struct rb_message m = {{0}, 0};
  rb_ipc(REBOUND_SYS_IPC_RECEIVE, endpoint, &m);
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 1); /* never: killed while receiving */
}

static uint64_t call_result;
static volatile int call_done;
static uint64_t call_endpoint;

static void caller(uint64_t arg) {
  (void)arg;
  struct rb_message m = {{7, 0, 0, 0, 0, 0}, 0};
  call_result = rb_ipc(REBOUND_SYS_IPC_CALL, call_endpoint, &m);
  call_done = 1;
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
}

static uint64_t start(void (*f)(uint64_t), uint64_t arg) {
  struct rb_result stack =
      RB_SYS3(REBOUND_SYS_VM_MAP, 0, STACK, REBOUND_VM_READ | REBOUND_VM_WRITE);
  struct rb_result t =
      RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)f, stack.value + STACK, arg);
  check("thread create", stack.error == 0 && t.error == 0);
  return t.value;
}

/* Kills `thread` and joins it: 1 if it ended killed, within a second. */
static int kill_ends(uint64_t thread) {
  const uint64_t t0 = rb_clock();
  if (RB_SYS1(REBOUND_SYS_THREAD_KILL, thread).error != 0) return 0;
  struct rb_result st = RB_SYS1(REBOUND_SYS_THREAD_JOIN, thread);
  return st.error == 0 && (st.value & REBOUND_STATUS_KILLED) != 0 &&
         ((st.value >> REBOUND_STATUS_FAULT_SHIFT) & 0xff) == REBOUND_FAULT_KILLED &&
         rb_clock() - t0 < 1000 * MS;
}

int main(void) {
  /* A thread running user code ends at its next tick. */
  const uint64_t spinner = start(spin, 0);
  while (spins == 0) rb_yield();
  check("a spinning thread ends when killed", kill_ends(spinner));
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, spinner);

  /* A thread blocked in receive ends at once. */
  struct rb_result ep = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  check("endpoint create", ep.error == 0);
  const uint64_t receiver = start(receive_forever, ep.value);
  rb_sleep(20 * MS);
  check("a thread blocked in receive ends when killed", kill_ends(receiver));
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, receiver);

  /* A hung server thread: closed with server_restarted, then killed. */
  struct rb_result call = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, ep.value, REBOUND_RIGHT_CALL);
  call_endpoint = call.value;
  spins = 0;
  const uint64_t server = start(hang_after_receive, ep.value);
  const uint64_t client = start(caller, 0);
  while (!received) rb_yield();
  check("close needs RECEIVE",
        RB_SYS2(REBOUND_SYS_ENDPOINT_CLOSE, call.value, server_restarted).error == access_denied);
  check("close: bad reason",
        RB_SYS2(REBOUND_SYS_ENDPOINT_CLOSE, ep.value, invalid_argument).error == invalid_argument);
  check("close", RB_SYS2(REBOUND_SYS_ENDPOINT_CLOSE, ep.value, server_restarted).error == 0);
  check("the call is still waiting for its reply", !call_done);
  check("the hung server ends when killed", kill_ends(server));
  check("its caller joined", RB_SYS1(REBOUND_SYS_THREAD_JOIN, client).error == 0);
  check("its caller heard server_restarted", call_done && call_result == server_restarted);
  struct rb_message m = {{1, 0, 0, 0, 0, 0}, 0};
  check("later calls: server_restarted",
        rb_ipc(REBOUND_SYS_IPC_CALL, call.value, &m) == server_restarted);
  check("closing again changes nothing",
        RB_SYS2(REBOUND_SYS_ENDPOINT_CLOSE, ep.value, peer_closed).error == 0 &&
            rb_ipc(REBOUND_SYS_IPC_CALL, call.value, &m) == server_restarted);

  /* Bad arguments. */
  check("kill: no handle", RB_SYS1(REBOUND_SYS_THREAD_KILL, 0).error == bad_handle);
  check("kill: not a thread", RB_SYS1(REBOUND_SYS_THREAD_KILL, ep.value).error == wrong_type);
  check("kill: a dead thread is fine", RB_SYS1(REBOUND_SYS_THREAD_KILL, server).error == 0);
  check("close: not an endpoint",
        RB_SYS2(REBOUND_SYS_ENDPOINT_CLOSE, server, peer_closed).error == wrong_type);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, server);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, client);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, call.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep.value);

  rb_print(failures == 0 ? "thread_kill: all passed\n" : "thread_kill: FAILED\n");
  return failures;
}
