// A process's handles: the only way it can name a kernel object. A handle is
// a slot index plus the slot's generation, with rights; closing a handle
// bumps the generation, so an old value is "stale", never someone else's
// object. Lookups check the handle, its generation, the object's type and the
// rights the call needs, in that order, each with its own error.
#pragma once
#include <cstdint>
#include <type_traits>
#include <typeinfo>

#include "lib/ref.h"
#include "lib/result.h"
#include "rebound/syscall.h"

namespace core {

// A handle taken out of a table to travel in an IPC message. It still counts
// as a handle of its object (an endpoint stays open while its RECEIVE handle
// is on the way) until a table takes it in, or it is dropped -- with the
// message of a call that failed or of a thread that died -- which closes it.
class MovedHandle {
 public:
  MovedHandle() = default;
  MovedHandle(lib::Ref<lib::RefCounted> object, uint32_t rights)
      : object_(std::move(object)), rights_(rights) {}
  MovedHandle(MovedHandle&& other) noexcept
      : object_(std::move(other.object_)), rights_(other.rights_) {}
  MovedHandle& operator=(MovedHandle&& other) noexcept {
    if (this != &other) {
      drop();
      object_ = std::move(other.object_);
      rights_ = other.rights_;
    }
    return *this;
  }
  ~MovedHandle() { drop(); }

  explicit operator bool() const { return static_cast<bool>(object_); }

 private:
  friend class HandleTable;
  void drop() {
    if (object_) object_->handles_changed(-1, rights_);
    object_.reset();
  }
  lib::Ref<lib::RefCounted> object_;
  uint32_t rights_ = 0;
};

class HandleTable {
 public:
  static constexpr unsigned kMaxHandles = 256;

  HandleTable() = default;
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;

  // A new handle to `object` (which it keeps a reference to).
  Result<rebound_handle> add(lib::Ref<lib::RefCounted> object, uint32_t rights);

  template <class T>
  Result<lib::Ref<T>> get(rebound_handle h, uint32_t needed_rights) const {
    TRY(slot, find(h));
    T* object = as<T>(slot->object.get());
    if (object == nullptr) return fail(Error::wrong_type);
    if ((slot->rights & needed_rights) != needed_rights) return fail(Error::access_denied);
    return lib::Ref<T>(object);
  }

  // The object `h` names if get<T>(h, needed_rights) would succeed, else
  // nullptr, without a reference: it lives at least as long as the handle
  // stays in this table. For the IPC fast path, which calls get<T>() for
  // the error when this fails.
  template <class T>
  T* peek(rebound_handle h, uint32_t needed_rights) const {
    const unsigned index = (h & 0xffff) - 1;  // 0 wraps to a huge index
    if (index >= kMaxHandles) return nullptr;
    const Slot* s = slots_ + index;
    lib::RefCounted* object = s->object.get();
    if (object == nullptr || s->generation != (h >> 16) ||
        (s->rights & needed_rights) != needed_rights)
      return nullptr;
    return as<T>(object);
  }

  // What `h` names, with its rights, for giving to another process's table
  // (needs REBOUND_RIGHT_DUPLICATE: the receiver gets a second handle).
  struct Gift {
    lib::Ref<lib::RefCounted> object;
    uint32_t rights = 0;
  };
  Result<Gift> give(rebound_handle h) const;

  // Moves `h` out of this table (its value goes stale) / into it.
  Result<MovedHandle> take(rebound_handle h);
  Result<rebound_handle> put(MovedHandle&& moved);

  Result<void> close(rebound_handle h);
  // A second handle to the same object with `rights` (a subset; needs
  // REBOUND_RIGHT_DUPLICATE).
  Result<rebound_handle> duplicate(rebound_handle h, uint32_t rights);
  // Drops every handle (the process is going away).
  void clear();
  unsigned count() const { return live_; }

 private:
  struct Slot {
    lib::Ref<lib::RefCounted> object;
    uint32_t rights = 0;
    uint16_t generation = 1;
  };
  Result<const Slot*> find(rebound_handle h) const;
  // `object` as a T, or nullptr. A final class is one type id to compare,
  // much cheaper than a dynamic_cast (a walk of the type's bases).
  template <class T>
  static T* as(lib::RefCounted* object) {
    if constexpr (std::is_final_v<T>)
      return typeid(*object) == typeid(T) ? static_cast<T*>(object) : nullptr;
    else
      return dynamic_cast<T*>(object);
  }
  Slot* free_slot();
  void empty(Slot& s);   // drops the object, then retires the slot
  void retire(Slot& s);  // the slot's old handles go stale

  Slot slots_[kMaxHandles];
  unsigned live_ = 0;
};

}  // namespace core
