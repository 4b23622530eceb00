/* PROCESS_KILL reaches processes blocked in the kernel: an echo_server
   waiting for its next call, a sleeper with 100 s to go, and a process
   waiting for that sleeper each end at once (PROCESS_WAIT returns the killed
   status within a second), and calls to the dead server fail with
   peer_closed. Exits with the number of failed checks. */
#include "rb_check.h"

#define MS 1000000ull

static uint64_t spawn(const char* name, const char* argv, uint64_t argv_length, uint64_t gift) {
  struct rb_result r =
      RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, name, rb_strlen(name), argv, argv_length, gift);
  check("spawn", r.error == 0);
  return r.value;
}

/* Kills `process` and waits for it: 1 if it ended killed, within 1 s. */
static int kill_ends(uint64_t process) {
  const uint64_t start = rb_clock();
  if (RB_SYS1(REBOUND_SYS_PROCESS_KILL, process).error != 0) return 0;
  struct rb_result st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, process);
  const uint64_t took = rb_clock() - start;
  return st.error == 0 && (st.value & REBOUND_STATUS_KILLED) != 0 &&
         ((st.value >> REBOUND_STATUS_FAULT_SHIFT) & 0xff) == REBOUND_FAULT_KILLED &&
         took < 1000 * MS;
}

int main(void) {
  /* A server that has answered a call is back in IPC_REPLY_RECEIVE, blocked
     waiting for the next one, when the answer arrives. */
  struct rb_result ep = RB_SYS0(REBOUND_SYS_ENDPOINT_CREATE);
  check("endpoint_create", ep.error == 0);
  const uint64_t server = spawn("echo_server", "echo_server", 12, ep.value);
  struct rb_result call = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, ep.value, REBOUND_RIGHT_CALL);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ep.value);
  struct rb_message m = {{1, 2, 3, 4, 5, 6}, 0};
  check("one echo", rb_ipc(REBOUND_SYS_IPC_CALL, call.value, &m) == 0 && m.w[0] == 2);
  check("a server blocked in receive ends when killed", kill_ends(server));
  check("then calls fail", rb_ipc(REBOUND_SYS_IPC_CALL, call.value, &m) == peer_closed);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, call.value);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, server);

  /* A sleeper, and a process waiting for it (blocker.c). */
  const uint64_t sleeper = spawn("sleeper",
                                 "sleeper\0"
                                 "100000",
                                 15, 0);
  const uint64_t waiter = spawn("blocker", "blocker\0wait", 13, sleeper);
  rb_sleep(50 * MS); /* both go to sleep meanwhile */
  check("a process waiting for another ends when killed", kill_ends(waiter));
  check("a sleeping process ends when killed", kill_ends(sleeper));
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, waiter);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, sleeper);

  rb_print(failures == 0 ? "kill_blocked: all passed\n" : "kill_blocked: FAILED\n");
  return failures;
}
