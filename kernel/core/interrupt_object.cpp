#include "core/interrupt_object.h"

#include "arch/arch.h"

namespace core {
namespace {

// The bound objects (under the big kernel lock; fire() looks lines up here,
// so an object is in it exactly while its line is enabled).
InterruptObject* g_bound[InterruptObject::kMaxBound];

InterruptObject** slot_of(unsigned line) {
  for (InterruptObject*& o : g_bound) {
    if (o != nullptr && o->line() == line) return &o;
  }
  return nullptr;
}

}  // namespace

Result<Ref<InterruptObject>> InterruptObject::create(unsigned line) {
  if (slot_of(line) != nullptr) return fail(Error::already_exists);
  InterruptObject** slot = nullptr;
  for (InterruptObject*& o : g_bound) {
    if (o == nullptr) {
      slot = &o;
      break;
    }
  }
  if (slot == nullptr) return fail(Error::limit_reached);
  TRY(object, make_object<InterruptObject>(line));
  TRY_VOID(arch::device_line_enable(line));
  *slot = object.get();
  object->bound_ = true;
  return object;
}

InterruptObject::~InterruptObject() {
  if (!bound_) return;
  arch::device_line_disable(line_);
  *slot_of(line_) = nullptr;
}

Result<void> InterruptObject::wait() {
  while (!pending_) TRY_VOID(waiters_.wait());
  pending_ = false;
  return {};
}

void InterruptObject::ack() {
  if (!masked_) return;
  masked_ = false;
  arch::device_line_unmask(line_);
}

void InterruptObject::fire(unsigned line) {
  InterruptObject** slot = slot_of(line);
  if (slot == nullptr) return;  // unbound meanwhile: the line stays masked
  InterruptObject& o = **slot;
  ++o.fired_;
  o.pending_ = true;
  o.masked_ = true;
  o.waiters_.wake_one();
}

}  // namespace core
