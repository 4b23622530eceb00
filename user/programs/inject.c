/* Fault injection inside system calls (test builds): arms a site, makes the
   call, and checks that it failed with kernel_fault, that the kernel's
   resource snapshot is unchanged, and that the same call then succeeds.
   Exits with the number of failed checks. */
#include "rb_check.h"

static int same(const struct rebound_resource_snapshot* a,
                const struct rebound_resource_snapshot* b) {
  if (a->frames_used != b->frames_used || a->page_table_frames != b->page_table_frames ||
      a->exception_objects != b->exception_objects || a->heap_count != b->heap_count)
    return 0;
  for (int t = 0; t < REBOUND_OBJECT_TYPES; ++t)
    if (a->objects[t] != b->objects[t]) return 0;
  for (uint32_t i = 0; i < a->heap_count; ++i)
    if (a->heaps[i].bytes_in_use != b->heaps[i].bytes_in_use ||
        a->heaps[i].blocks_in_use != b->heaps[i].blocks_in_use)
      return 0;
  return 1;
}

static void arm(const char* site, uint64_t kind) {
  RB_SYS4(REBOUND_SYS_DEBUG_INJECT, site, rb_strlen(site), kind, 1);
}

int main(void) {
  static struct rebound_resource_snapshot before, after;
  const uint64_t kinds[] = {REBOUND_INJECT_THROW, REBOUND_INJECT_NULL_READ};
  /* Touch both snapshots first: their pages fill on first touch, which
     would count as frames used between the two. */
  RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &before);
  RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &after);
  for (int k = 0; k < 2; ++k) {
    /* vm_map: the region exists when the fault hits. */
    check("snapshot", RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &before).error == 0);
    arm("vm.map", kinds[k]);
    struct rb_result r = RB_SYS3(REBOUND_SYS_VM_MAP, 0x50000000, 65536, REBOUND_VM_READ);
    check("vm_map returns kernel_fault", r.error == kernel_fault);
    RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &after);
    check("vm_map leaked nothing", same(&before, &after));
    r = RB_SYS3(REBOUND_SYS_VM_MAP, 0x50000000, 65536, REBOUND_VM_READ);
    check("vm_map then succeeds", r.error == 0 && r.value == 0x50000000);
    check("unmap", RB_SYS2(REBOUND_SYS_VM_UNMAP, 0x50000000, 65536).error == 0);

    /* spawn: an address space, segments, a process exist when it hits. */
    RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &before);
    arm("process.spawn", kinds[k]);
    r = RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, "hello", 5, "hello", 6);
    check("spawn returns kernel_fault", r.error == kernel_fault);
    RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &after);
    check("spawn leaked nothing", same(&before, &after));
    r = RB_SYS4(REBOUND_SYS_PROCESS_SPAWN, "hello", 5, "hello", 6);
    check("spawn then succeeds", r.error == 0);
    check("child exits 0", RB_SYS1(REBOUND_SYS_PROCESS_WAIT, r.value).value == 0);
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, r.value);

    /* memory_create: the object exists when it hits, its handle does not. */
    RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &before);
    arm("memory.create", kinds[k]);
    r = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 65536);
    check("memory_create returns kernel_fault", r.error == kernel_fault);
    RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &after);
    check("memory_create leaked nothing", same(&before, &after));
    r = RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 65536);
    check("memory_create then succeeds", r.error == 0);

    /* vm_map_memory: the region (holding the object) exists when it hits. */
    const uint64_t memory = r.value;
    RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &before);
    arm("vm.map_memory", kinds[k]);
    r = RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, memory, 0x50000000, 0, 65536, REBOUND_VM_READ);
    check("vm_map_memory returns kernel_fault", r.error == kernel_fault);
    RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &after);
    check("vm_map_memory leaked nothing", same(&before, &after));
    r = RB_SYS5(REBOUND_SYS_VM_MAP_MEMORY, memory, 0x50000000, 0, 65536, REBOUND_VM_READ);
    check("vm_map_memory then succeeds", r.error == 0 && r.value == 0x50000000);
    check("unmap the window", RB_SYS2(REBOUND_SYS_VM_UNMAP, 0x50000000, 65536).error == 0);
    check("close the object", RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, memory).error == 0);
  }
  rb_print(failures == 0 ? "inject: all passed\n" : "inject: FAILED\n");
  return failures;
}
