#include "core/tas_buffer_area.h"

#include <utility>

#include "core/tas_boot.h"
#include "lib/slot_bitmap.h"

namespace core {
namespace {

constexpr size_t kPage = mm::kPageSize;

// Under the big kernel lock, as every user of it.
struct Area {
  Ref<AddressSpace> space;  // the TAS's, once the first buffer is made
  uintptr_t base = 0;
  lib::SlotBitmap<TasBufferSlot::kSlots> slots;
};
Area g_area;

}  // namespace

Result<TasBufferSlot> TasBufferSlot::map(mm::PhysAddr phys) {
  AddressSpace* tas = tas_space();
  if (tas == nullptr) return TasBufferSlot{};
  if (g_area.space.get() != tas) {
    // The first buffer in use (an old TAS's area stays until its last
    // buffer goes; a TAS started anew is for the supervisor to come).
    if (g_area.slots.used() != 0) return TasBufferSlot{};
    TRY(base, tas->reserve_window(kSlots * kPage));
    g_area.space = Ref<AddressSpace>(tas);
    g_area.base = base;
  }
  const auto slot = g_area.slots.claim();
  if (!slot) return fail(Error::limit_reached);
  TasBufferSlot s;
  s.space_ = g_area.space;
  s.slot_ = *slot;
  const uintptr_t at = g_area.base + *slot * kPage;
  if (auto m = tas->map_in_window(at, phys, kPage, mm::perm::read | mm::perm::write); !m) {
    s.space_.reset();
    g_area.slots.release(*slot);
    return fail(m.error());
  }
  s.address_ = at;
  return s;
}

TasBufferSlot& TasBufferSlot::operator=(TasBufferSlot&& o) noexcept {
  if (this == &o) return *this;
  release();
  space_ = std::move(o.space_);
  address_ = std::exchange(o.address_, 0);
  slot_ = o.slot_;
  return *this;
}

void TasBufferSlot::release() {
  if (address_ == 0) return;
  (void)space_->unmap_in_window(address_, kPage);
  g_area.slots.release(slot_);
  space_.reset();
  address_ = 0;
  // The last one out removes the area: it holds the TAS's space, which
  // must not outlive the TAS for the sake of an empty window.
  if (g_area.slots.used() == 0 && g_area.space) {
    (void)g_area.space->unmap(g_area.base, kSlots * kPage, AddressSpace::Placer::kernel);
    g_area.space.reset();
    g_area.base = 0;
  }
}

}  // namespace core
