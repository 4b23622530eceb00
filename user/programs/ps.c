/* ps: the processes the process service knows (LIST): pid, state (running,
   exited with its code, or killed and by what) and name. Exits 0, or with
   the service's error. */
#include "rb_process.h"

static void column(const char* text, size_t width) {
  size_t n = rb_strlen(text);
  for (; n < width; ++n) rb_print(" ");
  rb_print(text);
}

int main(void) {
  char* buffer;
  uint64_t error = rb_ipc_buffer((void**)&buffer);
  struct rb_message m = {{REBOUND_PROCESS_LIST, 0, 0, 0, 0, 0}, 0};
  if (error == 0) error = rb_service_request(&rb_process_service, &m, 1);
  if (error != 0) {
    char buf[24];
    rb_print("ps: the process service: error ");
    rb_print(rb_utoa(error, buf));
    rb_print("\n");
    return (int)error;
  }
  rb_print("  PID STATE\n");
  const struct rebound_process_entry* e = (const struct rebound_process_entry*)buffer;
  for (uint64_t i = 0; i < m.w[1]; ++i) {
    char buf[24];
    column(rb_utoa(e[i].pid, buf), 5);
    if (!e[i].ended) {
      rb_print(" running         ");
    } else if ((e[i].status & REBOUND_STATUS_KILLED) != 0) {
      rb_print(" killed: ");
      rb_print(rb_fault_name(e[i].status));
      rb_print(" ");
    } else {
      rb_print(" exited ");
      column(rb_utoa((uint32_t)e[i].status, buf), 3);
      rb_print("      ");
    }
    rb_print(e[i].name);
    rb_print("\n");
  }
  return 0;
}
