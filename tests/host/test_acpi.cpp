#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "boot/acpi.h"

namespace {

using Bytes = std::vector<uint8_t>;

void put(Bytes& b, size_t at, uint64_t value, size_t n) {
  for (size_t i = 0; i < n; ++i) b[at + i] = static_cast<uint8_t>(value >> (8 * i));
}
void append(Bytes& b, uint64_t value, size_t n) {
  b.resize(b.size() + n);
  put(b, b.size() - n, value, n);
}
// Sets b[at] so that the first `length` bytes sum to 0.
void fix_checksum(Bytes& b, size_t at, size_t length) {
  b[at] = 0;
  uint8_t sum = 0;
  for (size_t i = 0; i < length; ++i) sum = static_cast<uint8_t>(sum + b[i]);
  b[at] = static_cast<uint8_t>(-sum);
}

// A system description table: the 36-byte header, then `body`.
Bytes table(const char* signature, const Bytes& body) {
  Bytes t(36, 0);
  std::memcpy(t.data(), signature, 4);
  t[8] = 1;  // revision
  std::memcpy(t.data() + 10, "REBOOT", 6);
  t.insert(t.end(), body.begin(), body.end());
  put(t, 4, t.size(), 4);
  fix_checksum(t, 9, t.size());
  return t;
}
Bytes rsdt(std::initializer_list<uint32_t> tables) {
  Bytes body;
  for (uint32_t t : tables) append(body, t, 4);
  return table("RSDT", body);
}
Bytes xsdt(std::initializer_list<uint64_t> tables) {
  Bytes body;
  for (uint64_t t : tables) append(body, t, 8);
  return table("XSDT", body);
}

// MADT entries.
Bytes local_apic(uint8_t uid, uint8_t apic_id, uint32_t flags) {
  Bytes e{0, 8, uid, apic_id};
  append(e, flags, 4);
  return e;
}
Bytes local_x2apic(uint32_t x2apic_id, uint32_t flags) {
  Bytes e{9, 16, 0, 0};
  append(e, x2apic_id, 4);
  append(e, flags, 4);
  append(e, 0, 4);  // uid
  return e;
}
Bytes apic_override(uint64_t address) {
  Bytes e{5, 12, 0, 0};
  append(e, address, 8);
  return e;
}
Bytes io_apic() {  // type 1: not a CPU
  Bytes e{1, 12, 0, 0};
  append(e, 0xfec00000, 4);
  append(e, 0, 4);
  return e;
}
Bytes io_apic_at(uint8_t id, uint32_t address, uint32_t gsi_base) {
  Bytes e{1, 12, id, 0};
  append(e, address, 4);
  append(e, gsi_base, 4);
  return e;
}
Bytes source_override(uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags) {
  Bytes e{2, 10, bus, irq};
  append(e, gsi, 4);
  append(e, flags, 2);
  return e;
}
Bytes nmi_source() { return {4, 6, 0xff, 0, 0, 1}; }  // type 4, 6 bytes

Bytes madt(uint32_t local_apic_address, std::initializer_list<Bytes> entries) {
  Bytes body;
  append(body, local_apic_address, 4);
  append(body, 1, 4);  // flags: PC-AT compatible
  for (const Bytes& e : entries) body.insert(body.end(), e.begin(), e.end());
  return table("APIC", body);
}

Bytes rsdp(uint32_t rsdt_address, uint64_t xsdt_address = 0, uint8_t revision = 0) {
  Bytes r(revision >= 2 ? 36 : 20, 0);
  std::memcpy(r.data(), "RSD PTR ", 8);
  std::memcpy(r.data() + 9, "REBOOT", 6);
  r[15] = revision;
  put(r, 16, rsdt_address, 4);
  if (revision >= 2) {
    put(r, 20, 36, 4);
    put(r, 24, xsdt_address, 8);
  }
  fix_checksum(r, 8, 20);  // the first 20 bytes, then all of them
  if (revision >= 2) fix_checksum(r, 32, 36);
  return r;
}

// Physical memory made of separate regions. The low MiB (BIOS data area,
// EBDA, BIOS ROM area) is one region; every table gets a region of exactly
// its own size, so a read that runs past a table's end is seen (an overrun)
// and fails.
class Machine {
 public:
  static constexpr uint64_t kEbda = 0x9fc00;
  static constexpr uint64_t kRsdt = 0x1ffe1000, kMadt = 0x1ffe2000, kFacp = 0x1ffe3000;
  static constexpr uint64_t kXsdt = 0x1ffe4000, kNowhere = 0x7000000, kBig = 0x30000000;

  Machine() {
    regions_[0] = Bytes(0x100000, 0);
    put(regions_[0], 0x40e, kEbda >> 4, 2);
  }
  // Writes `bytes` into the low MiB.
  void low(uint64_t phys, const Bytes& bytes) {
    std::memcpy(regions_[0].data() + phys, bytes.data(), bytes.size());
  }
  void place(uint64_t phys, const Bytes& bytes) { regions_[phys] = bytes; }
  Bytes& region(uint64_t phys) { return regions_.at(phys); }
  boot::PhysReader reader() { return {&Machine::read, this}; }

  int overruns = 0;
  long reads = 0;

 private:
  static bool read(void* context, uint64_t phys, void* out, size_t n) {
    auto* m = static_cast<Machine*>(context);
    ++m->reads;
    auto it = m->regions_.upper_bound(phys);
    if (it == m->regions_.begin()) return false;
    --it;
    const Bytes& bytes = it->second;
    const uint64_t offset = phys - it->first;
    if (offset >= bytes.size()) return false;  // between regions: nothing there
    if (n > bytes.size() - offset) return ++m->overruns, false;
    std::memcpy(out, bytes.data() + offset, n);
    return true;
  }
  std::map<uint64_t, Bytes> regions_;
};

// QEMU-like: an RSDP (revision 0) in the BIOS area, an RSDT, a FACP, a MADT
// with two CPUs, an I/O APIC and an NMI source.
Machine standard_machine() {
  Machine m;
  m.low(0xf5a10, rsdp(Machine::kRsdt));
  m.place(Machine::kRsdt, rsdt({Machine::kFacp, Machine::kMadt}));
  m.place(Machine::kFacp, table("FACP", Bytes(80, 0)));
  m.place(Machine::kMadt,
          madt(0xfee00000, {local_apic(0, 0, 1), local_apic(1, 1, 1), io_apic(), nmi_source()}));
  return m;
}

struct Found {
  bool rsdp_found = false, ok = false;
  uint64_t rsdp = 0;
  boot::AcpiError error{};
  boot::CpuList cpus;
  std::vector<uint64_t> ids;
};

Found discover(Machine& m) {
  Found f;
  const boot::PhysReader reader = m.reader();
  f.rsdp_found = boot::acpi_find_rsdp(reader, f.rsdp, f.error);
  if (!f.rsdp_found) return f;
  f.ok = boot::acpi_find_cpus(reader, f.rsdp, f.cpus, f.error);
  for (size_t i = 0; i < f.cpus.count; ++i) f.ids.push_back(f.cpus.entries[i].hardware_id);
  return f;
}

TEST(Acpi, FindsTheCpusThroughTheRsdt) {
  Machine m = standard_machine();
  Found f = discover(m);
  ASSERT_TRUE(f.rsdp_found);
  EXPECT_EQ(f.rsdp, 0xf5a10u);
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  EXPECT_EQ(f.ids, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(f.cpus.entries[1].start, boot::CpuStartMethod::init_sipi);
  EXPECT_EQ(f.cpus.local_apic_address, 0xfee00000u);
  EXPECT_EQ(f.cpus.psci_conduit, boot::PsciConduit::none);
  EXPECT_EQ(m.overruns, 0);
}

TEST(Acpi, PrefersTheEbdaAndTheXsdt) {
  Machine m = standard_machine();  // its RSDP in the BIOS area comes second
  m.low(Machine::kEbda + 0x40, rsdp(Machine::kRsdt, Machine::kXsdt, 2));
  constexpr uint64_t kHighMadt = 0x100000000;  // XSDT entries are 64-bit
  m.place(Machine::kXsdt, xsdt({Machine::kFacp, kHighMadt}));
  m.place(kHighMadt, madt(0xfee00000, {local_x2apic(0x100, 1), local_apic(0, 2, 0),  // disabled
                                       local_apic(1, 0xff, 1),                       // not a CPU
                                       local_x2apic(0xffffffff, 1),                  // not a CPU
                                       local_x2apic(0x101, 3), apic_override(0x1234fee00000)}));
  Found f = discover(m);
  EXPECT_EQ(f.rsdp, Machine::kEbda + 0x40);
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  EXPECT_EQ(f.ids, (std::vector<uint64_t>{0x100, 0x101}));
  EXPECT_EQ(f.cpus.local_apic_address, 0x1234fee00000u);
  EXPECT_EQ(m.overruns, 0);
}

TEST(Acpi, RsdpCandidatesMustBeAlignedAndSumToZero) {
  Machine m = standard_machine();
  Bytes bad = rsdp(Machine::kRsdt);
  bad[8] ^= 1;
  m.low(0xe0000, bad);                   // first, but its checksum is wrong
  m.low(0xe0108, rsdp(Machine::kRsdt));  // not on a 16-byte boundary
  Bytes bad_v2 = rsdp(Machine::kRsdt, Machine::kXsdt, 2);
  bad_v2[33] ^= 1;  // the extended checksum covers this
  m.low(0xe0200, bad_v2);
  Bytes long_v2 = rsdp(Machine::kRsdt, Machine::kXsdt, 2);
  put(long_v2, 20, 5000, 4);  // longer than any RSDP
  fix_checksum(long_v2, 8, 20);
  m.low(0xe0300, long_v2);
  Found f = discover(m);
  EXPECT_EQ(f.rsdp, 0xf5a10u);  // the standard one, after all of those
  EXPECT_TRUE(f.ok);

  Machine none;
  none.low(0xe0000, bad);
  none.low(0xe0200, bad_v2);
  f = discover(none);
  EXPECT_FALSE(f.rsdp_found);
  EXPECT_EQ(f.error, boot::AcpiError::no_rsdp);
  EXPECT_STREQ(boot::to_string(f.error), "no ACPI RSDP in the BIOS areas");
}

TEST(Acpi, TableChecksumsAreChecked) {
  Machine m = standard_machine();
  m.region(Machine::kMadt)[40] ^= 0x10;
  Found f = discover(m);
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.error, boot::AcpiError::bad_checksum);
  EXPECT_EQ(f.cpus.found(), 0u);

  m = standard_machine();
  m.region(Machine::kRsdt)[36] ^= 0x10;
  EXPECT_EQ(discover(m).error, boot::AcpiError::bad_checksum);

  // A broken XSDT: the RSDT is used instead.
  m = standard_machine();
  m.low(Machine::kEbda, rsdp(Machine::kRsdt, Machine::kXsdt, 2));
  Bytes x = xsdt({Machine::kMadt});
  x[9] ^= 1;
  m.place(Machine::kXsdt, x);
  f = discover(m);
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  EXPECT_EQ(f.ids, (std::vector<uint64_t>{0, 1}));
}

TEST(Acpi, ImpossibleTableLengthsAreRejectedWithoutReadingThem) {
  const auto with_length = [](Bytes t, uint32_t length) {
    put(t, 4, length, 4);
    fix_checksum(t, 9, t.size());
    return t;
  };
  const Bytes good = madt(0xfee00000, {local_apic(0, 0, 1)});
  for (uint32_t length : {0u, 35u, 43u, 0xffffffffu, (1u << 20) + 1}) {
    Machine m = standard_machine();
    m.place(Machine::kMadt, with_length(good, length));
    const long reads_before = m.reads;
    Found f = discover(m);
    EXPECT_FALSE(f.ok) << length;
    EXPECT_EQ(f.error, boot::AcpiError::bad_table) << length;
    EXPECT_EQ(m.overruns, 0) << length;
    EXPECT_LT(m.reads - reads_before, 10000) << length;
  }
  Machine m = standard_machine();
  m.place(Machine::kRsdt, with_length(rsdt({Machine::kMadt}), 20));
  EXPECT_EQ(discover(m).error, boot::AcpiError::bad_table);
  // A table longer than the memory behind it: the reader refuses the read
  // that runs off its end.
  m = standard_machine();
  m.place(Machine::kMadt, with_length(good, 4096));
  Found f = discover(m);
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.error, boot::AcpiError::unreadable);
}

TEST(Acpi, EntriesRunningPastTheTableAreRejected) {
  const std::vector<Bytes> bad_tails = {
      {0, 9, 0, 1, 1, 0, 0, 0},  // a local APIC entry one byte longer than what is left
      {0, 0},                    // length 0 (would never advance)
      {0, 1},                    // length 1
      {0, 6, 0, 1, 1, 0},        // a local APIC entry shorter than 8 bytes
      {9, 12, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0},  // an x2APIC entry shorter than 16
      {5, 8, 0, 0, 0, 0, 0, 0},               // an address override shorter than 12
      {7},                                    // one byte: no room for a length
  };
  for (size_t i = 0; i < bad_tails.size(); ++i) {
    Machine m = standard_machine();
    Bytes t = madt(0xfee00000, {local_apic(0, 0, 1), bad_tails[i]});
    m.place(Machine::kMadt, t);
    Found f = discover(m);
    EXPECT_FALSE(f.ok) << i;
    EXPECT_EQ(f.error, boot::AcpiError::bad_table) << i;
    EXPECT_EQ(f.cpus.found(), 0u) << i;
    EXPECT_EQ(m.overruns, 0) << i;  // nothing read past the table's end
  }
}

TEST(Acpi, AbsurdCountsStayBounded) {
  Machine m = standard_machine();
  Bytes body;
  append(body, 0xfee00000, 4);
  append(body, 1, 4);
  for (uint32_t id = 0; id < 2000; ++id) {
    Bytes e = local_x2apic(id, 1);
    body.insert(body.end(), e.begin(), e.end());
  }
  for (int i = 0; i < 3000; ++i) {  // the same CPU over and over
    Bytes e = local_apic(0, 0, 1);
    body.insert(body.end(), e.begin(), e.end());
  }
  m.place(Machine::kRsdt, rsdt({Machine::kFacp, Machine::kBig}));
  m.place(Machine::kBig, table("APIC", body));  // 56 KiB: apart from the others
  Found f = discover(m);
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  EXPECT_EQ(f.cpus.count, boot::CpuList::kCapacity);
  EXPECT_EQ(f.cpus.ignored, 2000 - boot::CpuList::kCapacity);
  EXPECT_EQ(f.cpus.duplicates, 3000u);
  EXPECT_EQ(m.overruns, 0);

  // An RSDT of 200000 null entries, the MADT last.
  Bytes many;
  for (int i = 0; i < 200000; ++i) append(many, 0, 4);
  append(many, Machine::kMadt, 4);
  m = standard_machine();
  m.low(0xf5a10, rsdp(Machine::kBig));
  m.place(Machine::kBig, table("RSDT", many));
  f = discover(m);
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  EXPECT_EQ(f.ids, (std::vector<uint64_t>{0, 1}));
  // One entry more and the RSDT is longer than any real table.
  append(many, 0, 4);
  for (int i = 0; i < 62200; ++i) append(many, 0, 4);
  m.place(Machine::kBig, table("RSDT", many));
  EXPECT_EQ(discover(m).error, boot::AcpiError::bad_table);
}

TEST(Acpi, MissingAndUnreadableTables) {
  Machine m = standard_machine();
  m.place(Machine::kRsdt, rsdt({Machine::kFacp}));
  EXPECT_EQ(discover(m).error, boot::AcpiError::no_madt);

  // An entry the reader cannot reach is skipped...
  m.place(Machine::kRsdt, rsdt({Machine::kNowhere, 0, Machine::kMadt}));
  Found f = discover(m);
  ASSERT_TRUE(f.ok) << boot::to_string(f.error);
  EXPECT_EQ(f.ids, (std::vector<uint64_t>{0, 1}));
  // ...but if the MADT is not found, that is the reason given.
  m.place(Machine::kRsdt, rsdt({Machine::kFacp, Machine::kNowhere}));
  EXPECT_EQ(discover(m).error, boot::AcpiError::unreadable);

  // The RSDP's RSDT is nowhere; an RSDP with no table at all.
  m = standard_machine();
  m.low(0xf5a10, rsdp(Machine::kNowhere));
  EXPECT_EQ(discover(m).error, boot::AcpiError::unreadable);
  m.low(0xf5a10, rsdp(0));
  EXPECT_EQ(discover(m).error, boot::AcpiError::bad_table);

  // A MADT whose CPUs are all disabled.
  m = standard_machine();
  m.place(Machine::kMadt, madt(0xfee00000, {local_apic(0, 0, 0), io_apic()}));
  EXPECT_EQ(discover(m).error, boot::AcpiError::no_cpus);

  // The table at an RSDT entry is not what its signature says it is.
  m = standard_machine();
  Bytes wrong = madt(0xfee00000, {local_apic(0, 0, 1)});
  std::memcpy(wrong.data(), "APIX", 4);
  m.place(Machine::kMadt, wrong);
  EXPECT_EQ(discover(m).error, boot::AcpiError::no_madt);
}

struct Routing {
  bool ok = false;
  boot::AcpiError error{};
  boot::InterruptRouting routing;
};

Routing route(Machine& m) {
  Routing r;
  uint64_t rsdp = 0;
  const boot::PhysReader reader = m.reader();
  if (!boot::acpi_find_rsdp(reader, rsdp, r.error)) return r;
  r.ok = boot::acpi_find_interrupt_routing(reader, rsdp, r.routing, r.error);
  return r;
}

TEST(AcpiRouting, FindsTheIoApicAndIsaIsIdentityWithoutOverrides) {
  Machine m = standard_machine();
  Routing r = route(m);
  ASSERT_TRUE(r.ok) << boot::to_string(r.error);
  ASSERT_EQ(r.routing.io_apic_count, 1u);
  EXPECT_EQ(r.routing.io_apics[0].address, 0xfec00000u);
  EXPECT_EQ(r.routing.io_apics[0].gsi_base, 0u);
  for (unsigned irq = 0; irq < boot::InterruptRouting::kIsaIrqs; ++irq) {
    EXPECT_EQ(r.routing.isa[irq].gsi, irq);
    EXPECT_FALSE(r.routing.isa[irq].active_low);
    EXPECT_FALSE(r.routing.isa[irq].level_triggered);
  }
  EXPECT_EQ(m.overruns, 0);
}

TEST(AcpiRouting, AppliesIsaOverridesAndIgnoresOtherBuses) {
  Machine m = standard_machine();
  m.place(Machine::kMadt, madt(0xfee00000, {local_apic(0, 0, 1), io_apic_at(2, 0xfec00000, 0),
                                            io_apic_at(3, 0xfec01000, 24),
                                            source_override(0, 0, 2, 0),  // QEMU: the PIT on GSI 2
                                            source_override(0, 9, 9, 0xd),   // level, active high
                                            source_override(0, 5, 5, 0xf),   // level, active low
                                            source_override(0, 4, 20, 0x7),  // edge, active low
                                            source_override(1, 3, 30, 0xf),  // not ISA: ignored
                                            source_override(0, 16, 40, 0xf)}));  // not an ISA IRQ
  Routing r = route(m);
  ASSERT_TRUE(r.ok) << boot::to_string(r.error);
  ASSERT_EQ(r.routing.io_apic_count, 2u);
  EXPECT_EQ(r.routing.io_apics[1].id, 3u);
  EXPECT_EQ(r.routing.io_apics[1].address, 0xfec01000u);
  EXPECT_EQ(r.routing.io_apics[1].gsi_base, 24u);
  const auto& isa = r.routing.isa;
  EXPECT_EQ(isa[0].gsi, 2u);
  EXPECT_FALSE(isa[0].level_triggered);
  EXPECT_TRUE(isa[9].level_triggered);
  EXPECT_FALSE(isa[9].active_low);
  EXPECT_TRUE(isa[5].level_triggered && isa[5].active_low);
  EXPECT_EQ(isa[4].gsi, 20u);
  EXPECT_TRUE(isa[4].active_low && !isa[4].level_triggered);
  EXPECT_EQ(isa[3].gsi, 3u);  // bus 1's override left it alone
  EXPECT_EQ(m.overruns, 0);
}

TEST(AcpiRouting, BadEntriesAndMissingIoApicsAreErrors) {
  Machine m = standard_machine();
  m.place(Machine::kMadt, madt(0xfee00000, {local_apic(0, 0, 1)}));
  Routing r = route(m);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, boot::AcpiError::no_io_apic);
  EXPECT_STREQ(boot::to_string(r.error), "the ACPI MADT lists no I/O APIC");

  const std::vector<Bytes> bad = {
      {1, 8, 0, 0, 0, 0, 0xc0, 0xfe},  // an I/O APIC entry shorter than 12
      {2, 6, 0, 4, 4, 0},              // an override shorter than 10
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    m.place(Machine::kMadt, madt(0xfee00000, {local_apic(0, 0, 1), io_apic(), bad[i]}));
    r = route(m);
    EXPECT_FALSE(r.ok) << i;
    EXPECT_EQ(r.error, boot::AcpiError::bad_table) << i;
    EXPECT_EQ(r.routing.io_apic_count, 0u) << i;  // nothing half-parsed is kept
    EXPECT_EQ(m.overruns, 0) << i;
  }
}

TEST(AcpiRouting, ManyIoApicsStayBounded) {
  Machine m = standard_machine();
  Bytes body;
  append(body, 0xfee00000, 4);
  append(body, 1, 4);
  for (uint32_t i = 0; i < 100; ++i) {
    Bytes e = io_apic_at(static_cast<uint8_t>(i), 0xfec00000 + 0x1000 * i, 24 * i);
    body.insert(body.end(), e.begin(), e.end());
  }
  m.place(Machine::kMadt, table("APIC", body));
  Routing r = route(m);
  ASSERT_TRUE(r.ok) << boot::to_string(r.error);
  EXPECT_EQ(r.routing.io_apic_count, boot::InterruptRouting::kMaxIoApics);
  EXPECT_EQ(r.routing.io_apics_ignored, 100 - boot::InterruptRouting::kMaxIoApics);
}

// Random corruption of every table (with the checksums sometimes fixed up,
// so that the parser gets past them): an error or a result, never a crash,
// never more CPUs than the list holds. ASan watches the parser's buffers.
TEST(Acpi, SurvivesRandomCorruption) {
  std::mt19937 rng(77);
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    Machine m = standard_machine();
    if (round % 2 == 1) {  // a revision-2 RSDP and an XSDT too
      m.low(Machine::kEbda, rsdp(Machine::kRsdt, Machine::kXsdt, 2));
      m.place(Machine::kXsdt, xsdt({Machine::kFacp, Machine::kMadt}));
    }
    const uint64_t tables[] = {Machine::kRsdt, Machine::kMadt, Machine::kXsdt};
    const uint64_t which = tables[rng() % (round % 2 == 1 ? 3 : 2)];
    Bytes& t = m.region(which);
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) t[rng() % t.size()] = static_cast<uint8_t>(rng());
    if (rng() % 2 == 0) fix_checksum(t, 9, t.size());
    Found f = discover(m);
    if (f.ok) {
      ++parsed;
      EXPECT_GE(f.cpus.found(), 1u);
    }
    EXPECT_LE(f.cpus.count, boot::CpuList::kCapacity);
    Routing r = route(m);
    EXPECT_LE(r.routing.io_apic_count, boot::InterruptRouting::kMaxIoApics);
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
