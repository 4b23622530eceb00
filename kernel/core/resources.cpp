#include "core/resources.h"

#include "core/activity.h"
#include "lib/log.h"
#include "lib/object_count.h"
#include "mm/frame_allocator.h"
#include "mm/heaps.h"
#include "mm/kernel_memory.h"
#include "recovery/runtime_stats.h"

namespace core {

ResourceSnapshot take_snapshot() {
  ResourceSnapshot s{};
  s.version = REBOUND_SNAPSHOT_VERSION;
  const mm::FrameStats f = mm::frames().stats();
  s.frames_total = f.total_frames;
  s.frames_used = f.used_frames;
  s.page_table_frames = mm::page_table_frames();
  s.exception_objects = recovery::runtime_stats().exception_objects_in_use;
  s.syscalls = activity::syscalls();
  s.space_switches = activity::space_switches;
  for (unsigned t = 0; t < REBOUND_OBJECT_TYPES; ++t)
    s.objects[t] = static_cast<uint64_t>(lib::live_objects(t));
  if (mm::heaps::ready()) {
    mm::heaps::for_each([&](const mm::Heap& h) {
      if (s.heap_count == REBOUND_SNAPSHOT_MAX_HEAPS) return;
      rebound_heap_usage& u = s.heaps[s.heap_count++];
      const mm::HeapStats hs = h.stats();
      for (unsigned i = 0; i + 1 < sizeof u.name && h.name()[i] != '\0'; ++i)
        u.name[i] = h.name()[i];
      u.limit = hs.limit;
      u.mapped = hs.mapped;
      u.bytes_in_use = hs.bytes_in_use;
      u.blocks_in_use = hs.blocks_in_use;
      u.failed_allocations = hs.failed_allocations;
      u.poisoned = hs.poisoned ? 1 : 0;
    });
  }
  return s;
}

namespace {
bool same_heap(const rebound_heap_usage& a, const rebound_heap_usage& b) {
  return a.mapped == b.mapped && a.bytes_in_use == b.bytes_in_use &&
         a.blocks_in_use == b.blocks_in_use && a.poisoned == b.poisoned;
}
}  // namespace

bool same_resources(const ResourceSnapshot& a, const ResourceSnapshot& b) {
  if (a.frames_used != b.frames_used || a.page_table_frames != b.page_table_frames ||
      a.exception_objects != b.exception_objects || a.heap_count != b.heap_count)
    return false;
  for (unsigned t = 0; t < REBOUND_OBJECT_TYPES; ++t) {
    if (a.objects[t] != b.objects[t]) return false;
  }
  for (unsigned i = 0; i < a.heap_count; ++i) {
    if (!same_heap(a.heaps[i], b.heaps[i])) return false;
  }
  return true;
}

void print_differences(const ResourceSnapshot& x, const ResourceSnapshot& y) {
  auto diff = [](const char* what, uint64_t a, uint64_t b) {
    if (a != b)
      klog::print("    %s: %lu -> %lu\n", what, static_cast<unsigned long>(a),
                  static_cast<unsigned long>(b));
  };
  diff("frames used", x.frames_used, y.frames_used);
  diff("page-table frames", x.page_table_frames, y.page_table_frames);
  diff("exception objects", x.exception_objects, y.exception_objects);
  diff("heaps", x.heap_count, y.heap_count);
  static constexpr const char* kTypes[REBOUND_OBJECT_TYPES] = {
      "page tables",    "kernel stacks", "heaps",          "threads",
      "address spaces", "processes",     "memory objects", "endpoints"};
  for (unsigned t = 0; t < REBOUND_OBJECT_TYPES; ++t) diff(kTypes[t], x.objects[t], y.objects[t]);
  for (unsigned i = 0; i < x.heap_count && i < y.heap_count; ++i) {
    if (same_heap(x.heaps[i], y.heaps[i])) continue;
    klog::print("    heap %s:\n", x.heaps[i].name);
    diff("  mapped", x.heaps[i].mapped, y.heaps[i].mapped);
    diff("  bytes in use", x.heaps[i].bytes_in_use, y.heaps[i].bytes_in_use);
    diff("  blocks in use", x.heaps[i].blocks_in_use, y.heaps[i].blocks_in_use);
    diff("  poisoned", x.heaps[i].poisoned, y.heaps[i].poisoned);
  }
}

void print_snapshot(const ResourceSnapshot& s) {
  klog::print("resources: frames %lu/%lu used, page-table frames %lu, exception objects %lu\n",
              static_cast<unsigned long>(s.frames_used), static_cast<unsigned long>(s.frames_total),
              static_cast<unsigned long>(s.page_table_frames),
              static_cast<unsigned long>(s.exception_objects));
  for (unsigned i = 0; i < s.heap_count; ++i) {
    const rebound_heap_usage& h = s.heaps[i];
    klog::print("  heap %-12s %8lu KiB mapped of %8lu, %lu bytes in %lu blocks%s\n", h.name,
                static_cast<unsigned long>(h.mapped >> 10),
                static_cast<unsigned long>(h.limit >> 10),
                static_cast<unsigned long>(h.bytes_in_use),
                static_cast<unsigned long>(h.blocks_in_use), h.poisoned ? " POISONED" : "");
  }
}

}  // namespace core
