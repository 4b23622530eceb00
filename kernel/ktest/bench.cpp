// In-kernel benchmarks (test build, kernel option "bench"). Under QEMU
// -icount shift=0 the guest clock advances 1 ns per guest instruction, so the
// nanoseconds printed here are guest instructions per operation.
#include "ktest/bench.h"

#include "arch/arch.h"
#include "core/boot_images.h"
#include "core/process.h"
#include "core/tas_boot.h"
#include "lib/log.h"
#include "mm/frame_allocator.h"
#include "mm/heaps.h"
#include "mm/kernel_memory.h"
#include "mm/virtual_layout.h"
#include "recovery/catch_unwind.h"

namespace {

constexpr int kIterations = 1000;

struct Guard {
  volatile int* sink;
  ~Guard() { *sink = *sink + 1; }
};

volatile int g_sink = 0;

[[gnu::noinline]] int bench_level3(bool do_throw) {
  Guard g{&g_sink};
  if (do_throw) throw 1;
  return g_sink;
}
[[gnu::noinline]] int bench_level2(bool do_throw) {
  Guard g{&g_sink};
  return bench_level3(do_throw) + 1;
}
[[gnu::noinline]] int bench_level1(bool do_throw) {
  Guard g{&g_sink};
  return bench_level2(do_throw) + 1;
}

template <class F>
uint64_t per_op(F f) {
  f();  // warm up: first-use costs are not what we measure
  const uint64_t start = arch::monotonic_ns();
  for (int i = 0; i < kIterations; ++i) f();
  return (arch::monotonic_ns() - start) / kIterations;
}

void report(const char* name, uint64_t value) {
  klog::print("bench: %s %lu\n", name, static_cast<unsigned long>(value));
}

}  // namespace

namespace ktest {

int run_benchmarks() {
  report("call_3_frames_no_throw", per_op([] {
           try {
             bench_level1(false);
           } catch (int) {
           }
         }));
  report("throw_catch_3_frames", per_op([] {
           try {
             bench_level1(true);
           } catch (int) {
           }
         }));
  report("catch_unwind_no_fault", per_op([] { (void)recovery::catch_unwind([] { return 1; }); }));
  report("catch_unwind_throw",
         per_op([] { (void)recovery::catch_unwind([] { return bench_level1(true); }); }));
  report("catch_unwind_null_read_fault", per_op([] {
           (void)recovery::catch_unwind([] {
             volatile int* p = nullptr;
             asm volatile("" : "+r"(p));
             return *p;
           });
         }));
  {
    // One frame held across the loop keeps its buddy on the order-0 list, so
    // the figure is the common case, not how many halvings and merges the
    // free memory left by boot happens to need (that moved with the kernel's
    // size: 174 to 407 on x86_64).
    auto held = mm::frames().allocate(0);
    report("frame_alloc_free", per_op([] {
             auto p = mm::frames().allocate(0);
             mm::frames().free(*p, 0);
           }));
    if (held) mm::frames().free(*held, 0);
  }
  report("heap_alloc_free_32",
         per_op([] { mm::heaps::objects().free(mm::heaps::objects().allocate(32)); }));
  report("heap_alloc_free_256",
         per_op([] { mm::heaps::objects().free(mm::heaps::objects().allocate(256)); }));
  report("heap_alloc_free_4096",
         per_op([] { mm::heaps::objects().free(mm::heaps::objects().allocate(4096)); }));
  {
    // Map and unmap 1 MiB of frames (256 pages) in the kernel page table.
    auto run = mm::allocate_frames(8);
    const uintptr_t va = mm::kTestMappingsBase;
    mm::PageTable& pt = mm::kernel_page_table();
    uint64_t map_total = 0, unmap_total = 0;
    constexpr int kRounds = 20;
    for (int i = 0; i <= kRounds; ++i) {
      const uint64_t t0 = arch::monotonic_ns();
      (void)pt.map(va, run->phys(), 1 << 20, mm::perm::read | mm::perm::write);
      const uint64_t t1 = arch::monotonic_ns();
      (void)pt.unmap(va, 1 << 20);
      const uint64_t t2 = arch::monotonic_ns();
      if (i > 0) map_total += t1 - t0, unmap_total += t2 - t1;  // round 0 warms up
    }
    report("map_1mib", map_total / kRounds);
    report("unmap_1mib", unmap_total / kRounds);
  }
  // The user-side figures: the "bench" program prints its own lines.
  if (const core::BootImage* image = core::find_boot_image("bench", 5)) {
    auto p = core::Process::spawn("bench", image->data, image->size, "bench", 6, {},
                                  core::name_service());
    if (p) (*p)->wait();
  }
  klog::print("bench: done\n");
  return arch::kExitOk;
}

}  // namespace ktest
