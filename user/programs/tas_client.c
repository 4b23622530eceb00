/* A user program against the TAS's servers (abi/rebound/services.h): looks
   services up by name, calls the echo server (argv[1] times, default
   100,000), checks rights, request recovery under injected faults (when the
   TAS serves "faults": test builds) and the supervisor's restarts of a
   corrupt or hung server, and that in-TAS calls enter no system call and
   switch no address space. Exits with the number of failed checks. */
#include "rb_check.h"
#include "rb_faults.h"

static uint64_t parse(const char* s) {
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + (uint64_t)(*s - '0');
  return v;
}

static rebound_handle g_echo;

static uint64_t echo(uint64_t op, uint64_t a, struct rb_message* m) {
  struct rb_message r = {{op, a, 0, 0, 0, 0}, 0};
  uint64_t e = rb_service_call(g_echo, &r);
  if (m) *m = r;
  return e;
}

static int echo_words_ok(uint64_t seed) {
  struct rb_message m = {{REBOUND_ECHO_WORDS, seed, seed * 3, seed * 5, seed * 7, seed * 9}, 0};
  if (rb_service_call(g_echo, &m) != 0 || m.handle != 0) return 0;
  for (uint64_t i = 1; i < REBOUND_IPC_WORDS; ++i)
    if (m.w[i] != seed * (2 * i - 1) + i) return 0;
  return 1;
}

static void check_recovery(rebound_handle faults) {
  struct rb_message s0, s1, r;
  check("stats", echo(REBOUND_ECHO_STATS, 0, &s0) == 0);
  check("work, unarmed", echo(REBOUND_ECHO_WORK, 1000, &r) == 0 && r.w[1] == 500500);

  /* Two tries fault, the third succeeds: the right answer, and everything
     the failed tries allocated on the server's heap is back. */
  check("arm echo.work x2", rb_faults_arm(faults, "echo.work", REBOUND_INJECT_THROW, 2) == 0);
  check("work, retried", echo(REBOUND_ECHO_WORK, 1000, &r) == 0 && r.w[1] == 500500);
  check("stats after retries", echo(REBOUND_ECHO_STATS, 0, &s1) == 0);
  check("heap bytes back", s1.w[1] == s0.w[1]);
  check("heap blocks back", s1.w[2] == s0.w[2]);
  check("no request failed", s1.w[3] == s0.w[3]);
  check("two tries failed", s1.w[4] == s0.w[4] + 2);

  /* The same with CPU faults: a null read in the handler reaches the TAS
     thread as a fault frame and unwinds as an exception. */
  check("arm echo.work null x2",
        rb_faults_arm(faults, "echo.work", REBOUND_INJECT_NULL_READ, 2) == 0);
  check("work, retried after null reads",
        echo(REBOUND_ECHO_WORK, 1000, &r) == 0 && r.w[1] == 500500);
  check("stats after null reads", echo(REBOUND_ECHO_STATS, 0, &s1) == 0);
  check("heap bytes back after null reads", s1.w[1] == s0.w[1]);
  check("two more tries failed", s1.w[4] == s0.w[4] + 4);

  /* A fault on every try: an error reply, soon, and the server serves on. */
  check("arm echo.work x1000", rb_faults_arm(faults, "echo.work", REBOUND_INJECT_THROW, 1000) == 0);
  const uint64_t t0 = rb_clock();
  check("persistent fault: server_fault", echo(REBOUND_ECHO_WORK, 10, &r) == server_fault);
  check("within a second", rb_clock() - t0 < 1000000000ull);
  check("other requests still served", echo_words_ok(11));
  check("disarm", rb_faults_arm(faults, "echo.work", REBOUND_INJECT_OFF, 0) == 0);
  check("work after disarming", echo(REBOUND_ECHO_WORK, 10, &r) == 0 && r.w[1] == 55);
  check("stats after the persistent fault", echo(REBOUND_ECHO_STATS, 0, &s1) == 0);
  check("heap bytes back again", s1.w[1] == s0.w[1]);
  check("one request failed", s1.w[3] == s0.w[3] + 1);
  check("three more tries failed", s1.w[4] == s0.w[4] + 7);

  /* A fault in the runtime's own request path, once: retried too. */
  check("arm tas.request x1", rb_faults_arm(faults, "tas.request", REBOUND_INJECT_THROW, 1) == 0);
  check("words after a runtime fault", echo_words_ok(12));
  check("arm tas.request null x1",
        rb_faults_arm(faults, "tas.request", REBOUND_INJECT_NULL_READ, 1) == 0);
  check("words after a runtime null read", echo_words_ok(13));
  /* A fault in the name service's lookup: retried there. */
  check("arm names.lookup null x1",
        rb_faults_arm(faults, "names.lookup", REBOUND_INJECT_NULL_READ, 1) == 0);
  rebound_handle again = 0;
  check("lookup after a faulted try", rb_lookup("echo", &again) == 0 && again != 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, again);
  /* A fault inside an in-TAS call is caught at the callee's boundary: the
     calling server gets server_fault, and answers with it. */
  check("arm tas.call x1", rb_faults_arm(faults, "tas.call", REBOUND_INJECT_THROW, 1) == 0);
  check("in-TAS call faulted: server_fault", echo(REBOUND_ECHO_PEER_CALLS, 1, &r) == server_fault);
  check("in-TAS calls after it", echo(REBOUND_ECHO_PEER_CALLS, 1, &r) == 0);
  check("bad site name", rb_faults_arm(faults, "", REBOUND_INJECT_THROW, 1) == invalid_argument);
  check("bad kind", rb_faults_arm(faults, "echo.work", 77, 1) == not_supported);
  rb_print("tas_client: fault recovery checked\n");
}

/* The echo server's generation, through `svc` (which follows restarts). */
static uint64_t generation(struct rb_service* svc) {
  struct rb_message m = {{REBOUND_ECHO_STATS, 0, 0, 0, 0, 0}, 0};
  return rb_service_request(svc, &m, 1) == 0 ? m.w[5] : 0;
}

/* WORK(n) through `svc`: the error, the sum in *sum. */
static uint64_t work(struct rb_service* svc, uint64_t n, int idempotent, uint64_t* sum) {
  struct rb_message m = {{REBOUND_ECHO_WORK, n, 0, 0, 0, 0}, 0};
  const uint64_t e = rb_service_request(svc, &m, idempotent);
  *sum = m.w[1];
  return e;
}

/* The supervisor: a server whose state is corrupt, or that hangs, is
   replaced by a new generation; clients of the old one get
   server_restarted, the client library's retry reaches the new one, and the
   old heap's pages go back to the kernel. */
static void check_restarts(rebound_handle faults) {
  struct rb_service svc = {"echo", 0};
  const uint64_t g0 = generation(&svc);
  check("a generation", g0 >= 1);
  /* The old generation holds 4 MiB, written. */
  const uint64_t before_keep = rb_frames_used();
  struct rb_message m = {{REBOUND_ECHO_KEEP, 4096, 0, 0, 0, 0}, 0};
  check("keep 4 MiB", rb_service_call(g_echo, &m) == 0);
  const uint64_t kept = rb_frames_used();
  check("kept pages are in use", kept >= before_keep + 1024);

  /* Corrupted state: found by the server's check after the request. */
  check("arm echo.work corrupt",
        rb_faults_arm(faults, "echo.work", REBOUND_INJECT_CORRUPT, 1) == 0);
  struct rb_message r;
  check("corrupting request: server_restarted",
        echo(REBOUND_ECHO_WORK, 10, &r) == server_restarted);
  check("old generation: server_restarted", echo(REBOUND_ECHO_WORK, 10, &r) == server_restarted);
  check("old generation: still server_restarted", !echo_words_ok(21));
  check("new generation", generation(&svc) == g0 + 1);
  /* The supervisor destroys the old heap once the old thread is joined:
     soon after its clients heard of the restart. */
  const uint64_t t_restart = rb_clock();
  while (rb_frames_used() + 1000 > kept && rb_clock() - t_restart < 1000000000ull)
    rb_sleep(1000000);
  check("the old heap went back", rb_frames_used() + 1000 <= kept);
  uint64_t sum = 0;
  check("new requests succeed", work(&svc, 100, 1, &sum) == 0 && sum == 5050);

  /* A client library's retry: the request goes to the new generation. */
  check("arm echo.work corrupt again",
        rb_faults_arm(faults, "echo.work", REBOUND_INJECT_CORRUPT, 1) == 0);
  check("an idempotent request is retried once", work(&svc, 100, 1, &sum) == 0 && sum == 5050);
  check("after one more restart", generation(&svc) == g0 + 2);
  check("arm echo.work corrupt, not retried",
        rb_faults_arm(faults, "echo.work", REBOUND_INJECT_CORRUPT, 1) == 0);
  check("a request that is not idempotent is not", work(&svc, 100, 0, &sum) == server_restarted);
  check("and the next goes to the new generation", generation(&svc) == g0 + 3);

  /* A hang: no heartbeat, and the supervisor kills and replaces it. */
  check("arm echo.work hang", rb_faults_arm(faults, "echo.work", REBOUND_INJECT_HANG, 1) == 0);
  const uint64_t t0 = rb_clock();
  check("the hung request: server_restarted", work(&svc, 10, 0, &sum) == server_restarted);
  check("within 2 s", rb_clock() - t0 < 2000000000ull);
  check("after the hang: a new generation", generation(&svc) == g0 + 4);
  check("served again", work(&svc, 10, 1, &sum) == 0 && sum == 55);

  /* Restarts leave nothing behind: ten more, and the pages in use stay. */
  const uint64_t settled = rb_frames_used();
  for (int i = 0; i < 10; ++i) {
    rb_faults_arm(faults, "echo.work", REBOUND_INJECT_CORRUPT, 1);
    work(&svc, 10, 1, &sum);
  }
  check("ten more restarts", generation(&svc) == g0 + 14);
  check("no pages kept by restarts", rb_frames_used() <= settled + 8);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, g_echo);
  g_echo = svc.handle; /* later checks call the current generation */
  rb_print("tas_client: supervisor restarts checked\n");
}

/* The name service restarted: its endpoint -- every process's -- lasts, the
   new generation knows every server, and in-TAS references to it are
   renewed. */
static void check_names_restart(rebound_handle faults) {
  check("arm names.lookup corrupt",
        rb_faults_arm(faults, "names.lookup", REBOUND_INJECT_CORRUPT, 1) == 0);
  struct rb_message m = {{REBOUND_NAMES_LOOKUP, 0, 0, 0, 0, 0}, 0};
  rb_pack_name(&m, "echo");
  check("the corrupting lookup: server_restarted",
        rb_service_call(rb_names_handle, &m) == server_restarted && m.handle == 0);
  const char* names[] = {"echo", "console", "time", "block", "fs", "process", "faults", "names"};
  for (int i = 0; i < 8; ++i) {
    rebound_handle h = 0;
    const uint64_t e = rb_lookup(names[i], &h);
    check(i < 7 ? "the new generation knows every server" : "but not itself",
          i < 7 ? e == 0 : e == not_found);
    if (h != 0) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h);
  }
  struct rb_message r;
  check("in-TAS calls reach the new generation",
        echo(REBOUND_ECHO_PEER_CALLS, 10, &r) == 0 && r.w[3] == 10 * 7);
  rb_print("tas_client: name service restart checked\n");
}

int main(int argc, char** argv) {
  const uint64_t calls = argc > 1 ? parse(argv[1]) : 100000;
  check("a name service handle", rb_names_handle != 0);
  check("lookup echo", rb_lookup("echo", &g_echo) == 0 && g_echo != 0);
  rebound_handle none = 0;
  check("lookup of an unknown name", rb_lookup("no-such-service", &none) == not_found);
  check("lookup of an empty name", rb_lookup("", &none) == invalid_argument);
  struct rb_message bad = {{REBOUND_NAMES_LOOKUP, 'e', 0, 0, 0x41, 0}, 0};
  check("a name with bytes after its end",
        rb_service_call(rb_names_handle, &bad) == invalid_argument);
  bad.w[0] = 99;
  check("unknown name-service operation",
        rb_service_call(rb_names_handle, &bad) == invalid_argument);

  uint64_t wrong = 0;
  for (uint64_t i = 1; i <= calls; ++i) wrong += !echo_words_ok(i);
  check("every echo correct", wrong == 0);
  rb_print("tas_client: echo calls done\n");
  check("unknown echo operation", echo(0x77, 0, 0) == invalid_argument);
  /* A call with a timeout that its reply beats; the thread's own timeout
     is back as it was. */
  struct rb_message within = {{REBOUND_ECHO_WORK, 10, 0, 0, 0, 0}, 0};
  uint64_t timeout = 1;
  check("work within a timeout",
        rb_service_call_within(g_echo, &within, 5000000000ull) == 0 && within.w[1] == 55);
  check("the thread's timeout back", rb_ipc_timeout_set(0, &timeout) == 0 && timeout == 0);

  /* The handle a lookup gives may call, nothing more. */
  struct rb_message m = {{0}, 0};
  check("receive on a service", rb_ipc(REBOUND_SYS_IPC_RECEIVE, g_echo, &m) == access_denied);
  check("widen a service handle",
        RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, g_echo, REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE)
                .error == access_denied);

  /* In-TAS calls: the kernel's counters move the same across 0 and 10,000
     calls from the echo server into the name server. The counters are the
     whole machine's: another thread's system call in the window (the TAS's
     supervisor polls every 10 ms) moves them too, so a few tries are
     allowed -- calls that entered the kernel would move them by 10,000
     every time. */
  struct rb_message p0, p1;
  int same_syscalls = 0, same_switches = 0;
  for (int i = 0; i < 5 && !(same_syscalls && same_switches); ++i) {
    check("peer calls x0", echo(REBOUND_ECHO_PEER_CALLS, 0, &p0) == 0);
    check("peer calls x10000", echo(REBOUND_ECHO_PEER_CALLS, 10000, &p1) == 0);
    check("the calls ran", p1.w[3] > 0 && p1.w[3] % 10000 == 0);
    same_syscalls = p1.w[1] == p0.w[1];
    same_switches = p1.w[2] == p0.w[2];
  }
  check("no system call in in-TAS calls", same_syscalls);
  check("no address-space switch in in-TAS calls", same_switches);

  rebound_handle faults = 0;
  const uint64_t f = rb_lookup("faults", &faults);
  if (f == 0) {
    check_recovery(faults);
    check_restarts(faults);
    check_names_restart(faults);
  } else {
    check("faults: absent, not broken", f == not_found);
    rb_print("tas_client: no fault injection (production build)\n");
  }
  rb_print(failures == 0 ? "tas_client: all passed\n" : "tas_client: FAILED\n");
  return failures;
}
