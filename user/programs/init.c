/* /bin/init: the first program started from the file system, by the process
   server once every server of the TAS serves; the machine powers off when
   it ends, with its exit status.

   With arguments (the words after "--" on the kernel command line) it runs
   them as one command -- leading KEY=VALUE words add to the environment,
   a program name without '/' is looked for in /bin -- and exits with the
   command's exit code (4 if a fault killed it, 127 if it could not start).
   Without, it runs /etc/rc: a command per line, '#' to the end of a line a
   comment, each waited for in turn; and then stays (it has nothing else to
   run yet). */
#include "rb_fs.h"
#include "rb_process.h"

enum { kMaxWords = 32, kMaxEnv = 32, kRcBytes = 4096, kKilled = 4, kNotStarted = 127 };

static void print_number(uint64_t v) {
  char buf[24];
  rb_print(rb_utoa(v, buf));
}

static int is_assignment(const char* w) {
  if (*w == '=' || *w == '\0') return 0;
  while (*w != '\0' && *w != '=' && *w != '/') ++w;
  return *w == '=';
}

/* Whether `a` and `b` assign the same variable. */
static int same_key(const char* a, const char* b) {
  while (*a != '=' && *a == *b) ++a, ++b;
  return *a == '=' && *b == '=';
}

/* The path of program `name`: as given if it has a '/', else in /bin. */
static int program_path(const char* name, char* path, size_t size) {
  int slash = 0;
  for (const char* p = name; *p != '\0'; ++p) slash |= *p == '/';
  size_t at = 0;
  if (!slash)
    for (const char* p = "/bin/"; *p != '\0'; ++p) path[at++] = *p;
  for (; *name != '\0'; ++name) {
    if (at + 1 >= size) return 0;
    path[at++] = *name;
  }
  path[at] = '\0';
  return 1;
}

/* Runs words[0..n) as a command and waits for it: its exit code, kKilled or
   kNotStarted, each told on the console unless it is 0 and `quiet`. */
static int run(char** words, int n, int quiet) {
  const char* env[kMaxEnv + 1];
  int envc = 0, first = 0;
  for (; first < n && is_assignment(words[first]) && envc < kMaxEnv; ++first)
    env[envc++] = words[first];
  const int own = envc;
  for (char** e = environ; *e != 0 && envc < kMaxEnv; ++e) {
    int overridden = 0;
    for (int i = 0; i < own; ++i) overridden |= same_key(env[i], *e);
    if (!overridden) env[envc++] = *e;
  }
  env[envc] = 0;
  if (first == n) return 0; /* assignments only: nothing to run */
  words[n] = 0;

  char path[256];
  if (!program_path(words[first], path, sizeof path)) {
    rb_print("init: a program name too long\n");
    return kNotStarted;
  }

  uint64_t pid = 0, status = 0, address = 0;
  rebound_handle child = 0;
  uint64_t error = rb_spawn(path, (const char* const*)&words[first], env, &pid, &child);
  if (error == 0) error = rb_wait(child, &status, &address);
  if (child != 0) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, child);
  if (error != 0) {
    rb_print("init: cannot run ");
    rb_print(path);
    rb_print(": error ");
    print_number(error);
    rb_print("\n");
    return kNotStarted;
  }
  if ((status & REBOUND_STATUS_KILLED) != 0) {
    char buf[24];
    rb_print("init: ");
    rb_print(path);
    rb_print(" killed by ");
    rb_print(rb_fault_name(status));
    rb_print(" at 0x");
    rb_print(rb_utox(address, buf));
    rb_print("\n");
    return kKilled;
  }
  const int code = (int)(int32_t)status;
  if (code != 0 || !quiet) {
    rb_print("init: ");
    rb_print(path);
    rb_print(" exited with code ");
    if (code < 0) rb_print("-");
    print_number(code < 0 ? (uint64_t) - (int64_t)code : (uint64_t)code);
    rb_print("\n");
  }
  return code;
}

/* Runs each line of /etc/rc. */
static void run_rc(void) {
  static char rc[kRcBytes + 1];
  struct rb_fs_file f;
  size_t got = 0;
  uint64_t error = rb_fs_open("/etc/rc", &f);
  if (error == 0) error = rb_fs_read(&f, rc, kRcBytes, &got);
  if (error != 0) {
    rb_print("init: cannot read /etc/rc: error ");
    print_number(error);
    rb_print("\n");
    return;
  }
  if (got == kRcBytes) rb_print("init: /etc/rc is longer than 4 KiB: the rest is left out\n");
  rc[got] = '\0';
  for (char* line = rc; *line != '\0';) {
    char* end = line;
    while (*end != '\0' && *end != '\n') ++end;
    char* next = *end == '\0' ? end : end + 1;
    *end = '\0';
    char* words[kMaxWords + 1];
    int n = 0;
    for (char* p = line; *p != '\0' && *p != '#';) {
      while (*p == ' ' || *p == '\t') *p++ = '\0';
      if (*p == '\0' || *p == '#') break;
      if (n == kMaxWords) {
        rb_print("init: a line of /etc/rc with more than 32 words: the rest is left out\n");
        break;
      }
      words[n++] = p;
      while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '#') ++p;
      if (*p == '#') *p = '\0';
    }
    if (n > 0) run(words, n, 1);
    line = next;
  }
}

int main(int argc, char** argv) {
  if (argc > 1) {
    char* words[kMaxWords + 1];
    int n = 0;
    for (int i = 1; i < argc && n < kMaxWords; ++i) words[n++] = argv[i];
    return run(words, n, 0);
  }
  run_rc();
  rb_print("init: /etc/rc done\n");
  for (;;) rb_sleep(3600ull * 1000 * 1000 * 1000);
}
