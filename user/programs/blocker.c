/* Blocks in the kernel until its process is killed, the way argv[1] says
   (for the kill tests, kernel/ktest/test_kill.cpp and kill_blocked.c):
     receive  receives on its startup handle (an endpoint)
     call     calls its startup handle (an endpoint)
     serve    receives one call on its startup handle, then sleeps owing the
              reply
     wait     waits for its startup handle (a process)
     sleep    sleeps (for centuries)
     join     joins a thread of its own that sleeps
     exit     starts a thread that sleeps, then exits with code 5: the
              process-exit call ends that thread too
     fault    starts a thread that sleeps, then faults (a null read)
     interrupt  waits on its startup handle (an interrupt object)
   A blocking call that returns at all is a failure: the program exits with
   100 + its error. */
#include "rebound_sys.h"

#define FOREVER (~(uint64_t)0)

static int same(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

static void sleep_forever(uint64_t unused) {
  (void)unused;
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 100 + rb_sleep(FOREVER));
}

/* A second thread, asleep (or about to be) once this returns its handle. */
static uint64_t start_sleeper(void) {
  struct rb_result stack =
      RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
  if (stack.error != 0) rb_exit(90);
  struct rb_result t = RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uint64_t)(uintptr_t)sleep_forever,
                               stack.value + 65536, 0);
  if (t.error != 0) rb_exit(91);
  return t.value;
}

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "";
  struct rb_message m = {{0}, 0};
  uint64_t error = 0;
  if (same(how, "receive")) {
    error = rb_ipc(REBOUND_SYS_IPC_RECEIVE, rb_startup_handle, &m);
  } else if (same(how, "call")) {
    error = rb_ipc(REBOUND_SYS_IPC_CALL, rb_startup_handle, &m);
  } else if (same(how, "serve")) {
    error = rb_ipc(REBOUND_SYS_IPC_RECEIVE, rb_startup_handle, &m);
    if (error == 0) error = rb_sleep(FOREVER);
  } else if (same(how, "wait")) {
    error = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, rb_startup_handle).error;
  } else if (same(how, "interrupt")) {
    error = RB_SYS1(REBOUND_SYS_INTERRUPT_WAIT, rb_startup_handle).error;
  } else if (same(how, "sleep")) {
    error = rb_sleep(FOREVER);
  } else if (same(how, "join")) {
    error = RB_SYS1(REBOUND_SYS_THREAD_JOIN, start_sleeper()).error;
  } else if (same(how, "exit") || same(how, "fault")) {
    start_sleeper();
    rb_sleep(20 * 1000000); /* the sleeper goes to sleep meanwhile */
    if (how[0] == 'e') rb_exit(5);
    volatile uint64_t* null = 0;
    __asm__ volatile("" : "+r"(null)); /* a real load, not a compiler trap */
    return (int)*null;
  } else {
    return 99;
  }
  return (int)(100 + error);
}
