#include "core/elf.h"

#include "lib/align.h"
#include "lib/unaligned.h"
#include "mm/page_table.h"

namespace core {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint32_t kPtLoad = 1, kPfX = 1, kPfW = 2, kPfR = 4;

template <class T>
T read(const uint8_t* p) {
  return lib::load_unaligned<T>(p);
}

uint64_t page_down(uint64_t v) { return lib::align_down(v, kPage); }
bool page_up(uint64_t v, uint64_t& out) {
  if (v > ~uint64_t{0} - (kPage - 1)) return false;
  out = lib::align_up(v, kPage);
  return true;
}

}  // namespace

Result<ElfPlan> parse_elf(const uint8_t* image, size_t size, uint16_t machine, uintptr_t user_base,
                          uintptr_t user_top, uint64_t max_bytes) {
  const auto bad = fail(Error::bad_image);
  // The header: e_ident, type, machine, version, entry, phoff, ..., phentsize, phnum.
  if (image == nullptr || size < 64) return bad;
  if (image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' || image[3] != 'F') return bad;
  if (image[4] != 2 /* ELFCLASS64 */ || image[5] != 1 /* little-endian */ || image[6] != 1)
    return bad;
  if (read<uint16_t>(image + 16) != 2 /* ET_EXEC: static, not position-independent */) return bad;
  if (read<uint16_t>(image + 18) != machine) return bad;
  const uint64_t entry = read<uint64_t>(image + 24);
  const uint64_t phoff = read<uint64_t>(image + 32);
  const uint16_t phentsize = read<uint16_t>(image + 54);
  const uint16_t phnum = read<uint16_t>(image + 56);
  if (phentsize != 56 || phnum == 0 || phnum > 64) return bad;
  if (phoff > size || uint64_t{phnum} * phentsize > size - phoff) return bad;

  ElfPlan plan;
  plan.entry = entry;
  uint64_t total = 0;
  bool entry_ok = false;
  for (unsigned i = 0; i < phnum; ++i) {
    const uint8_t* ph = image + phoff + uint64_t{i} * phentsize;
    if (read<uint32_t>(ph) != kPtLoad) continue;
    const uint32_t flags = read<uint32_t>(ph + 4);
    const uint64_t offset = read<uint64_t>(ph + 8), vaddr = read<uint64_t>(ph + 16);
    const uint64_t filesz = read<uint64_t>(ph + 32), memsz = read<uint64_t>(ph + 40);
    if (memsz == 0) continue;  // an empty segment (linkers emit them)
    if (filesz > memsz || offset > size || filesz > size - offset) return bad;
    if ((flags & kPfW) != 0 && (flags & kPfX) != 0) return bad;  // W^X
    if ((vaddr & (kPage - 1)) != (offset & (kPage - 1))) return bad;
    uint64_t end;
    if (vaddr > ~uint64_t{0} - memsz || !page_up(vaddr + memsz, end)) return bad;
    const uint64_t start = page_down(vaddr);
    if (start < user_base || end > user_top) return bad;
    total += end - start;
    if (total > max_bytes) return bad;
    for (unsigned j = 0; j < plan.count; ++j) {  // no two segments share a page
      const ElfSegment& o = plan.segments[j];
      uint64_t o_end = 0;
      page_up(o.vaddr + o.mem_size, o_end);  // cannot fail: checked when o was added
      if (start < o_end && page_down(o.vaddr) < end) return bad;
    }
    if (plan.count == ElfPlan::kMaxSegments) return bad;
    mm::Perms perms = 0;
    if ((flags & kPfR) != 0) perms |= mm::perm::read;
    if ((flags & kPfW) != 0) perms |= mm::perm::write | mm::perm::read;
    if ((flags & kPfX) != 0) perms |= mm::perm::execute | mm::perm::read;
    if (perms == 0) return bad;
    plan.segments[plan.count++] = ElfSegment{vaddr, offset, filesz, memsz, perms};
    if ((perms & mm::perm::execute) != 0 && entry >= vaddr && entry - vaddr < memsz)
      entry_ok = true;
  }
  if (plan.count == 0 || !entry_ok) return bad;
  return plan;
}

}  // namespace core
