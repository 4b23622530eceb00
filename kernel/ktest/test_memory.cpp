// Frames, kernel page tables, isolated heaps and leak accounting, in the
// running kernel (the issue "Memory" acceptance tests).
#include <optional>

#include "arch/arch.h"
#include "core/cpu_local.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/tracker.h"
#include "mm/box.h"
#include "mm/frame_allocator.h"
#include "mm/heaps.h"
#include "mm/kernel_memory.h"
#include "mm/virtual_layout.h"
#include "recovery/catch_unwind.h"

namespace {

using mm::kPageSize;
using mm::PhysAddr;
using recovery::FaultKind;

template <class T>
T* opaque(T* p) {
  asm volatile("" : "+r"(p));
  return p;
}

// Runs `f` once so that heaps grow to what it needs (heaps keep one free
// chunk mapped), then takes the "before" snapshot.
template <class F>
ktest::Snapshot warmed_up(F f) {
  (void)recovery::catch_unwind(f);
  return ktest::Snapshot::take();
}

}  // namespace

KTEST(frames_exhausted_then_all_freed_restores_every_counter) {
  mm::FrameAllocator& fa = mm::frames();
  const mm::FrameStats before = fa.stats();
  uint64_t runs_before[mm::FrameAllocator::kMaxOrder + 1];
  for (unsigned o = 0; o <= mm::FrameAllocator::kMaxOrder; ++o) runs_before[o] = fa.free_runs(o);
  // Chain the frames through their own memory: no storage needed.
  PhysAddr head = 0;
  uint64_t count = 0;
  Error error{};
  for (;;) {
    auto r = fa.allocate(0);
    if (!r) {
      error = r.error();
      break;
    }
    *reinterpret_cast<PhysAddr*>(arch::phys_to_virt(*r)) = head;
    head = *r;
    ++count;
  }
  KEXPECT(error == Error::no_memory);
  KEXPECT_EQ(count, before.free_frames);
  KEXPECT_EQ(fa.stats().free_frames, 0u);
  KEXPECT(!mm::allocate_frames(3).has_value());
  while (head != 0) {
    const PhysAddr next = *reinterpret_cast<PhysAddr*>(arch::phys_to_virt(head));
    fa.free(head, 0);
    head = next;
  }
  KEXPECT_EQ(fa.stats().free_frames, before.free_frames);
  KEXPECT_EQ(fa.stats().used_frames, before.used_frames);
  for (unsigned o = 0; o <= mm::FrameAllocator::kMaxOrder; ++o)
    KEXPECT_EQ(fa.free_runs(o), runs_before[o]);
}

KTEST(bad_frame_free_is_a_fault_inside_catch_unwind) {
  auto run = mm::allocate_frames(1);
  KEXPECT(run.has_value());
  const PhysAddr p = run->phys();
  auto r = recovery::catch_unwind([&] { mm::frames().free(p + kPageSize, 0); });
  KEXPECT(!r.has_value() && r.error().kind == FaultKind::panic);
  auto d = recovery::catch_unwind([&] { mm::frames().free(p, 0); });  // wrong order
  KEXPECT(!d.has_value());
}

KTEST(kernel_map_protect_unmap_round_trip_by_table_and_by_access) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    auto frame = mm::allocate_frames(0);
    KEXPECT(frame.has_value());
    mm::PageTable& pt = mm::kernel_page_table();
    const uintptr_t va = mm::kTestMappingsBase + 0x123000;
    auto* through_va = reinterpret_cast<volatile uint64_t*>(va);
    auto* through_direct_map =
        reinterpret_cast<volatile uint64_t*>(arch::phys_to_virt(frame->phys()));

    KEXPECT(pt.map(va, frame->phys(), kPageSize, mm::perm::read | mm::perm::write).has_value());
    auto m = pt.query(va + 8);
    KEXPECT(m.has_value() && m->phys == frame->phys() + 8 && m->page_size == kPageSize);
    KEXPECT(m.has_value() && m->perms == (mm::perm::read | mm::perm::write));
    through_va[0] = 0;  // frames come uninitialised
    through_va[1] = 0x5eb0071ee7;
    KEXPECT_EQ(through_direct_map[1], 0x5eb0071ee7u);  // same frame
    KEXPECT(pt.map(va, frame->phys(), kPageSize, mm::perm::read).error() == Error::already_exists);

    KEXPECT(pt.protect(va, kPageSize, mm::perm::read).has_value());
    KEXPECT(pt.query(va)->perms == mm::perm::read);
    KEXPECT_EQ(through_va[1], 0x5eb0071ee7u);  // still readable
    auto w = recovery::catch_unwind([&] { *opaque(through_va) = 1; });
    KEXPECT(!w.has_value() && w.error().kind == FaultKind::page_fault);
    if (!w.has_value()) KEXPECT_EQ(w.error().address, va);
    KEXPECT_EQ(through_direct_map[0], 0u);  // the write through va did not happen

    KEXPECT(pt.unmap(va, kPageSize).has_value());
    KEXPECT(!pt.query(va).has_value());
    auto r = recovery::catch_unwind([&] { return *opaque(through_va); });
    KEXPECT(!r.has_value() && r.error().kind == FaultKind::page_fault);
    KEXPECT(pt.unmap(va, kPageSize).error() == Error::not_found);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(write_execute_mapping_is_refused) {
  auto frame = mm::allocate_frames(0);
  const uintptr_t va = mm::kTestMappingsBase;
  auto r = mm::kernel_page_table().map(va, frame->phys(), kPageSize,
                                       mm::perm::read | mm::perm::write | mm::perm::execute);
  KEXPECT(!r.has_value() && r.error() == Error::invalid_argument);
  KEXPECT(!mm::kernel_page_table().query(va).has_value());
}

KTEST(filling_the_log_heap_leaves_the_objects_heap_working) {
  mm::Heap& log = mm::heaps::log();
  const ktest::Snapshot before = ktest::Snapshot::take();
  void* chain = nullptr;  // blocks linked through themselves
  size_t blocks = 0;
  for (size_t size = 64 << 10; size >= 16;) {
    void* p = log.allocate(size);
    if (p == nullptr) {
      size /= 2;
      continue;
    }
    *static_cast<void**>(p) = chain;
    chain = p;
    ++blocks;
  }
  KEXPECT(log.stats().mapped == log.stats().limit);
  KEXPECT(log.allocate(16) == nullptr);
  // Another module's heap is not affected.
  auto obj = mm::make<ktest::Order>(mm::heaps::objects());
  KEXPECT(obj.has_value());
  if (obj) (*obj)->count = 1;
  void* general = ::operator new(4096);
  KEXPECT(general != nullptr);
  ::operator delete(general);
  obj->reset();
  while (chain != nullptr) {
    void* next = *static_cast<void**>(chain);
    mm::heaps::free(chain);
    chain = next;
  }
  KEXPECT(blocks > 60);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

namespace {
// Each heap other than `except` passes its integrity check and serves a block.
int use_every_heap_but(const mm::Heap* except) {
  int used = 0;
  mm::heaps::for_each([&](mm::Heap& heap) {
    if (&heap == except) return;
    ++used;
    KEXPECT(heap.check_integrity());
    void* p = heap.allocate(100);
    KEXPECT(p != nullptr);
    heap.free(p);
  });
  return used;
}
}  // namespace

KTEST(corrupt_header_in_one_heap_faults_there_and_nowhere_else) {
  const ktest::Snapshot before = warmed_up([] { use_every_heap_but(nullptr); });
  {
    auto scratch = mm::heaps::Scratch::create("scratch", 1 << 20);
    KEXPECT(scratch.has_value());
    mm::Heap& h = scratch->heap();
    auto* victim = static_cast<uint64_t*>(h.allocate(48));
    void* other = h.allocate(48);
    KEXPECT(victim != nullptr && other != nullptr);
    // The test hook: a stray write over the victim's block header.
    victim[-4] ^= 0x10;
    KEXPECT(!h.check_integrity());
    auto r = recovery::catch_unwind([&] { h.free(victim); });
    KEXPECT(!r.has_value() && r.error().kind == FaultKind::panic);
    if (!r.has_value()) KEXPECT(ktest::contains(r.error().message, "corrupted"));
    // Poisoned: the next allocation faults too, and nothing is handed out.
    auto a = recovery::catch_unwind([&] { return h.allocate(16); });
    KEXPECT(!a.has_value());
    KEXPECT(h.stats().poisoned);
    // Every other heap is intact and keeps working.
    KEXPECT_EQ(use_every_heap_but(&h), 5);
  }  // the scratch heap goes, with all it mapped
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(wrong_heap_and_double_free_are_faults) {
  void* p = mm::heaps::log().allocate(32);
  auto wrong = recovery::catch_unwind([&] { mm::heaps::objects().free(p); });
  KEXPECT(!wrong.has_value() && ktest::contains(wrong.error().message, "not this heap's"));
  mm::heaps::free(p);  // routed to its own heap: fine
  auto twice = recovery::catch_unwind([&] { mm::heaps::free(p); });
  KEXPECT(!twice.has_value());
  auto nowhere = recovery::catch_unwind([&] {
    static int not_heap;
    mm::heaps::free(&not_heap);
  });
  KEXPECT(!nowhere.has_value() && ktest::contains(nowhere.error().message, "no heap"));
  KEXPECT(mm::heaps::log().check_integrity() && mm::heaps::objects().check_integrity());
}

KTEST(heaps_refuse_interrupt_context) {
  core::this_cpu().interrupt_depth = 1;  // as an interrupt handler would run
  auto r = recovery::catch_unwind([] { return mm::heaps::objects().allocate(16); });
  core::this_cpu().interrupt_depth = 0;
  KEXPECT(!r.has_value() && r.error().kind == FaultKind::assertion);
}

namespace {
struct Widget {
  ktest::Order* order;
  int id;
  Widget(ktest::Order* o, int i, bool fail) : order(o), id(i) {
    if (fail) throw 5;
  }
  ~Widget() { order->ids[order->count++] = id; }
};
}  // namespace

KTEST(box_frees_on_drop_and_when_the_constructor_throws) {
  const ktest::Snapshot before =
      warmed_up([] { (void)mm::make<Widget>(mm::heaps::objects(), nullptr, 0, true); });
  ktest::Order o;
  {
    auto w = mm::make<Widget>(mm::heaps::objects(), &o, 1, false);
    KEXPECT(w.has_value() && mm::heaps::owner_of(w->get()) == &mm::heaps::objects());
    mm::Box<Widget> moved = std::move(*w);
    KEXPECT_EQ(moved->id, 1);
  }
  KEXPECT(o.equals({1}));
  auto r =
      recovery::catch_unwind([&] { (void)mm::make<Widget>(mm::heaps::objects(), &o, 2, true); });
  KEXPECT(!r.has_value());
  KEXPECT(o.equals({1}));  // never constructed, never destroyed
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

namespace {

// Something that holds every kind of resource, built step by step.
struct Structure {
  mm::FrameRun frames;
  std::optional<mm::PageTable> table;
  mm::Box<ktest::Order> first, second;
};

// Builds a Structure, failing at step `fail_at` (a throw, a kernel null
// read, or running out of a heap's memory via Result).
int build(int fail_at) {
  Structure s;
  s.frames = std::move(*mm::allocate_frames(2));
  if (fail_at == 0) throw 0;
  auto pt = mm::new_page_table(7);
  if (!pt) return -1;
  s.table.emplace(std::move(*pt));
  for (uintptr_t va = 0x400000; va < 0x400000 + 8 * kPageSize; va += kPageSize)
    (void)s.table->map(va, s.frames.phys(), kPageSize, mm::perm::read | mm::perm::user);
  (void)s.table->map(0x7f0000000000, s.frames.phys(), kPageSize, mm::perm::read);
  if (fail_at == 1) throw 1;
  s.first = std::move(*mm::make<ktest::Order>(mm::heaps::objects()));
  if (fail_at == 2) return *opaque(static_cast<volatile int*>(nullptr));  // a kernel fault
  s.second = std::move(*mm::make<ktest::Order>(mm::heaps::page_tables()));
  if (fail_at == 3) throw 3;
  return 0;
}

}  // namespace

KTEST(unwinding_a_half_built_structure_leaks_nothing_1000_times) {
  const ktest::Snapshot before = warmed_up([] { return build(4); });
  int faults[5] = {};
  for (int i = 0; i < 1000; ++i) {
    const int fail_at = i % 5;  // 4: no failure
    auto r = recovery::catch_unwind([&] { return build(fail_at); });
    if (!r.has_value()) ++faults[fail_at];
  }
  KEXPECT_EQ(faults[0], 200);
  KEXPECT_EQ(faults[1], 200);
  KEXPECT_EQ(faults[2], 200);
  KEXPECT_EQ(faults[3], 200);
  KEXPECT_EQ(faults[4], 0);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
