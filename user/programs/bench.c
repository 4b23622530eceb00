/* User-side benchmarks, run by the test kernel's "bench" option. Under QEMU
   -icount shift=0 the clock counts guest instructions, so every figure is
   instructions per operation. Prints "bench: NAME VALUE" lines. */
#include "rb_bulk.h"
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
  return 0;
}
