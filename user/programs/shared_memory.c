/* Shared memory through memory objects: one object mapped twice in this
   process and once in a child that was given its handle; writes through any
   mapping are seen through every other; rights limit what a handle can map;
   the object goes when the last mapping and handle go (the kernel test that
   runs this compares the whole resource snapshot around it). Exits with the
   number of failed checks.

   As a child ("child" or "child-read-only" in argv[1]) it maps the handle it
   was given and answers the parent through the shared page; as
   "child-mapped" it also uses a window the parent mapped into its address
   space through a handle to that space. */
#include "rb_check.h"

#define PAGE 4096
#define MAGIC 0x5eb0a4d5eb0a4d00ull
#define ANSWER 0x0a45e2ull
#define ANSWER_MAPPED 0x3a99edull
#define WINDOW 0x60000000ull /* where the parent maps page 1 into a "child-mapped" */

static int same_text(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

static volatile uint64_t* map(rebound_handle h, uint64_t offset, uint64_t size, uint64_t perms,
                              uint64_t* error) {
  struct rb_result r = RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, h, 0, offset, size, perms);
  *error = r.error;
  return r.error == 0 ? (volatile uint64_t*)(uintptr_t)r.value : 0;
}

/* The child's side: the object is 3 pages; the parent wrote MAGIC at its start. */
static int child(int read_only, int parent_maps) {
  uint64_t error;
  check("given a handle", rb_startup_handle != 0);
  volatile uint64_t* rw =
      map(rb_startup_handle, 0, 3 * PAGE, REBOUND_VM_READ | REBOUND_VM_WRITE, &error);
  if (read_only) {
    check("read-only handle: no writable mapping", error == access_denied);
    volatile uint64_t* ro = map(rb_startup_handle, 0, 3 * PAGE, REBOUND_VM_READ, &error);
    check("read-only handle: readable mapping", error == 0);
    return failures != 0 ? failures : (ro != 0 && ro[0] == MAGIC ? 0 : 100);
  }
  check("child maps the object", error == 0);
  if (rw == 0) return 100;
  check("child sees the parent's write", rw[0] == MAGIC);
  if (parent_maps) {
    /* The parent raises word 2 once it has mapped page 1 at WINDOW here. */
    for (int i = 0; i < 5000 && rw[2] == 0; ++i) rb_sleep(1000000);
    check("the parent mapped the window in time", rw[2] == 1);
    if (rw[2] != 1) return failures;
    volatile uint64_t* window = (volatile uint64_t*)(uintptr_t)WINDOW;
    check("the window is page 1", window[5] == 77);
    window[6] = ANSWER_MAPPED;
    return failures;
  }
  rw[PAGE / 8 * 2 + 1] = ANSWER; /* page 2, second word */
  return failures;
}

static uint64_t live_memory_objects(void) {
  static struct rebound_resource_snapshot s;
  RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &s);
  return s.objects[REBOUND_OBJECT_MEMORY];
}

static uint64_t spawn_child(const char* mode, rebound_handle give) {
  char argv[48] = "shared_memory";
  size_t n = rb_strlen(argv) + 1;
  for (size_t i = 0; mode[i] != '\0'; ++i) argv[n++] = mode[i];
  argv[n++] = '\0';
  struct rb_result c = RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "shared_memory", 13, argv, n, give);
  check("spawn with a handle", c.error == 0);
  return c.error == 0 ? c.value : 0;
}

/* Waits for the child, closes its handle, returns its status word. */
static uint64_t reap(uint64_t process) {
  struct rb_result st = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, process);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, process);
  return st.error == 0 ? st.value : ~0ull;
}

static uint64_t run_child(const char* mode, rebound_handle give) {
  const uint64_t process = spawn_child(mode, give);
  return process != 0 ? reap(process) : ~0ull;
}

int main(int argc, char** argv) {
  if (argc > 1)
    return child(same_text(argv[1], "child-read-only"), same_text(argv[1], "child-mapped"));

  const uint64_t objects_before = live_memory_objects();
  uint64_t error;

  struct rb_result created = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 3 * PAGE);
  check("create", created.error == 0);
  const rebound_handle h = (rebound_handle)created.value;
  check("one more memory object", live_memory_objects() == objects_before + 1);

  volatile uint64_t* a = map(h, 0, 3 * PAGE, REBOUND_VM_READ | REBOUND_VM_WRITE, &error);
  check("map read-write", error == 0);
  volatile uint64_t* b = map(h, 0, 3 * PAGE, REBOUND_VM_READ, &error);
  check("map again, read-only", error == 0 && b != a);
  volatile uint64_t* c = map(h, PAGE, PAGE, REBOUND_VM_READ | REBOUND_VM_WRITE, &error);
  check("map one page from an offset", error == 0);
  if (a == 0 || b == 0 || c == 0) return 100;

  check("fresh pages are zero", b[0] == 0 && b[PAGE / 8 * 3 - 1] == 0);
  a[0] = MAGIC;
  check("a write is seen through the other mapping", b[0] == MAGIC);
  c[5] = 77;
  check("the offset window is the object's second page",
        a[PAGE / 8 + 5] == 77 && b[PAGE / 8 + 5] == 77);

  /* Shared regions are user memory for system calls too. */
  check("snapshot into a read-only window is refused",
        RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, b + PAGE / 8 * 2).error == bad_address);
  check("snapshot into a writable window",
        RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, a + PAGE / 8 * 2).error == 0 &&
            *(volatile uint32_t*)(b + PAGE / 8 * 2) == REBOUND_SNAPSHOT_VERSION);
  volatile char* text = (volatile char*)(a + PAGE / 8 + 64);
  const char line[] = "shared window\n";
  for (size_t i = 0; i < sizeof line; ++i) text[i] = line[i];
  check("debug write from a read-only window",
        RB_SYS2(REBOUND_SYS_DEBUG_WRITE, (const char*)(b + PAGE / 8 + 64), sizeof line - 1).error ==
            0);

  /* Rights: a handle that may only read maps only readable windows; one
     without MAP maps nothing. */
  struct rb_result ro = RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, h,
                                REBOUND_RIGHT_MAP | REBOUND_RIGHT_READ | REBOUND_RIGHT_DUPLICATE);
  check("duplicate read-only", ro.error == 0);
  map((rebound_handle)ro.value, 0, PAGE, REBOUND_VM_READ | REBOUND_VM_WRITE, &error);
  check("read-only handle: writable map refused", error == access_denied);
  map((rebound_handle)ro.value, 0, PAGE, REBOUND_VM_READ | REBOUND_VM_EXECUTE, &error);
  check("read-only handle: executable map refused", error == access_denied);
  struct rb_result nomap =
      RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, h, REBOUND_RIGHT_READ | REBOUND_RIGHT_WRITE);
  map((rebound_handle)nomap.value, 0, PAGE, REBOUND_VM_READ, &error);
  check("handle without MAP: refused", nomap.error == 0 && error == access_denied);
  check("a handle without DUPLICATE cannot be given",
        RB_SYS5(REBOUND_SYS_PROCESS_SPAWN, "hello", 5, "hello", 6, nomap.value).error ==
            access_denied);

  /* Another process: given the full handle it writes an answer we see;
     given the read-only one it can only map for reading. */
  check("child with the handle exits 0", run_child("child", h) == 0);
  check("the child's write is seen here", b[PAGE / 8 * 2 + 1] == ANSWER);
  check("child with the read-only handle exits 0", run_child("child-read-only", ro.value) == 0);

  /* Mapping into another process: through a handle to its address space. */
  const uint64_t mapped = spawn_child("child-mapped", h);
  struct rb_result space = RB_SYS1(REBOUND_SYS_PROCESS_SPACE, mapped);
  check("the child's address space", space.error == 0);
  struct rb_result w = RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, h, WINDOW, PAGE, PAGE,
                               REBOUND_VM_READ | REBOUND_VM_WRITE, space.value);
  check("map a window into the child", w.error == 0 && w.value == WINDOW);
  check("an anonymous region in the child",
        RB_SYS4(REBOUND_SYS_VM_MAP, WINDOW + 16 * PAGE, PAGE, REBOUND_VM_READ, space.value).error ==
            0);
  a[2] = 1; /* tell the child */
  check("child using the window exits 0", RB_SYS1(REBOUND_SYS_PROCESS_WAIT, mapped).value == 0);
  check("the child's write through the window is seen here", a[PAGE / 8 + 6] == ANSWER_MAPPED);
  check("an ended process has no space",
        RB_SYS1(REBOUND_SYS_PROCESS_SPACE, mapped).error == not_found);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, mapped);
  /* The handle keeps the space (not the process) alive: its regions can
     still be removed, and with the handle it goes. */
  check("unmap the window in the ended child",
        RB_SYS3(REBOUND_SYS_VM_UNMAP, WINDOW, PAGE, space.value).error == 0);
  check("close the space", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, space.value).error == 0);

  /* Handles closed, mappings kept: the object lives on. */
  check("close", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, h).error == 0);
  check("close read-only", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, ro.value).error == 0);
  check("close no-map", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, nomap.value).error == 0);
  map(h, 0, PAGE, REBOUND_VM_READ, &error);
  check("a closed handle is stale", error == stale_handle);
  check("still there after the handles went", live_memory_objects() == objects_before + 1);
  a[1] = 42;
  check("the mappings still share", b[1] == 42);

  /* The last mapping takes the object and its frames with it. */
  check("unmap a", RB_SYS2(REBOUND_SYS_VM_UNMAP, a, 3 * PAGE).error == 0);
  check("unmap c", RB_SYS2(REBOUND_SYS_VM_UNMAP, c, PAGE).error == 0);
  check("still there with one mapping", live_memory_objects() == objects_before + 1 && b[1] == 42);
  check("unmap b", RB_SYS2(REBOUND_SYS_VM_UNMAP, b, 3 * PAGE).error == 0);
  check("the object is gone", live_memory_objects() == objects_before);

  rb_print(failures == 0 ? "shared memory: all passed\n" : "shared memory: FAILED\n");
  return failures;
}
