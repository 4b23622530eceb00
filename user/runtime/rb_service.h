/* Reaching the TAS's services (abi/rebound/services.h) from user programs:
   look a name up on the name service, call a service -- and, through a
   struct rb_service, call it again after the TAS's supervisor restarted it. */
#ifndef REBOUND_USER_SERVICE_H
#define REBOUND_USER_SERVICE_H

#include "rebound/services.h"
#include "rebound_sys.h"

/* Packs `name` into words 1-4 of m; 0 if it is empty or too long. */
static inline int rb_pack_name(struct rb_message* m, const char* name) {
  size_t n = rb_strlen(name);
  if (n == 0 || n > REBOUND_NAME_MAX) return 0;
  for (int i = 1; i <= 4; ++i) m->w[i] = 0;
  for (size_t i = 0; i < n; ++i)
    m->w[1 + i / 8] |= (uint64_t)(unsigned char)name[i] << (8 * (i % 8));
  return 1;
}

/* A service call: the IPC error, or else the reply's status (word 0). */
static inline uint64_t rb_service_call(rebound_handle service, struct rb_message* m) {
  uint64_t error = rb_ipc(REBOUND_SYS_IPC_CALL, service, m);
  return error != 0 ? error : m->w[0];
}

/* rb_service_call with a timeout: timed_out if no reply came within `ns`
   nanoseconds (the server's late reply goes nowhere). The thread's own
   timeout (rb_ipc_timeout_set) is back as it was afterwards. */
static inline uint64_t rb_service_call_within(rebound_handle service, struct rb_message* m,
                                              uint64_t ns) {
  uint64_t previous = 0;
  uint64_t error = rb_ipc_timeout_set(ns, &previous);
  if (error != 0) return error;
  error = rb_service_call(service, m);
  rb_ipc_timeout_set(previous, 0);
  return error;
}

/* A CALL handle to the service called `name` in *out; returns the error.
   A lookup the name service's restart cut short is tried once more (the
   endpoint lasts; its new generation answers). */
static inline uint64_t rb_lookup(const char* name, rebound_handle* out) {
  for (int attempt = 0;; ++attempt) {
    struct rb_message m = {{REBOUND_NAMES_LOOKUP, 0, 0, 0, 0, 0}, 0};
    if (!rb_pack_name(&m, name)) return invalid_argument;
    const uint64_t error = rb_service_call(rb_names_handle, &m);
    if (error == 0) *out = m.handle;
    if (error != server_restarted || attempt == 1) return error;
  }
}

/* A service by name: looked up on first use, and again after a restart. */
struct rb_service {
  const char* name;
  rebound_handle handle; /* 0 until looked up */
};

/* Calls the service like rb_service_call. If the server was restarted
   (server_restarted: the handle led to its old generation; the name already
   leads to the new one), looks the name up again, and tries an idempotent
   request without a handle once more there. */
static inline uint64_t rb_service_request(struct rb_service* s, struct rb_message* m,
                                          int idempotent) {
  const struct rb_message request = *m;
  uint64_t error = 0;
  if (s->handle == 0 && (error = rb_lookup(s->name, &s->handle)) != 0) return error;
  error = rb_service_call(s->handle, m);
  if (error != server_restarted) return error;
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, s->handle);
  s->handle = 0;
  if (!idempotent || request.handle != 0 || rb_lookup(s->name, &s->handle) != 0) return error;
  *m = request;
  return rb_service_call(s->handle, m);
}

#endif
