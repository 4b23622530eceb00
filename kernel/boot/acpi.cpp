#include "boot/acpi.h"

namespace boot {
namespace {

constexpr uint32_t kHeaderLength = 36;  // every description table's header
constexpr uint32_t kRsdpV1Length = 20, kRsdpV2Length = 36, kRsdpMaxLength = 4096;
constexpr uint32_t kMadtEntriesOffset = 44;   // the header, local APIC address, flags
constexpr uint64_t kEbdaSegmentWord = 0x40e;  // in the BIOS data area
constexpr uint64_t kEbdaLowest = 0x400, kEbdaEnd = 0xa0000, kEbdaScanLength = 1024;
constexpr uint64_t kBiosAreaBase = 0xe0000, kBiosAreaLength = 0x20000;
constexpr uint8_t kMadtLocalApic = 0, kMadtIoApic = 1, kMadtSourceOverride = 2,
                  kMadtLocalApicOverride = 5, kMadtLocalX2apic = 9;
constexpr uint32_t kMadtEnabled = 1;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return le16(p) | static_cast<uint32_t>(le16(p + 2)) << 16; }
uint64_t le64(const uint8_t* p) { return le32(p) | static_cast<uint64_t>(le32(p + 4)) << 32; }

bool same(const uint8_t* bytes, const char* text, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (bytes[i] != static_cast<uint8_t>(text[i])) return false;
  return true;
}

// Physical memory through the caller's reader, failing with an AcpiError.
struct Memory {
  const PhysReader& reader;
  AcpiError& error;

  bool fail(AcpiError e) {
    error = e;
    return false;
  }
  bool read(uint64_t phys, void* out, size_t n) {
    if (phys > UINT64_MAX - n || !reader.read(reader.context, phys, out, n))
      return fail(AcpiError::unreadable);
    return true;
  }
  // Whether the `n` bytes at `phys` sum to 0 (mod 256), read a chunk at a time.
  bool checksum(uint64_t phys, size_t n) {
    uint8_t chunk[64];
    uint8_t sum = 0;
    for (size_t done = 0; done < n;) {
      const size_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
      if (!read(phys + done, chunk, k)) return false;
      for (size_t i = 0; i < k; ++i) sum = static_cast<uint8_t>(sum + chunk[i]);
      done += k;
    }
    return sum == 0 || fail(AcpiError::bad_checksum);
  }
  // Checks the table at `phys`: its signature, a length in [min_length,
  // kAcpiMaxTableLength], and its checksum over that length.
  bool table(uint64_t phys, const char* signature, uint32_t min_length, uint32_t& length) {
    uint8_t header[kHeaderLength];
    if (!read(phys, header, sizeof header)) return false;
    if (!same(header, signature, 4)) return fail(AcpiError::bad_table);
    length = le32(header + 4);
    if (length < min_length || length > kAcpiMaxTableLength) return fail(AcpiError::bad_table);
    return checksum(phys, length);
  }
  // Checks an RSDP candidate and copies its first 36 bytes (the last 16 are
  // zero for revision 0 and 1) into `rsdp`.
  bool rsdp(uint64_t phys, uint8_t (&r)[kRsdpV2Length]) {
    for (uint8_t& b : r) b = 0;
    if (!read(phys, r, kRsdpV1Length)) return false;
    if (!same(r, "RSD PTR ", 8)) return fail(AcpiError::bad_table);
    if (!checksum(phys, kRsdpV1Length)) return false;
    if (r[15] < 2) return true;  // revision
    if (!read(phys, r, kRsdpV2Length)) return false;
    const uint32_t length = le32(r + 20);
    if (length < kRsdpV2Length || length > kRsdpMaxLength) return fail(AcpiError::bad_table);
    return checksum(phys, length);
  }

  // Scans [base, base+length) for a valid RSDP on 16-byte boundaries.
  bool scan(uint64_t base, uint64_t length, uint64_t& found) {
    uint8_t chunk[256];  // a multiple of 16: a signature never straddles two
    for (uint64_t off = 0; off < length; off += sizeof chunk) {
      const size_t n = length - off < sizeof chunk ? length - off : sizeof chunk;
      if (!read(base + off, chunk, n)) continue;
      for (size_t i = 0; i + 8 <= n; i += 16) {
        uint8_t r[kRsdpV2Length];
        if (same(chunk + i, "RSD PTR ", 8) && rsdp(base + off + i, r))
          return found = base + off + i, true;
      }
    }
    return false;
  }

  // Checks the MADT at `phys` and calls entry(entry_phys, type, length) for
  // each of its entries, every one inside the table; entry returns false
  // (having set the error) to stop.
  template <class F>
  bool madt_entries(uint64_t phys, F entry) {
    uint32_t length;
    if (!table(phys, "APIC", kMadtEntriesOffset, length)) return false;
    for (uint32_t pos = kMadtEntriesOffset; pos < length;) {
      // Each entry starts with its type and length; it must fit in the table.
      if (length - pos < 2) return fail(AcpiError::bad_table);
      uint8_t e[2];
      if (!read(phys + pos, e, 2)) return false;
      const uint8_t type = e[0], entry_length = e[1];
      if (entry_length < 2 || entry_length > length - pos) return fail(AcpiError::bad_table);
      if (!entry(phys + pos, type, entry_length)) return false;
      pos += entry_length;
    }
    return true;
  }

  // The MADT at `phys`: its enabled processors and the local APIC address.
  bool madt_cpus(uint64_t phys, CpuList& cpus) {
    bool overridden = false;  // by a local APIC address override (type 5)
    uint64_t override = 0;
    const bool ok = madt_entries(phys, [&](uint64_t at, uint8_t type, uint8_t length) {
      uint8_t e[16];
      if (type == kMadtLocalApic) {
        if (length < 8) return fail(AcpiError::bad_table);
        if (!read(at, e, 8)) return false;
        const uint8_t apic_id = e[3];  // e[2]: the ACPI processor uid
        if ((le32(e + 4) & kMadtEnabled) != 0 && apic_id != 0xff)
          cpus.add(apic_id, CpuStartMethod::init_sipi);
      } else if (type == kMadtLocalX2apic) {
        if (length < 16) return fail(AcpiError::bad_table);
        if (!read(at, e, 16)) return false;
        const uint32_t x2apic_id = le32(e + 4);
        if ((le32(e + 8) & kMadtEnabled) != 0 && x2apic_id != 0xffffffff)
          cpus.add(x2apic_id, CpuStartMethod::init_sipi);
      } else if (type == kMadtLocalApicOverride) {
        if (length < 12) return fail(AcpiError::bad_table);
        if (!read(at, e, 12)) return false;
        override = le64(e + 4);
        overridden = true;
      }
      return true;
    });
    if (!ok) return false;
    uint8_t address[4];  // after the header, in the table checked above
    if (!read(phys + kHeaderLength, address, sizeof address)) return false;
    cpus.local_apic_address = overridden ? override : le32(address);
    return cpus.found() > 0 || fail(AcpiError::no_cpus);
  }

  // The MADT at `phys`: its I/O APICs and ISA interrupt source overrides.
  bool madt_routing(uint64_t phys, InterruptRouting& routing) {
    const bool ok = madt_entries(phys, [&](uint64_t at, uint8_t type, uint8_t length) {
      uint8_t e[12];
      if (type == kMadtIoApic) {
        if (length < 12) return fail(AcpiError::bad_table);
        if (!read(at, e, 12)) return false;
        if (routing.io_apic_count == InterruptRouting::kMaxIoApics) {
          ++routing.io_apics_ignored;
          return true;
        }
        routing.io_apics[routing.io_apic_count++] = IoApicEntry{e[2], le32(e + 4), le32(e + 8)};
      } else if (type == kMadtSourceOverride) {
        if (length < 10) return fail(AcpiError::bad_table);
        if (!read(at, e, 10)) return false;
        const uint8_t bus = e[2], irq = e[3];
        const uint16_t flags = le16(e + 8);
        if (bus != 0 || irq >= InterruptRouting::kIsaIrqs) return true;  // not ISA
        // MPS INTI flags: polarity in bits 0-1, trigger mode in bits 2-3;
        // 0 "conforms to the bus" (ISA: active high, edge), 3 low / level.
        routing.isa[irq] = IsaRoute{le32(e + 4), (flags & 3) == 3, ((flags >> 2) & 3) == 3};
      }
      return true;
    });
    return ok && (routing.io_apic_count > 0 || fail(AcpiError::no_io_apic));
  }

  // The RSDT (4-byte entries) or XSDT (8-byte entries) at `phys`, to the
  // MADT, which parse(madt_phys) reads.
  template <class F>
  bool root_table(uint64_t phys, bool xsdt, F parse) {
    uint32_t length;
    if (!table(phys, xsdt ? "XSDT" : "RSDT", kHeaderLength, length)) return false;
    const uint32_t entry = xsdt ? 8 : 4;
    bool skipped_unreadable = false;
    for (uint32_t off = kHeaderLength; length - off >= entry; off += entry) {
      uint8_t p[8] = {};
      if (!read(phys + off, p, entry)) return false;
      const uint64_t table_phys = xsdt ? le64(p) : le32(p);
      if (table_phys == 0) continue;
      uint8_t signature[4];
      // A table the reader cannot reach may be any table: look on.
      if (!read(table_phys, signature, sizeof signature)) {
        skipped_unreadable = true;
        continue;
      }
      if (same(signature, "APIC", 4)) return parse(table_phys);
    }
    return fail(skipped_unreadable ? AcpiError::unreadable : AcpiError::no_madt);
  }

  // The MADT through the RSDP at `rsdp`: the XSDT's (revision 2 and later),
  // or the RSDT's if that fails. reset() empties the result first, before
  // the second try, and after a failure.
  template <class Reset, class Parse>
  bool madt(uint64_t rsdp_phys, Reset reset, Parse parse) {
    reset();
    uint8_t r[kRsdpV2Length];
    if (!rsdp(rsdp_phys, r)) return false;
    const uint64_t rsdt = le32(r + 16), xsdt = r[15] >= 2 ? le64(r + 24) : 0;
    bool ok = false;
    if (xsdt != 0) ok = root_table(xsdt, true, parse);
    if (!ok && rsdt != 0) {
      reset();
      ok = root_table(rsdt, false, parse);
    }
    if (xsdt == 0 && rsdt == 0) fail(AcpiError::bad_table);
    if (!ok) reset();
    return ok;
  }
};

}  // namespace

const char* to_string(AcpiError e) {
  switch (e) {
    case AcpiError::no_rsdp: return "no ACPI RSDP in the BIOS areas";
    case AcpiError::unreadable: return "an ACPI table lies outside readable memory";
    case AcpiError::bad_checksum: return "bad ACPI table checksum";
    case AcpiError::bad_table: return "malformed ACPI table";
    case AcpiError::no_madt: return "no ACPI MADT";
    case AcpiError::no_cpus: return "the ACPI MADT lists no enabled processor";
    case AcpiError::no_io_apic: return "the ACPI MADT lists no I/O APIC";
  }
  return "?";
}

bool acpi_find_rsdp(const PhysReader& reader, uint64_t& rsdp, AcpiError& error) {
  AcpiError ignored{};  // candidates that fail are skipped
  Memory memory{reader, ignored};
  uint8_t segment[2];
  if (memory.read(kEbdaSegmentWord, segment, sizeof segment)) {
    const uint64_t ebda = uint64_t{le16(segment)} << 4;
    if (ebda >= kEbdaLowest && ebda < kEbdaEnd &&
        memory.scan(ebda, kEbdaEnd - ebda < kEbdaScanLength ? kEbdaEnd - ebda : kEbdaScanLength,
                    rsdp))
      return true;
  }
  if (memory.scan(kBiosAreaBase, kBiosAreaLength, rsdp)) return true;
  error = AcpiError::no_rsdp;
  return false;
}

bool acpi_find_cpus(const PhysReader& reader, uint64_t rsdp, CpuList& cpus, AcpiError& error) {
  Memory memory{reader, error};
  return memory.madt(
      rsdp, [&] { cpus = CpuList{}; }, [&](uint64_t madt) { return memory.madt_cpus(madt, cpus); });
}

bool acpi_find_interrupt_routing(const PhysReader& reader, uint64_t rsdp, InterruptRouting& routing,
                                 AcpiError& error) {
  Memory memory{reader, error};
  return memory.madt(
      rsdp, [&] { routing = InterruptRouting{}; },
      [&](uint64_t madt) { return memory.madt_routing(madt, routing); });
}

}  // namespace boot
