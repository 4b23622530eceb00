/* Processes: this one's environment, and others started through the process
   service ("process", abi/rebound/services.h) by path, with arguments and an
   environment, then waited for. */
#ifndef REBOUND_USER_PROCESS_H
#define REBOUND_USER_PROCESS_H
#include "rb_bulk.h"
#include "rb_service.h"

/* The value of the environment variable `name`, or 0 if it has none. */
static inline const char* rb_getenv(const char* name) {
  for (char** e = environ; e != 0 && *e != 0; ++e) {
    const char* p = *e;
    const char* n = name;
    while (*n != '\0' && *p == *n) ++p, ++n;
    if (*n == '\0' && *p == '=') return p + 1;
  }
  return 0;
}

static struct rb_service rb_process_service = {"process", 0};

/* Appends the strings of the null-ended `list` to the message buffer at *n:
   how many, or -1 if they do not fit. */
static inline int rb_process__put(char* buffer, size_t* n, const char* const* list) {
  int count = 0;
  for (; list != 0 && *list != 0; ++list, ++count) {
    const size_t length = rb_strlen(*list) + 1;
    if (*n + length > REBOUND_IPC_BUFFER_SIZE) return -1;
    for (size_t i = 0; i < length; ++i) buffer[*n + i] = (*list)[i];
    *n += length;
  }
  return count;
}

/* Starts the program at `path` with `argv` (argv[0] first) and `envp` (each
   null-ended; envp may be 0: none). The error (not_found, bad_image,
   is_a_directory, invalid_argument, limit_reached, ...); *pid and *handle
   (WAIT, KILL, DUPLICATE) of the new process. */
static inline uint64_t rb_spawn(const char* path, const char* const* argv, const char* const* envp,
                                uint64_t* pid, rebound_handle* handle) {
  char* buffer;
  uint64_t error = rb_ipc_buffer((void**)&buffer);
  if (error != 0) return error;
  const char* const path_list[] = {path, 0};
  size_t n = 0;
  int envc = -1;
  if (rb_process__put(buffer, &n, path_list) < 0 || rb_process__put(buffer, &n, argv) < 0 ||
      (envc = rb_process__put(buffer, &n, envp)) < 0)
    return invalid_argument;
  struct rb_message m = {{REBOUND_PROCESS_SPAWN, n, (uint64_t)envc, 0, 0, 0}, 0};
  error = rb_service_request(&rb_process_service, &m, 0);
  *pid = m.w[1];
  *handle = m.handle;
  return error;
}

/* Waits for the process of `handle` to end: its status word (exit code, or
   REBOUND_STATUS_KILLED with the fault) and the fault's address. */
static inline uint64_t rb_wait(rebound_handle handle, uint64_t* status, uint64_t* address) {
  const struct rb_result r = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, handle);
  if (status != 0) *status = r.value;
  if (address != 0) *address = r.value2;
  return r.error;
}

/* The name of a fault kind of a status word (enum rebound_fault). */
static inline const char* rb_fault_name(uint64_t status) {
  static const char* const names[] = {
      "C++ exception", "page fault", "instruction fault", "undefined instruction",
      "divide error",  "alignment",  "protection",        "stack overflow",
      "assertion",     "panic",      "CFI violation",     "unknown trap",
      "kill"};
  const uint64_t kind = (status >> REBOUND_STATUS_FAULT_SHIFT) & 0xff;
  return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown fault";
}

#endif
