/* The console service ("console", abi/rebound/services.h) for user
   programs: write text, read a line typed at the serial port. */
#ifndef REBOUND_USER_CONSOLE_H
#define REBOUND_USER_CONSOLE_H

#include "rb_service.h"

/* A CALL handle to the console in *out; returns the error. */
static inline uint64_t rb_console_open(rebound_handle* out) { return rb_lookup("console", out); }

/* Writes n bytes ('\n' goes out as "\r\n"); returns the error. */
static inline uint64_t rb_console_write(rebound_handle console, const char* s, size_t n) {
  while (n > 0) {
    const size_t k = n < REBOUND_CONSOLE_CHUNK ? n : REBOUND_CONSOLE_CHUNK;
    struct rb_message m = {{REBOUND_CONSOLE_WRITE, k, 0, 0, 0, 0}, 0};
    for (size_t i = 0; i < k; ++i) m.w[2 + i / 8] |= (uint64_t)(unsigned char)s[i] << (8 * (i % 8));
    const uint64_t error = rb_service_call(console, &m);
    if (error != 0) return error;
    s += k, n -= k;
  }
  return 0;
}

static inline uint64_t rb_console_print(rebound_handle console, const char* s) {
  return rb_console_write(console, s, rb_strlen(s));
}

/* One READ: up to max (1..REBOUND_CONSOLE_CHUNK) bytes of the next line
   into buf, *got of them; waits until a line has been typed. */
static inline uint64_t rb_console_read(rebound_handle console, char* buf, size_t max, size_t* got) {
  struct rb_message m = {{REBOUND_CONSOLE_READ, max, 0, 0, 0, 0}, 0};
  const uint64_t error = rb_service_call(console, &m);
  if (error != 0) return error;
  *got = m.w[1] <= max ? (size_t)m.w[1] : max;
  for (size_t i = 0; i < *got; ++i) buf[i] = (char)(m.w[2 + i / 8] >> (8 * (i % 8)));
  return 0;
}

/* Reads the next line typed, without its '\n', NUL-terminated, into buf
   (size bytes; what does not fit is read and dropped); *length is its
   length as stored. Waits for the line. */
static inline uint64_t rb_console_read_line(rebound_handle console, char* buf, size_t size,
                                            size_t* length) {
  size_t n = 0;
  for (;;) {
    char piece[REBOUND_CONSOLE_CHUNK];
    size_t got = 0;
    const uint64_t error = rb_console_read(console, piece, REBOUND_CONSOLE_CHUNK, &got);
    if (error != 0) return error;
    for (size_t i = 0; i < got; ++i) {
      if (piece[i] == '\n') {
        if (size > 0) buf[n] = '\0';
        *length = n;
        return 0;
      }
      if (n + 1 < size) buf[n++] = piece[i];
    }
  }
}

#endif
