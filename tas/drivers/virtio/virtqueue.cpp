#include "drivers/virtio/virtqueue.h"

namespace tas::virtio {

volatile uint16_t* Virtqueue::available() const {
  return reinterpret_cast<volatile uint16_t*>(memory_ + available_offset(size_));
}
volatile uint16_t* Virtqueue::used_header() const {
  return reinterpret_cast<volatile uint16_t*>(memory_ + used_offset(size_));
}
volatile Virtqueue::UsedElement* Virtqueue::used_ring() const {
  return reinterpret_cast<volatile UsedElement*>(memory_ + used_offset(size_) + 4);
}

Result<void> Virtqueue::init(void* memory, uint64_t phys, uint16_t size) {
  if (size == 0 || size > kMaxSize || (size & (size - 1)) != 0)
    return fail(Error::invalid_argument);
  memory_ = static_cast<uint8_t*>(memory);
  phys_ = phys;
  size_ = size;
  descriptors_ = reinterpret_cast<volatile Descriptor*>(memory_);
  for (size_t i = 0; i < bytes(size); ++i) static_cast<volatile uint8_t*>(memory_)[i] = 0;
  for (uint16_t i = 0; i < size; ++i) {
    next_free_[i] = static_cast<uint16_t>(i + 1);
    chain_length_[i] = 0;
  }
  free_head_ = 0;
  free_count_ = size;
  available_index_ = used_index_ = 0;
  bad_used_ = 0;
  return {};
}

Result<uint16_t> Virtqueue::add(const Buffer* buffers, unsigned n) {
  if (n == 0) return fail(Error::invalid_argument);
  if (n > free_count_) return fail(Error::limit_reached);
  const uint16_t head = free_head_;
  uint16_t d = head;
  for (unsigned i = 0; i < n; ++i) {
    volatile Descriptor& desc = descriptors_[d];
    desc.addr = buffers[i].phys;
    desc.len = buffers[i].size;
    const uint16_t next = next_free_[d];
    desc.flags =
        static_cast<uint16_t>((buffers[i].device_writes ? kWrite : 0) | (i + 1 < n ? kNext : 0));
    desc.next = i + 1 < n ? next : 0;
    if (i + 1 < n)
      d = next;
    else
      free_head_ = next;
  }
  free_count_ -= n;
  chain_length_[head] = static_cast<uint16_t>(n);
  // The entry, then (release) the index that shows it to the device.
  available()[2 + available_index_ % size_] = head;
  ++available_index_;
  __atomic_store_n(const_cast<uint16_t*>(&available()[1]), available_index_, __ATOMIC_RELEASE);
  return head;
}

bool Virtqueue::take_used(uint16_t& head, uint32_t& written) {
  for (;;) {
    const uint16_t device_index =
        __atomic_load_n(const_cast<uint16_t*>(&used_header()[1]), __ATOMIC_ACQUIRE);
    if (device_index == used_index_) return false;
    const volatile UsedElement& e = used_ring()[used_index_ % size_];
    const uint32_t id = e.id, len = e.len;
    ++used_index_;
    if (id >= size_ || chain_length_[id] == 0) {
      ++bad_used_;
      continue;
    }
    // The chain's descriptors go back on the free list, in chain order (the
    // driver's own next links, never the device-visible ones).
    const auto h = static_cast<uint16_t>(id);
    uint16_t last = h;
    for (uint16_t i = 1; i < chain_length_[h]; ++i) last = next_free_[last];
    next_free_[last] = free_head_;
    free_head_ = h;
    free_count_ += chain_length_[h];
    chain_length_[h] = 0;
    head = h;
    written = len;
    return true;
  }
}

}  // namespace tas::virtio
