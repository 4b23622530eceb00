#include "core/message_buffer.h"

#include "arch/arch.h"
#include "core/tas_boot.h"

namespace core {

Result<MessageBuffer> MessageBuffer::create(AddressSpace& space) {
  MessageBuffer b;
  TRY(pages, MemoryObject::create(kSize));
  TRY(payload, pages->frame(0));
  TRY(record, pages->frame(1));
  const mm::Perms rw = mm::perm::read | mm::perm::write;
  TRY(at, space.map_memory(0, pages, 0, kSize, rw, AddressSpace::Placer::kernel));
  b.pages_ = std::move(pages);
  b.own_ = Ref<AddressSpace>(&space);
  b.address_ = at;  // from here on, the destructor unmaps it
  // A TAS thread's own mapping is the TAS's view already.
  if (&space != tas_space()) {
    TRY(slot, TasBufferSlot::map(payload));
    b.tas_ = std::move(slot);
  }
  b.record_ = reinterpret_cast<rebound_ipc_record*>(arch::phys_to_virt(record));
  return b;
}

MessageBuffer::~MessageBuffer() {
  if (own_) (void)own_->unmap(address_, kSize, AddressSpace::Placer::kernel);
}

}  // namespace core
