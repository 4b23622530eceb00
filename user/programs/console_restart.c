/* The console server restarted by the supervisor (test builds: the TAS's
   "faults" service arms the site console.write with CORRUPT, and the
   console's state check after that write fails). Checks that the writer
   of that request, a reader waiting through the restart and every later
   call on the old handle get server_restarted; that a new lookup reaches
   the new generation, whose output works; that the echo server's in-TAS
   reference to the console is found stale and made again; that restarts
   keep no pages; and that typed input still comes by interrupt (the new
   generation took the UART and its interrupt line over). Exits with the
   number of failed checks. */
#include "rb_check.h"
#include "rb_console.h"
#include "rb_faults.h"

static rebound_handle g_console;
static volatile uint64_t g_reader_error = 99;

static void waiting_reader(uint64_t unused) {
  (void)unused;
  char piece[8];
  size_t got = 0;
  g_reader_error = rb_console_read(g_console, piece, sizeof piece, &got);
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
}

/* SAY through the echo server: the error; the reply in *r. */
static uint64_t say(rebound_handle echo, const char* s, struct rb_message* r) {
  const size_t n = rb_strlen(s);
  struct rb_message m = {{REBOUND_ECHO_SAY, n, 0, 0, 0, 0}, 0};
  for (size_t i = 0; i < n; ++i) m.w[2 + i / 8] |= (uint64_t)(unsigned char)s[i] << (8 * (i % 8));
  const uint64_t e = rb_service_call(echo, &m);
  *r = m;
  return e;
}

static uint64_t readers_waiting(rebound_handle console) {
  struct rb_message s = {{REBOUND_CONSOLE_STATS, 0, 0, 0, 0, 0}, 0};
  return rb_service_call(console, &s) == 0 ? s.w[5] : 99;
}

/* Corrupts the console's state with the next write: that write's caller
   hears server_restarted. */
static int restart(rebound_handle faults, rebound_handle console) {
  return rb_faults_arm(faults, "console.write", REBOUND_INJECT_CORRUPT, 1) == 0 &&
         rb_console_print(console, "x") == server_restarted;
}

int main(void) {
  rebound_handle faults = 0, echo = 0;
  check("lookup faults", rb_lookup("faults", &faults) == 0);
  check("lookup echo", rb_lookup("echo", &echo) == 0);
  check("lookup console", rb_console_open(&g_console) == 0);
  struct rb_message r;
  check("echo says", say(echo, "console_restart: said by echo\n", &r) == 0);
  const uint64_t g1 = r.w[2];
  check("by a reference to the console's first generation", g1 == 1 && r.w[3] == 1);

  /* A reader waits in the server through the restart. */
  const struct rb_result stack =
      RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
  const struct rb_result reader =
      RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uintptr_t)waiting_reader, stack.value + 65536, 0);
  check("a reader thread", stack.error == 0 && reader.error == 0);
  for (int i = 0; i < 500 && readers_waiting(g_console) != 1; ++i) rb_sleep(10 * 1000000);
  check("the reader waits", readers_waiting(g_console) == 1);

  check("the corrupting write: server_restarted", restart(faults, g_console));
  check("the reader joined", RB_SYS1(REBOUND_SYS_THREAD_JOIN, reader.value).error == 0);
  check("the waiting reader: server_restarted", g_reader_error == server_restarted);
  check("the old handle: server_restarted", readers_waiting(g_console) == 99);
  check("old handle write", rb_console_print(g_console, "?") == server_restarted);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, g_console);
  check("lookup again", rb_console_open(&g_console) == 0);
  check("the new generation writes",
        rb_console_print(g_console, "console_restart: written after a restart\n") == 0);
  check("no reader waits there", readers_waiting(g_console) == 0);
  check("echo says again", say(echo, "console_restart: said again\n", &r) == 0);
  check("through a new reference", r.w[2] == g1 + 1 && r.w[3] == 2);

  /* Restarts keep nothing: the heap, the driver thread's stack slot, the
     UART's mapping and the interrupt go back each time. */
  const uint64_t settled = rb_frames_used();
  int restarted = 1;
  for (int i = 0; i < 5; ++i) {
    restarted &= restart(faults, g_console);
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, g_console);
    restarted &= rb_console_open(&g_console) == 0;
  }
  check("five more restarts", restarted);
  check("echo follows", say(echo, "console_restart: said at last\n", &r) == 0 &&
                            r.w[2] == g1 + 6 && r.w[3] == 3);
  const uint64_t t0 = rb_clock();
  while (rb_frames_used() > settled + 8 && rb_clock() - t0 < 1000000000ull) rb_sleep(1000000);
  check("no pages kept by restarts", rb_frames_used() <= settled + 8);

  /* Input comes by interrupt to the generation now serving. The prompt
     waits for the supervisor's last log line: the kernel's log and the
     console share the UART unlocked, and the test types on seeing it. */
  rb_sleep(200 * 1000000ull);
  check("prompt", rb_console_print(g_console, "console_restart: type a line\n") == 0);
  char line[64];
  size_t length = 0;
  check("a line read", rb_console_read_line(g_console, line, sizeof line, &length) == 0);
  rb_console_print(g_console, "console_restart: got '");
  rb_console_write(g_console, line, length);
  rb_console_print(g_console, "'\n");
  rb_print(failures == 0 ? "console_restart: all passed\n" : "console_restart: FAILED\n");
  return failures;
}
