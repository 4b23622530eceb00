#include "recovery/eh_frame_hdr.h"

#include <cstddef>

#include "lib/unaligned.h"

namespace recovery {
namespace {

// DWARF pointer encodings (DW_EH_PE_*) that GNU tools emit.
constexpr uint8_t kAbsptr = 0x00, kUleb128 = 0x01, kUdata2 = 0x02, kUdata4 = 0x03, kUdata8 = 0x04,
                  kSleb128 = 0x09, kSdata2 = 0x0a, kSdata4 = 0x0b, kSdata8 = 0x0c;
constexpr uint8_t kPcrel = 0x10, kDatarel = 0x30, kIndirect = 0x80, kOmit = 0xff;

template <class T>
T load(const uint8_t* p) {
  return lib::load_unaligned<T>(p);
}

uint64_t read_uleb(const uint8_t*& p) {
  uint64_t v = 0;
  unsigned shift = 0;
  uint8_t byte;
  do {
    byte = *p++;
    if (shift < 64) v |= uint64_t{byte & 0x7fu} << shift;
    shift += 7;
  } while ((byte & 0x80) != 0);
  return v;
}

int64_t read_sleb(const uint8_t*& p) {
  int64_t v = 0;
  unsigned shift = 0;
  uint8_t byte;
  do {
    byte = *p++;
    if (shift < 64) v |= int64_t{byte & 0x7f} << shift;
    shift += 7;
  } while ((byte & 0x80) != 0);
  if (shift < 64 && (byte & 0x40) != 0) v |= -(int64_t{1} << shift);
  return v;
}

// Reads one encoded pointer; `data_base` is the base of datarel encodings.
bool read_encoded(uint8_t enc, const uint8_t*& p, uintptr_t data_base, uintptr_t& out) {
  if (enc == kOmit) return false;
  const uint8_t* start = p;
  uintptr_t v;
  switch (enc & 0x0f) {
    case kAbsptr: v = load<uintptr_t>(p), p += sizeof(uintptr_t); break;
    case kUleb128: v = static_cast<uintptr_t>(read_uleb(p)); break;
    case kUdata2: v = load<uint16_t>(p), p += 2; break;
    case kUdata4: v = load<uint32_t>(p), p += 4; break;
    case kUdata8: v = static_cast<uintptr_t>(load<uint64_t>(p)), p += 8; break;
    case kSleb128: v = static_cast<uintptr_t>(read_sleb(p)); break;
    case kSdata2: v = static_cast<uintptr_t>(load<int16_t>(p)), p += 2; break;
    case kSdata4: v = static_cast<uintptr_t>(load<int32_t>(p)), p += 4; break;
    case kSdata8: v = static_cast<uintptr_t>(load<int64_t>(p)), p += 8; break;
    default: return false;
  }
  switch (enc & 0x70) {
    case 0: break;
    case kPcrel: v += reinterpret_cast<uintptr_t>(start); break;
    case kDatarel: v += data_base; break;
    default: return false;
  }
  if ((enc & kIndirect) != 0) v = load<uintptr_t>(reinterpret_cast<const uint8_t*>(v));
  out = v;
  return true;
}

// The FDE pointer encoding from the 'R' entry of the FDE's CIE augmentation.
bool fde_encoding(const uint8_t* fde, uint8_t& enc) {
  const uint8_t* cie = fde + 4 - load<uint32_t>(fde + 4);
  const uint8_t* p = cie + 8;  // length, CIE id
  const uint8_t version = *p++;
  const char* aug = reinterpret_cast<const char*>(p);
  while (*p != 0) ++p;
  ++p;
  read_uleb(p);  // code alignment
  read_sleb(p);  // data alignment
  if (version == 1)
    ++p;  // return address register
  else
    read_uleb(p);
  enc = kAbsptr;
  if (aug[0] != 'z') return aug[0] == '\0';
  read_uleb(p);  // augmentation data length
  for (const char* a = aug + 1; *a != '\0'; ++a) {
    switch (*a) {
      case 'R': enc = *p++; return true;
      case 'L': ++p; break;
      case 'P': {
        uintptr_t ignored;
        if (!read_encoded(static_cast<uint8_t>(*p++ & 0x7f), p, 0, ignored)) return false;
        break;
      }
      case 'S':
      case 'B': break;
      default: return false;
    }
  }
  return true;
}

}  // namespace

bool find_fde(const uint8_t* hdr, uintptr_t pc, FdeMatch& out) {
  if (hdr[0] != 1) return false;
  const uint8_t ptr_enc = hdr[1], count_enc = hdr[2], table_enc = hdr[3];
  const uint8_t* p = hdr + 4;
  const auto base = reinterpret_cast<uintptr_t>(hdr);
  uintptr_t eh_frame, count;
  if (!read_encoded(ptr_enc, p, base, eh_frame) || !read_encoded(count_enc, p, base, count))
    return false;
  // GNU ld writes the table as pairs of 4-byte offsets from the header.
  if (table_enc != (kDatarel | kSdata4) || count == 0) return false;
  const uint8_t* table = p;
  auto entry = [&](size_t i, size_t field) {
    return base + static_cast<uintptr_t>(load<int32_t>(table + 8 * i + 4 * field));
  };
  if (pc < entry(0, 0)) return false;
  size_t lo = 0, hi = count;  // invariant: entry(lo).start <= pc < entry(hi).start
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (entry(mid, 0) <= pc)
      lo = mid;
    else
      hi = mid;
  }
  const auto* fde = reinterpret_cast<const uint8_t*>(entry(lo, 1));
  uint8_t enc;
  if (!fde_encoding(fde, enc)) return false;
  const uint8_t* q = fde + 8;
  uintptr_t start, range;
  if (!read_encoded(enc, q, 0, start) || !read_encoded(enc & 0x0f, q, 0, range)) return false;
  if (pc < start || pc - start >= range) return false;
  out.fde = fde;
  out.function_start = start;
  return true;
}

}  // namespace recovery
