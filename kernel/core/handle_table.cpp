#include "core/handle_table.h"

namespace core {
namespace {
constexpr rebound_handle encode(unsigned index, uint16_t generation) {
  return (static_cast<rebound_handle>(generation) << 16) | (index + 1);
}
}  // namespace

Result<const HandleTable::Slot*> HandleTable::find(rebound_handle h) const {
  const unsigned index = (h & 0xffff) - 1;  // 0 wraps to a huge index
  if (index >= kMaxHandles) return fail(Error::bad_handle);
  const Slot& s = slots_[index];
  if (!s.object || s.generation != (h >> 16)) return fail(Error::stale_handle);
  return &s;
}

HandleTable::Slot* HandleTable::free_slot() {
  for (Slot& s : slots_) {
    if (!s.object) return &s;
  }
  return nullptr;
}

Result<rebound_handle> HandleTable::add(lib::Ref<lib::RefCounted> object, uint32_t rights) {
  if (!object) return fail(Error::invalid_argument);
  Slot* s = free_slot();
  if (s == nullptr) return fail(Error::limit_reached);
  s->object = std::move(object);
  s->rights = rights & REBOUND_RIGHTS_ALL;
  ++live_;
  s->object->handles_changed(+1, s->rights);
  return encode(static_cast<unsigned>(s - slots_), s->generation);
}

Result<MovedHandle> HandleTable::take(rebound_handle h) {
  TRY(found, find(h));
  Slot& s = const_cast<Slot&>(*found);
  MovedHandle moved(std::move(s.object), s.rights);  // still counted: no handles_changed
  retire(s);
  --live_;
  return moved;
}

// A failure leaves `moved` with the caller, who drops (closes) it.
Result<rebound_handle> HandleTable::put(MovedHandle&& moved) {
  if (!moved) return fail(Error::invalid_argument);
  Slot* s = free_slot();
  if (s == nullptr) return fail(Error::limit_reached);
  s->object = std::move(moved.object_);
  s->rights = moved.rights_;
  ++live_;
  return encode(static_cast<unsigned>(s - slots_), s->generation);
}

void HandleTable::empty(Slot& s) {
  s.object->handles_changed(-1, s.rights);
  s.object.reset();
  retire(s);
}

void HandleTable::retire(Slot& s) {
  s.rights = 0;
  if (++s.generation == 0) s.generation = 1;  // generation 0 would make handle 0 possible
}

Result<void> HandleTable::close(rebound_handle h) {
  TRY(found, find(h));
  empty(const_cast<Slot&>(*found));
  --live_;
  return {};
}

Result<HandleTable::Gift> HandleTable::give(rebound_handle h) const {
  TRY(found, find(h));
  if ((found->rights & REBOUND_RIGHT_DUPLICATE) == 0) return fail(Error::access_denied);
  return Gift{found->object, found->rights};
}

Result<rebound_handle> HandleTable::duplicate(rebound_handle h, uint32_t rights) {
  TRY(gift, give(h));
  if ((rights & ~gift.rights) != 0) return fail(Error::access_denied);
  return add(std::move(gift.object), rights);
}

void HandleTable::clear() {
  for (Slot& s : slots_) {
    if (s.object) empty(s);
  }
  live_ = 0;
}

}  // namespace core
