/* An echo server on the endpoint it was given (its startup handle): replies
   to every call with word i + i + 1 for each word i, so that a client can
   tell a reply from its own message. Commands in word 0 exercise the ways a
   server can go away (ipc_client.c checks what the callers get). Exits 0
   when told to, or with the error of a failed receive. */
#include "rebound_sys.h"

#define ECHO_EXIT 0xec40e1u     /* reply, then exit */
#define ECHO_CRASH 0xec40c2u    /* die (null read) owing the reply */
#define ECHO_NO_REPLY 0xec40a3u /* receive again without replying */
#define ECHO_SLEEP 0xec4051u    /* sleep word 1 nanoseconds, then reply */

int main(void) {
  struct rb_message m = {{0}, 0};
  /* Nothing is owed yet: the first REPLY_RECEIVE only receives. */
  uint64_t error = rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, rb_startup_handle, &m);
  for (;;) {
    if (error != 0) return (int)error;
    const uint64_t command = m.w[0];
    if (command == ECHO_CRASH) {
      volatile uint64_t* null = 0;
      __asm__ volatile("" : "+r"(null)); /* a real load, not a compiler trap */
      return (int)*null;
    }
    if (command == ECHO_NO_REPLY) {
      /* RECEIVE (not REPLY_RECEIVE): the caller we owe gets peer_closed. */
      error = rb_ipc(REBOUND_SYS_IPC_RECEIVE, rb_startup_handle, &m);
      continue;
    }
    if (command == ECHO_SLEEP) rb_sleep(m.w[1]);
    for (int i = 0; i < REBOUND_IPC_WORDS; ++i) m.w[i] += (uint64_t)i + 1;
    if (command == ECHO_EXIT) {
      error = rb_ipc(REBOUND_SYS_IPC_REPLY, 0, &m);
      return (int)error;
    }
    error = rb_ipc(REBOUND_SYS_IPC_REPLY_RECEIVE, rb_startup_handle, &m);
  }
}
