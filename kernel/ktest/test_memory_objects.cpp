// Memory objects and shared regions from the kernel's side: one object
// mapped into two address spaces is one set of frames; they live as long as
// any mapping or reference does, and not a frame longer.
#include "arch/arch.h"
#include "core/address_space.h"
#include "core/memory_object.h"
#include "core/resources.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/tracker.h"

namespace {

using core::AddressSpace;
using core::MemoryObject;
using core::Ref;
namespace perm = mm::perm;
constexpr size_t kPage = mm::kPageSize;
constexpr uintptr_t kBaseA = 0x400000, kBaseB = 0x7000000;

Ref<AddressSpace> new_space() {
  auto s = AddressSpace::create();
  KEXPECT(s.has_value());
  return s ? *s : Ref<AddressSpace>();
}

Ref<MemoryObject> new_memory(size_t size) {
  auto m = MemoryObject::create(size);
  KEXPECT(m.has_value());
  return m ? *m : Ref<MemoryObject>();
}

uint64_t live_memory_objects() { return core::take_snapshot().objects[REBOUND_OBJECT_MEMORY]; }
// Frames in use other than page tables (unmapping may free a table too).
uint64_t frames_used() {
  const core::ResourceSnapshot s = core::take_snapshot();
  return s.frames_used - s.page_table_frames;
}

}  // namespace

KTEST(shared_region_writes_are_seen_by_every_space) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    Ref<MemoryObject> memory = new_memory(4 * kPage);
    Ref<AddressSpace> a = new_space(), b = new_space();
    KEXPECT(a->map_memory(kBaseA, memory, 0, 4 * kPage, perm::read | perm::write).has_value());
    KEXPECT(b->map_memory(kBaseB, memory, 0, 4 * kPage, perm::read).has_value());
    KEXPECT_EQ(memory->resident_pages(), 0u);  // nothing until touched
    const char text[] = "written in a, across a page boundary";
    KEXPECT(a->copy_out(kBaseA + 2 * kPage - 8, text, sizeof text).has_value());
    char back[sizeof text] = {};
    KEXPECT(b->copy_in(back, kBaseB + 2 * kPage - 8, sizeof back).has_value());
    KEXPECT(ktest::contains(back, "written in a, across a page boundary"));
    KEXPECT_EQ(memory->resident_pages(), 2u);  // one set of frames for both
    KEXPECT_EQ(a->resident_pages(), 0u);       // the object's, not the spaces'
    // A fault in b maps the object's page, zeroed, not a fresh one.
    KEXPECT(b->resolve_fault(kBaseB + 3 * kPage, false, false).has_value());
    KEXPECT(b->resolve_fault(kBaseB, true, false).error() == Error::bad_address);  // read-only
    KEXPECT(a->copy_out(kBaseA + 3 * kPage + 16, "late", 5).has_value());
    KEXPECT(b->copy_in(back, kBaseB + 3 * kPage + 16, 5).has_value());
    KEXPECT(ktest::contains(back, "late"));
    KEXPECT_EQ(memory->resident_pages(), 3u);
    // Read-only in b: no copy out through it.
    KEXPECT(b->copy_out(kBaseB, "x", 1).error() == Error::bad_address);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(shared_region_windows_map_part_of_an_object) {
  Ref<MemoryObject> memory = new_memory(8 * kPage);
  Ref<AddressSpace> a = new_space();
  KEXPECT(a->map_memory(kBaseA, memory, 0, 8 * kPage, perm::read | perm::write).has_value());
  auto window = a->map_memory(0, memory, 5 * kPage, 2 * kPage, perm::read);
  KEXPECT(window.has_value() && *window >= AddressSpace::kUserBase);
  KEXPECT(a->copy_out(kBaseA + 6 * kPage, "page six", 9).has_value());
  char back[9] = {};
  KEXPECT(a->copy_in(back, *window + kPage, sizeof back).has_value());
  KEXPECT(ktest::contains(back, "page six"));
  // Bad windows: unaligned, empty, past the end, wrapping, W+X, overlapping.
  KEXPECT(a->map_memory(0, memory, 100, kPage, perm::read).error() == Error::invalid_argument);
  KEXPECT(a->map_memory(0, memory, 0, 0, perm::read).error() == Error::invalid_argument);
  KEXPECT(a->map_memory(0, memory, 0, kPage + 1, perm::read).error() == Error::invalid_argument);
  KEXPECT(a->map_memory(0, memory, 7 * kPage, 2 * kPage, perm::read).error() ==
          Error::out_of_range);
  KEXPECT(a->map_memory(0, memory, 9 * kPage, kPage, perm::read).error() == Error::out_of_range);
  KEXPECT(a->map_memory(0, memory, ~size_t{0} & ~(kPage - 1), 2 * kPage, perm::read).error() ==
          Error::out_of_range);
  KEXPECT(a->map_memory(0, memory, 0, kPage, perm::read | perm::write | perm::execute).error() ==
          Error::invalid_argument);
  KEXPECT(a->map_memory(kBaseA + kPage, memory, 0, kPage, perm::read).error() ==
          Error::already_exists);
  KEXPECT(a->map_memory(0x8000, memory, 0, kPage, perm::read).error() == Error::out_of_range);
  KEXPECT(a->map_memory(0, Ref<MemoryObject>(), 0, kPage, perm::read).error() ==
          Error::invalid_argument);
}

KTEST(memory_objects_refuse_bad_sizes) {
  KEXPECT(MemoryObject::create(0).error() == Error::invalid_argument);
  KEXPECT(MemoryObject::create(kPage + 1).error() == Error::invalid_argument);
  KEXPECT(MemoryObject::create(MemoryObject::kMaxSize + kPage).error() == Error::invalid_argument);
  KEXPECT(MemoryObject::create(~size_t{0} & ~(kPage - 1)).error() == Error::invalid_argument);
  Ref<MemoryObject> largest = new_memory(MemoryObject::kMaxSize);
  KEXPECT(largest && largest->size() == MemoryObject::kMaxSize);
  KEXPECT(largest->frame(MemoryObject::kMaxSize / kPage).error() == Error::out_of_range);
}

KTEST(shared_frames_live_until_the_last_mapping_and_reference_go) {
  const uint64_t objects = live_memory_objects();
  Ref<AddressSpace> a = new_space(), b = new_space();
  Ref<MemoryObject> memory = new_memory(2 * kPage);
  KEXPECT(a->map_memory(kBaseA, memory, 0, 2 * kPage, perm::read | perm::write).has_value());
  KEXPECT(b->map_memory(kBaseB, memory, 0, 2 * kPage, perm::read | perm::write).has_value());
  KEXPECT(a->copy_out(kBaseA, "first", 6).has_value());
  KEXPECT(a->copy_out(kBaseA + kPage, "second", 7).has_value());
  KEXPECT(b->copy_out(kBaseB, "x", 1).has_value());  // b's tables now exist too
  const uint64_t with_frames = frames_used();

  memory.reset();  // the "handle" goes: both mappings keep the object
  KEXPECT_EQ(live_memory_objects(), objects + 1);
  a = Ref<AddressSpace>();  // one space goes: its tables, not the frames
  KEXPECT_EQ(live_memory_objects(), objects + 1);
  char back[7] = {};
  KEXPECT(b->copy_in(back, kBaseB + kPage, 7).has_value());
  KEXPECT(ktest::contains(back, "second"));
  const uint64_t with_b = frames_used();
  KEXPECT_EQ(with_b, with_frames);  // a's tables went, not the object's frames

  // The last mapping goes: exactly the object's frames come back (its two
  // pages and their page list).
  KEXPECT(b->unmap(kBaseB, 2 * kPage).has_value());
  KEXPECT_EQ(live_memory_objects(), objects);
  KEXPECT_EQ(frames_used(), with_b - 3);
}

KTEST(thousand_shared_regions_leave_no_trace) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  for (int i = 0; i < 1000; ++i) {
    Ref<MemoryObject> memory = new_memory(4 * kPage);
    Ref<AddressSpace> a = new_space(), b = new_space();
    (void)a->map_memory(kBaseA, memory, 0, 4 * kPage, perm::read | perm::write);
    auto window = b->map_memory(0, memory, kPage, 2 * kPage, perm::read);
    (void)a->copy_out(kBaseA + kPage + 8, "data", 5);
    char back[5];
    if (window) (void)b->copy_in(back, *window + 8, sizeof back);
    if (i % 2 == 0) (void)a->unmap(kBaseA, 4 * kPage);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

// DMA memory (DMA_MEMORY_CREATE): one run of contiguous frames, aligned to
// its size, zeroed, mapped like any object -- a device and the space that
// maps it see the same bytes -- and freed whole with the last reference.
KTEST(contiguous_memory_is_one_aligned_zeroed_run_mapped_like_any_object) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    const uint64_t frames = frames_used();
    auto made = MemoryObject::create_contiguous(16 * kPage);
    KEXPECT(made.has_value());
    if (!made) return;
    Ref<MemoryObject> memory = *made;
    KEXPECT_EQ(frames_used(), frames + 16);  // all at once, no page lists
    KEXPECT_EQ(memory->resident_pages(), 16u);
    const mm::PhysAddr base = memory->contiguous_base();
    KEXPECT(base != 0 && base % (16 * kPage) == 0);
    bool zero = true;
    for (size_t page = 0; page < 16; ++page) {
      KEXPECT_EQ(*memory->frame(page), base + page * kPage);
      const auto* bytes = reinterpret_cast<const uint8_t*>(arch::phys_to_virt(base + page * kPage));
      for (size_t i = 0; i < kPage; ++i) zero = zero && bytes[i] == 0;
    }
    KEXPECT(zero);
    KEXPECT(memory->frame(16).error() == Error::out_of_range);
    Ref<AddressSpace> a = new_space();
    KEXPECT(a->map_memory(kBaseA, memory, 0, 16 * kPage, perm::read | perm::write).has_value());
    KEXPECT(a->copy_out(kBaseA + 5 * kPage + 8, "seen by the device", 19).has_value());
    KEXPECT(ktest::contains(reinterpret_cast<const char*>(arch::phys_to_virt(base + 5 * kPage + 8)),
                            "seen by the device"));
    KEXPECT(a->unmap(kBaseA, 16 * kPage).has_value());
    KEXPECT_EQ(memory->contiguous_base(), base);           // the reference keeps it
    KEXPECT_EQ(new_memory(kPage)->contiguous_base(), 0u);  // an ordinary object
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(contiguous_memory_refuses_sizes_that_are_not_a_power_of_two_up_to_4_mib) {
  for (size_t size : {size_t{0}, kPage / 2, kPage + 1, 3 * kPage, 12 * kPage,
                      MemoryObject::kMaxContiguousSize * 2, ~size_t{0} & ~(kPage - 1)})
    KEXPECT(MemoryObject::create_contiguous(size).error() == Error::invalid_argument);
  static_assert(MemoryObject::kMaxContiguousSize == size_t{4} << 20);
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    auto largest = MemoryObject::create_contiguous(MemoryObject::kMaxContiguousSize);
    KEXPECT(largest.has_value() && (*largest)->size() == MemoryObject::kMaxContiguousSize);
    auto smallest = MemoryObject::create_contiguous(kPage);
    KEXPECT(smallest.has_value() && (*smallest)->size() == kPage);
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
