/* A user program of the console service (abi/rebound/services.h). Checks
   that the service refuses bad requests and that devices are out of a user
   program's reach; then reads two lines typed at the serial port -- the
   system test types them (tools/qemu.py --input) -- on a thread of its own
   while the main thread goes on using the console (a waiting reader does
   not hold the server up), and writes them back. Exits with the number of
   failed checks. */
#include "rb_check.h"
#include "rb_console.h"

#if defined(__aarch64__)
#define UART_LINE 33 /* the PL011's SPI */
#else
#define UART_LINE 4 /* COM1's ISA IRQ */
#endif

static rebound_handle g_console;
static char g_lines[2][128];
static size_t g_lengths[2];
static volatile uint64_t g_read_error = 99;

static void reader(uint64_t unused) {
  (void)unused;
  uint64_t e = 0;
  for (int i = 0; i < 2 && e == 0; ++i)
    e = rb_console_read_line(g_console, g_lines[i], sizeof g_lines[i], &g_lengths[i]);
  g_read_error = e;
  RB_SYS1(REBOUND_SYS_THREAD_EXIT, 0);
}

static uint64_t stats(struct rb_message* m) {
  struct rb_message s = {{REBOUND_CONSOLE_STATS, 0, 0, 0, 0, 0}, 0};
  const uint64_t e = rb_service_call(g_console, &s);
  *m = s;
  return e;
}

static uint64_t call(uint64_t op, uint64_t w1) {
  struct rb_message m = {{op, w1, 0, 0, 0, 0}, 0};
  return rb_service_call(g_console, &m);
}

static void check_refusals(void) {
  check("unknown operation", call(0x77, 0) == invalid_argument);
  check("read of 0 bytes", call(REBOUND_CONSOLE_READ, 0) == invalid_argument);
  check("read of more than a message holds",
        call(REBOUND_CONSOLE_READ, REBOUND_CONSOLE_CHUNK + 1) == invalid_argument);
  check("write of more than a message holds",
        call(REBOUND_CONSOLE_WRITE, REBOUND_CONSOLE_CHUNK + 1) == invalid_argument);
  struct rb_message m = {{REBOUND_CONSOLE_READ, 1, 0, 0, 0, 0}, 0};
  check("read with no handle", rb_ipc(REBOUND_SYS_IPC_CALL, 0, &m) == bad_handle);
  rebound_handle second = 0;
  check("a second handle", rb_console_open(&second) == 0);
  check("closed", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, second).error == 0);
  struct rb_message r = {{REBOUND_CONSOLE_READ, 1, 0, 0, 0, 0}, 0};
  check("read with a closed handle", rb_ipc(REBOUND_SYS_IPC_CALL, second, &r) == stale_handle);

  /* Devices are the TAS's: no handle a user program has reaches one. */
  const rebound_handle mine[] = {0, rb_names_handle, g_console};
  const uint64_t errors[] = {bad_handle, wrong_type, wrong_type};
  for (int i = 0; i < 3; ++i) {
    check("bind an interrupt line",
          RB_SYS2(REBOUND_SYS_INTERRUPT_CREATE, mine[i], UART_LINE).error == errors[i]);
    check("wait for an interrupt", RB_SYS1(REBOUND_SYS_INTERRUPT_WAIT, mine[i]).error == errors[i]);
    check("acknowledge an interrupt",
          RB_SYS1(REBOUND_SYS_INTERRUPT_ACK, mine[i]).error == errors[i]);
    check("map device registers", RB_SYS5(REBOUND_SYS_DEVICE_MAP, mine[i], 0x09000000, 4096, 0,
                                          REBOUND_VM_READ | REBOUND_VM_WRITE)
                                          .error == errors[i]);
    check("take I/O ports",
          RB_SYS3(REBOUND_SYS_IO_PORTS_ALLOW, mine[i], 0x3f8, 8).error == errors[i]);
    check("make DMA memory",
          RB_SYS2(REBOUND_SYS_DMA_MEMORY_CREATE, mine[i], 4096).error == errors[i]);
    check("power the machine off",
          RB_SYS2(REBOUND_SYS_SYSTEM_SHUTDOWN, mine[i], 0).error == errors[i]);
  }
  /* Deferred replies: only what this thread owes, through a reply handle. */
  check("save a reply not owed", RB_SYS0(REBOUND_SYS_IPC_REPLY_SAVE).error == not_found);
  struct rb_message s = {{0}, 0};
  check("reply through a service handle",
        rb_ipc(REBOUND_SYS_IPC_REPLY_SEND, g_console, &s) == wrong_type);
  check("an unassigned number", RB_SYS0(39).error == unknown_syscall);
  check("another unassigned number", RB_SYS0(34).error == unknown_syscall);
}

int main(void) {
  check("lookup console", rb_console_open(&g_console) == 0 && g_console != 0);
  check_refusals();
  rb_print("console_client: refusals checked\n");

  struct rb_message s0, s1;
  check("stats", stats(&s0) == 0);
  const struct rb_result stack =
      RB_SYS3(REBOUND_SYS_VM_MAP, 0, 65536, REBOUND_VM_READ | REBOUND_VM_WRITE);
  check("a stack", stack.error == 0);
  const struct rb_result thread =
      RB_SYS3(REBOUND_SYS_THREAD_CREATE, (uintptr_t)reader, stack.value + 65536, 0);
  check("a reader thread", thread.error == 0);
  /* The reader waits in the server; the server goes on serving. */
  uint64_t waiting = 0;
  for (int i = 0; i < 500 && waiting == 0; ++i) {
    rb_sleep(10 * 1000000);
    check("stats while a reader waits", stats(&s1) == 0);
    waiting = s1.w[5];
  }
  check("one reader waiting", waiting == 1);
  check("write while a reader waits",
        rb_console_print(g_console, "console_client: type two lines\n") == 0);

  check("reader joined", RB_SYS1(REBOUND_SYS_THREAD_JOIN, thread.value).error == 0);
  check("lines read", g_read_error == 0);
  for (int i = 0; i < 2; ++i) {
    rb_console_print(g_console, "console_client: got '");
    rb_console_write(g_console, g_lines[i], g_lengths[i]);
    rb_console_print(g_console, "'\n");
  }
  check("stats after", stats(&s1) == 0);
  check("the lines came by interrupt", s1.w[1] > s0.w[1]);
  check("two more lines", s1.w[3] >= s0.w[3] + 2);
  check("no reader left waiting", s1.w[5] == 0);
  rb_print(failures == 0 ? "console_client: all passed\n" : "console_client: FAILED\n");
  return failures;
}
