/* A user program of the process service ("process", abi/rebound/services.h):
   starts programs by path with arguments and waits for them (their exit
   code, or the fault that killed them) -- programs read from the file
   system's /bin --, asks their status without waiting,
   passes environments, kills one, lists them, and checks the refusals: a missing program, a file
   that is no program, bad requests. On a test build (the TAS serves
   "faults") the process server is restarted while a child runs, and the new
   generation still knows it. Exits with the number of failed checks. */
#include "rb_check.h"
#include "rb_faults.h"
#include "rb_process.h"

static rebound_handle g_process;
static char* g_buffer;

/* SPAWN path with the arguments (argv[0] first, then the rest, 0-ended)
   and no environment: the error; the pid and process handle in *pid and
   *handle. */
static uint64_t spawn(const char* path, const char* const* args, uint64_t* pid,
                      rebound_handle* handle) {
  return rb_spawn(path, args, 0, pid, handle);
}

static uint64_t request(uint64_t op, uint64_t pid, struct rb_message* r) {
  struct rb_message m = {{op, pid, 0, 0, 0, 0}, 0};
  const uint64_t e = rb_service_call(g_process, &m);
  if (r) *r = m;
  return e;
}

static int listed(const char* name, uint64_t pid, uint32_t ended) {
  struct rb_message r;
  if (request(REBOUND_PROCESS_LIST, 0, &r) != 0) return 0;
  const struct rebound_process_entry* e = (const struct rebound_process_entry*)g_buffer;
  for (uint64_t i = 0; i < r.w[1]; ++i) {
    int same = e[i].pid == pid && e[i].ended == ended;
    for (size_t k = 0; same && (k == 0 || name[k - 1] != '\0'); ++k) same = e[i].name[k] == name[k];
    if (same) return 1;
  }
  return 0;
}

int main(void) {
  check("lookup process", rb_lookup("process", &g_process) == 0);
  check("a message buffer", rb_ipc_buffer((void**)&g_buffer) == 0);

  /* A program with arguments: args exits with its argc. */
  const char* const args_argv[] = {"args", "one", "two", 0};
  uint64_t pid = 0;
  rebound_handle child = 0;
  check("spawn /bin/args",
        spawn("/bin/args", args_argv, &pid, &child) == 0 && pid != 0 && child != 0);
  const struct rb_result done = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child);
  check("args saw its three arguments", done.error == 0 && done.value == 3);
  struct rb_message st;
  check("its status, ended",
        request(REBOUND_PROCESS_STATUS, pid, &st) == 0 && st.w[1] == 1 && st.w[2] == 3);
  check("listed as ended", listed("args", pid, 1));
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);

  /* An environment: env_check exits with the count of variables that are
     not exactly its arguments. */
  const char* const env[] = {"GREETING=hello world", "EMPTY=", "PATH=/bin", 0};
  const char* const env_argv[] = {"env_check", "GREETING=hello world", "EMPTY=", "PATH=/bin", 0};
  check("spawn /bin/env_check with an environment",
        rb_spawn("/bin/env_check", env_argv, env, &pid, &child) == 0);
  check("env_check found it exactly", RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child).value == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);
  const char* const env_missing[] = {"env_check", "GREETING=hello world", 0};
  check("spawn /bin/env_check, told of a variable it lacks",
        rb_spawn("/bin/env_check", env_missing, 0, &pid, &child) == 0);
  check("env_check saw the difference", RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child).value == 2);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);

  /* A program killed by a fault: the waiter hears which. */
  const char* const null_argv[] = {"fault_null", 0};
  uint64_t fpid = 0;
  check("spawn /bin/fault_null", spawn("/bin/fault_null", null_argv, &fpid, &child) == 0);
  const struct rb_result faulted = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child);
  check("killed by a page fault at 0",
        faulted.error == 0 && (faulted.value & REBOUND_STATUS_KILLED) != 0 &&
            ((faulted.value >> REBOUND_STATUS_FAULT_SHIFT) & 0xff) == REBOUND_FAULT_PAGE_FAULT &&
            faulted.value2 == 0);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);

  /* A long one, killed through the service. */
  const char* const spin_argv[] = {"spin", "600000", 0};
  uint64_t spid = 0;
  check("spawn /bin/spin", spawn("/bin/spin", spin_argv, &spid, &child) == 0);
  check("running", request(REBOUND_PROCESS_STATUS, spid, &st) == 0 && st.w[1] == 0);
  check("listed as running", listed("spin", spid, 0));

  rebound_handle faults = 0;
  if (rb_lookup("faults", &faults) == 0) {
    check("arm process.spawn corrupt",
          rb_faults_arm(faults, "process.spawn", REBOUND_INJECT_CORRUPT, 1) == 0);
    uint64_t xpid = 0;
    rebound_handle x = 0;
    check("the corrupting spawn: server_restarted",
          spawn("/bin/args", args_argv, &xpid, &x) == server_restarted);
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, g_process);
    check("lookup again", rb_lookup("process", &g_process) == 0);
    check("the new generation knows the running child",
          request(REBOUND_PROCESS_STATUS, spid, &st) == 0 && st.w[1] == 0);
    rb_print("spawn_client: restart checked\n");
  }
  check("kill it", request(REBOUND_PROCESS_KILL, spid, 0) == 0);
  const struct rb_result killed = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child);
  check("killed on request",
        killed.error == 0 && (killed.value & REBOUND_STATUS_KILLED) != 0 &&
            ((killed.value >> REBOUND_STATUS_FAULT_SHIFT) & 0xff) == REBOUND_FAULT_KILLED);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);

  /* Refusals. */
  const char* const none[] = {0};
  check("a missing program", spawn("/bin/no-such-program", none, &pid, &child) == not_found);
  check("a file that is no program", spawn("/etc/motd", none, &pid, &child) == bad_image);
  check("a directory", spawn("/bin", none, &pid, &child) == is_a_directory);
  check("a path without a name", spawn("/bin/", none, &pid, &child) == invalid_argument);
  struct rb_message m = {{REBOUND_PROCESS_SPAWN, 0, 0, 0, 0, 0}, 0};
  check("an empty request", rb_service_call(g_process, &m) == invalid_argument);
  g_buffer[0] = 'x';
  struct rb_message u = {{REBOUND_PROCESS_SPAWN, 1, 0, 0, 0, 0}, 0};
  check("an unterminated path", rb_service_call(g_process, &u) == invalid_argument);
  struct rb_message big = {{REBOUND_PROCESS_SPAWN, 5000, 0, 0, 0, 0}, 0};
  check("more than the buffer", rb_service_call(g_process, &big) == invalid_argument);
  const char* const two[] = {"args", "x", 0};
  uint64_t used = 0;
  for (const char* const* w = two; *w != 0; ++w) used += rb_strlen(*w) + 1;
  (void)spawn("/bin/args", two, &pid, &child); /* leaves "/bin/args\0args\0x\0" in the buffer */
  RB_SYS1(REBOUND_SYS_PROCESS_WAIT, child);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);
  struct rb_message envs = {{REBOUND_PROCESS_SPAWN, used + 10, 3, 0, 0, 0}, 0};
  check("more environment strings than strings",
        rb_service_call(g_process, &envs) == invalid_argument);
  check("status of no process", request(REBOUND_PROCESS_STATUS, 999999, 0) == not_found);
  check("kill no process", request(REBOUND_PROCESS_KILL, 0, 0) == not_found);
  check("unknown operation", request(0x77, 0, 0) == invalid_argument);
  rb_print(failures == 0 ? "spawn_client: all passed\n" : "spawn_client: FAILED\n");
  return failures;
}
