/* The system-call fuzzer: argv[1] calls (default 100000) with random numbers
   and random arguments -- small values, handles, user and kernel pointers,
   huge sizes. Calls that would end or stall the fuzzer itself (exit, thread
   exit, sleep) get harmless arguments. The kernel must neither panic nor
   hang; whatever the calls return is fine. Exits 0 when done. */
#include "rebound_sys.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static uint64_t arg(void) {
  static char buffer[256];
  switch (next() % 10) {
    case 0: return 0;
    case 1: return next() % 64;
    case 2: return next();
    case 3: return 0xffff800000000000ull + (next() % 0x100000);  /* kernel */
    case 4: return (uint64_t)(uintptr_t)buffer + next() % 512;     /* ours, maybe past the end */
    case 5: return 0x400000 + (next() % 0x4000);                   /* our code */
    case 6: return (next() % 0x100) | (next() % 4) << 16;         /* handle-like */
    case 7: return 1ull << (next() % 64);                          /* huge sizes */
    case 8: return 0x7fff00000000ull - (next() % 0x20000);        /* our stack */
    default: return next() % 4096;
  }
}

static struct rebound_resource_snapshot scratch;

int main(int argc, char** argv) {
  uint64_t calls = 100000;
  if (argc > 1) {
    calls = 0;
    for (const char* s = argv[1]; *s >= '0' && *s <= '9'; ++s) calls = calls * 10 + (uint64_t)(*s - '0');
  }
  for (uint64_t i = 0; i < calls; ++i) {
    uint64_t n = next() % (REBOUND_SYS_COUNT + 4);
    uint64_t a[6];
    for (int k = 0; k < 6; ++k) a[k] = arg();
    switch (n) {
      case REBOUND_SYS_EXIT:
      case REBOUND_SYS_THREAD_EXIT: n = REBOUND_SYS_NULL; break;
      case REBOUND_SYS_SLEEP: a[0] %= 1000; break;                 /* at most 1 us */
      case REBOUND_SYS_THREAD_CREATE: n = REBOUND_SYS_NULL; break; /* random code would kill us */
      case REBOUND_SYS_PROCESS_CREATE: n = REBOUND_SYS_NULL; break; /* never started: a wait on it would not end */
      case REBOUND_SYS_VM_UNMAP:
      case REBOUND_SYS_VM_PROTECT:  /* never our own code, data or stack */
        a[0] = 0x100000000ull + (a[0] & 0xfffff000ull);
        if (next() % 2 == 0) a[n == REBOUND_SYS_VM_UNMAP ? 2 : 3] = 0; /* our space, often */
        break;
      case REBOUND_SYS_VM_MAP:
        if (next() % 2 == 0) a[3] = 0;
        break;
      case REBOUND_SYS_VM_MAP_MEMORY:
        if (next() % 2 == 0) a[5] = 0;
        break;
      case REBOUND_SYS_DEBUG_SNAPSHOT:  /* may write only where we can afford it */
        if (a[0] < 0x800000000000ull) a[0] = (uint64_t)(uintptr_t)&scratch;
        break;
      case REBOUND_SYS_PROCESS_WAIT:
      case REBOUND_SYS_THREAD_JOIN: break;                         /* never-issued handles fail */
      case REBOUND_SYS_DEBUG_INJECT: n = REBOUND_SYS_NULL; break;  /* not a fuzz target */
      case REBOUND_SYS_FAULT_HANDLER_SET: break; /* unset again below */
      case REBOUND_SYS_IPC_CALL:
      case REBOUND_SYS_IPC_CALL_GRANT:
      case REBOUND_SYS_IPC_RECEIVE:
      case REBOUND_SYS_IPC_REPLY_RECEIVE: /* a live endpoint nobody serves would block us */
        a[0] = (a[0] & 0x1ff) | 0x7ff00000ull; /* a bad or stale handle */
        break;
      case REBOUND_SYS_DEBUG_WRITE:  /* bad pointers, or nothing: keep the console readable */
        if (next() % 2 == 0) a[0] = 0xffff800000000000ull + (a[0] & 0xffffff);
        else a[1] = 0;
        break;
      default: break;
    }
    rb_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
    /* A fault of the fuzzer's is a kernel bug: it must kill, not jump to a random handler. */
    if (n == REBOUND_SYS_FAULT_HANDLER_SET) RB_SYS1(REBOUND_SYS_FAULT_HANDLER_SET, 0);
  }
  rb_print("fuzzer: done\n");
  return 0;
}
