// Address spaces: the caller's own, or one it holds a handle to (with MAP),
// named by each call's last argument (0: the caller's).
#include "core/syscalls/syscall.h"
#include "recovery/fault_injection.h"

namespace core::syscalls {
namespace {

Result<mm::Perms> perms_from(uint64_t v) {
  if ((v & ~uint64_t{REBOUND_VM_READ | REBOUND_VM_WRITE | REBOUND_VM_EXECUTE}) != 0)
    return fail(Error::invalid_argument);
  mm::Perms p = 0;
  if ((v & REBOUND_VM_READ) != 0) p |= mm::perm::read;
  if ((v & REBOUND_VM_WRITE) != 0) p |= mm::perm::write;
  if ((v & REBOUND_VM_EXECUTE) != 0) p |= mm::perm::execute;
  return p;
}

Result<Ref<AddressSpace>> target_space(uint64_t handle) {
  if (handle == 0) return Ref<AddressSpace>(caller().space());
  return caller().handles().get<AddressSpace>(static_cast<rebound_handle>(handle),
                                              REBOUND_RIGHT_MAP);
}

// Removes a just-created region if the call fails after creating it.
class RegionUndo {
 public:
  RegionUndo(AddressSpace& s, uintptr_t a, size_t n) : space_(s), address_(a), size_(n) {}
  ~RegionUndo() {
    if (armed_) (void)space_.unmap(address_, size_);
  }
  void commit() { armed_ = false; }

 private:
  AddressSpace& space_;
  uintptr_t address_;
  size_t size_;
  bool armed_ = true;
};

// The region just made at `address` stays only if the call gets to return
// it (test builds can fail the call at `site` after the region exists).
Result<Values> keep_region(AddressSpace& space, uintptr_t address, size_t size, const char* site) {
  RegionUndo undo(space, address, size);
  recovery::fault_point(site);
  undo.commit();
  return Values{address, 0};
}

}  // namespace

Result<Values> sys_vm_map(Args a) {
  TRY(perms, perms_from(a[2]));
  TRY(target, target_space(a[3]));
  AddressSpace& space = *target;
  TRY(address, space.map_anonymous(a[0], a[1], perms));
  return keep_region(space, address, a[1], "vm.map");
}

// A window on a memory object: the handle must allow mapping and every
// permission asked for.
Result<Values> sys_vm_map_memory(Args a) {
  TRY(perms, perms_from(a[4]));
  uint32_t needed = REBOUND_RIGHT_MAP;
  if ((a[4] & REBOUND_VM_READ) != 0) needed |= REBOUND_RIGHT_READ;
  if ((a[4] & REBOUND_VM_WRITE) != 0) needed |= REBOUND_RIGHT_WRITE;
  if ((a[4] & REBOUND_VM_EXECUTE) != 0) needed |= REBOUND_RIGHT_EXECUTE;
  TRY(memory, caller().handles().get<MemoryObject>(static_cast<rebound_handle>(a[0]), needed));
  TRY(target, target_space(a[5]));
  AddressSpace& space = *target;
  TRY(address, space.map_memory(a[1], std::move(memory), a[2], a[3], perms));
  return keep_region(space, address, a[3], "vm.map_memory");
}

Result<Values> sys_vm_unmap(Args a) {
  TRY(space, target_space(a[2]));
  TRY_VOID(space->unmap(a[0], a[1]));
  return Values{};
}

Result<Values> sys_vm_protect(Args a) {
  TRY(perms, perms_from(a[2]));
  TRY(space, target_space(a[3]));
  TRY_VOID(space->protect(a[0], a[1], perms));
  return Values{};
}

}  // namespace core::syscalls
