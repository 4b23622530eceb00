// Reference-counted kernel objects: RefCounted is the base, Ref<T> the
// owning pointer. The last Ref destroys the object and frees its memory into
// the heap it came from (by address). Objects are made with mm::make_ref.
#pragma once
#include <atomic>
#include <cstdint>
#include <utility>

namespace lib {

class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

  void add_ref() { count_.fetch_add(1, std::memory_order_relaxed); }
  // Returns true when this was the last reference.
  bool release() { return count_.fetch_sub(1, std::memory_order_acq_rel) == 1; }
  uint32_t ref_count() const { return count_.load(std::memory_order_relaxed); }
  // A handle with `rights` to this object was made (+1) or closed (-1). For
  // objects whose state depends on who holds handles (an endpoint closes
  // when no handle may receive on it any more).
  virtual void handles_changed(int delta, uint32_t rights) {
    (void)delta;
    (void)rights;
  }

 protected:
  virtual ~RefCounted() = default;
  template <class T>
  friend class Ref;
  // Destroys the object and frees its memory (set up by mm::make_ref).
  virtual void destroy() = 0;

 private:
  std::atomic<uint32_t> count_{0};
};

template <class T>
class Ref {
 public:
  Ref() = default;
  Ref(std::nullptr_t) {}
  explicit Ref(T* p) : p_(p) {
    if (p_ != nullptr) p_->add_ref();
  }
  Ref(const Ref& o) : Ref(o.p_) {}
  template <class U>
  Ref(const Ref<U>& o) : Ref(o.get()) {}
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() { reset(); }

  void reset() {
    if (T* p = std::exchange(p_, nullptr); p != nullptr && p->release()) {
      static_cast<RefCounted*>(p)->destroy();
    }
  }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(const Ref& o) const { return p_ == o.p_; }

 private:
  T* p_ = nullptr;
};

}  // namespace lib
