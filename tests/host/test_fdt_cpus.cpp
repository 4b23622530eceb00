#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "boot/fdt_cpus.h"
#include "dtb_builder.h"

namespace {

std::vector<uint8_t> load(const char* path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct Cpus {
  bool ok;
  boot::FdtError error;
  boot::CpuList list;
};

Cpus find_cpus(const std::vector<uint8_t>& blob) {
  Cpus r{false, {}, {}};
  r.ok = boot::fdt_find_cpus(blob.data(), blob.size(), r.list, r.error);
  return r;
}

std::vector<uint64_t> ids(const boot::CpuList& list) {
  std::vector<uint64_t> v;
  for (size_t i = 0; i < list.count; ++i) v.push_back(list.entries[i].hardware_id);
  return v;
}

// A tree with a /cpus node of `address_cells` and the CPUs `add` puts in it.
template <class AddCpus>
std::vector<uint8_t> tree(uint32_t address_cells, AddCpus add) {
  DtbBuilder b;
  b.begin("").prop_cells("#address-cells", {2}).prop_cells("#size-cells", {2});
  // A node outside /cpus that looks like a CPU is none.
  b.begin("soc").begin("cpu@9").prop_strings("device_type", {"cpu"}).prop_cells("reg", {0, 9});
  b.end().end();
  b.begin("cpus").prop_cells("#address-cells", {address_cells}).prop_cells("#size-cells", {0});
  add(b);
  b.end();
  return b.end().finish();
}

DtbBuilder& cpu(DtbBuilder& b, std::initializer_list<uint32_t> reg, const char* name = "cpu@0") {
  return b.begin(name)
      .prop_strings("device_type", {"cpu"})
      .prop_cells("reg", reg)
      .prop_strings("enable-method", {"psci"})
      .end();
}

TEST(FdtCpus, QemuVirtWithOneCpu) {
  const Cpus c = find_cpus(load(VIRT_DTB_PATH));
  ASSERT_TRUE(c.ok) << boot::to_string(c.error);
  EXPECT_EQ(ids(c.list), (std::vector<uint64_t>{0}));
  EXPECT_EQ(c.list.entries[0].start, boot::CpuStartMethod::none);  // QEMU names none for one CPU
  EXPECT_EQ(c.list.ignored, 0u);
  EXPECT_EQ(c.list.psci_conduit, boot::PsciConduit::hvc);
  EXPECT_EQ(c.list.psci_cpu_on, boot::kPsciCpuOn64);
}

TEST(FdtCpus, QemuVirtWithTwoCpus) {
  const Cpus c = find_cpus(load(VIRT_SMP2_DTB_PATH));
  ASSERT_TRUE(c.ok) << boot::to_string(c.error);
  EXPECT_EQ(ids(c.list), (std::vector<uint64_t>{0, 1}));
  for (size_t i = 0; i < c.list.count; ++i)
    EXPECT_EQ(c.list.entries[i].start, boot::CpuStartMethod::psci);
  EXPECT_EQ(c.list.psci_conduit, boot::PsciConduit::hvc);
  EXPECT_EQ(c.list.psci_cpu_on, 0xc4000003u);
  EXPECT_EQ(c.list.duplicates, 0u);
}

TEST(FdtCpus, QemuVirtWithFourCpus) {
  const Cpus c = find_cpus(load(VIRT_SMP4_DTB_PATH));
  ASSERT_TRUE(c.ok) << boot::to_string(c.error);
  // The cpu-map's "cpu" phandles are no CPUs of their own.
  EXPECT_EQ(ids(c.list), (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(c.list.found(), 4u);
  EXPECT_EQ(c.list.index_of(2), 2);
  EXPECT_EQ(c.list.index_of(7), -1);
  EXPECT_EQ(c.list.psci_conduit, boot::PsciConduit::hvc);
}

TEST(FdtCpus, TwoAddressCellsCarryAff3) {
  auto dtb = tree(2, [](DtbBuilder& b) {
    cpu(b, {0x0, 0x0}, "cpu@0");
    cpu(b, {0x1, 0x00010203}, "cpu@100010203");  // Aff3 1, Aff2 1, Aff1 2, Aff0 3
  });
  const Cpus c = find_cpus(dtb);
  ASSERT_TRUE(c.ok) << boot::to_string(c.error);
  EXPECT_EQ(ids(c.list), (std::vector<uint64_t>{0, 0x100010203}));
  EXPECT_EQ(c.list.psci_conduit, boot::PsciConduit::none);  // no /psci node
  EXPECT_EQ(c.list.psci_cpu_on, 0u);
}

TEST(FdtCpus, MoreCpusThanTheKernelSupportsAreCountedAndIgnored) {
  auto dtb = tree(1, [](DtbBuilder& b) {
    for (uint32_t i = 0; i < boot::CpuList::kCapacity + 4; ++i) cpu(b, {i});
  });
  const Cpus c = find_cpus(dtb);
  ASSERT_TRUE(c.ok) << boot::to_string(c.error);
  EXPECT_EQ(c.list.count, boot::CpuList::kCapacity);
  EXPECT_EQ(c.list.ignored, 4u);
  EXPECT_EQ(c.list.found(), boot::CpuList::kCapacity + 4);
  EXPECT_EQ(c.list.entries[boot::CpuList::kCapacity - 1].hardware_id, boot::CpuList::kCapacity - 1);
}

TEST(CpuList, TheBootCpuAloneIsTheFallback) {
  const boot::CpuList list = boot::CpuList::boot_cpu_only(0x100);
  EXPECT_EQ(list.count, 1u);
  EXPECT_EQ(list.found(), 1u);
  EXPECT_EQ(list.index_of(0x100), 0);
  EXPECT_EQ(list.entries[0].start, boot::CpuStartMethod::none);
  EXPECT_EQ(list.psci_conduit, boot::PsciConduit::none);
}

TEST(FdtCpus, DuplicateIdsAreCountedOnce) {
  auto dtb = tree(1, [](DtbBuilder& b) {
    cpu(b, {0});
    cpu(b, {1});
    cpu(b, {1});
  });
  const Cpus c = find_cpus(dtb);
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(ids(c.list), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(c.list.duplicates, 1u);
}

TEST(FdtCpus, StatusEnableMethodsAndOtherChildren) {
  auto dtb = tree(1, [](DtbBuilder& b) {
    b.begin("cpu-map").begin("cluster0").begin("core0").prop_cells("cpu", {1}).end();
    b.begin("cpu@8").prop_strings("device_type", {"cpu"}).prop_cells("reg", {8}).end();
    b.end().end();  // only /cpus' own children are CPUs
    b.begin("cpu@0").prop_strings("device_type", {"cpu"}).prop_cells("reg", {0}).end();
    b.begin("cpu@1")  // failed: left out
        .prop_strings("device_type", {"cpu"})
        .prop_cells("reg", {1})
        .prop_strings("status", {"fail"})
        .end();
    b.begin("cpu@2")  // stopped, startable: kept
        .prop_strings("device_type", {"cpu"})
        .prop_cells("reg", {2})
        .prop_strings("enable-method", {"spin-table"})
        .prop_strings("status", {"disabled"})
        .end();
    b.begin("cpu@3")  // no device_type: the name says what it is
        .prop_cells("reg", {3})
        .prop_strings("enable-method", {"vendor,magic"})
        .begin("l2-cache")  // a child of a CPU node is no CPU
        .prop_strings("device_type", {"cache"})
        .end()
        .end();
    b.begin("l3-cache").prop_strings("device_type", {"cache"}).prop_cells("reg", {9}).end();
  });
  const Cpus c = find_cpus(dtb);
  ASSERT_TRUE(c.ok) << boot::to_string(c.error);
  ASSERT_EQ(ids(c.list), (std::vector<uint64_t>{0, 2, 3}));
  EXPECT_EQ(c.list.entries[0].start, boot::CpuStartMethod::none);
  EXPECT_EQ(c.list.entries[1].start, boot::CpuStartMethod::spin_table);
  EXPECT_EQ(c.list.entries[2].start, boot::CpuStartMethod::other);
}

TEST(FdtCpus, PsciVersionZeroPointOneUsesItsCpuOnProperty) {
  auto make = [](std::initializer_list<std::string> compatible, const char* method) {
    DtbBuilder b;
    b.begin("").prop_cells("#address-cells", {2}).prop_cells("#size-cells", {2});
    b.begin("cpus").prop_cells("#address-cells", {1}).prop_cells("#size-cells", {0});
    cpu(b, {0});
    b.end();
    // The method before the compatible string, as QEMU writes them.
    b.begin("psci").prop_strings("method", {method}).prop_cells("cpu_on", {0x95c1ba5f});
    b.prop_strings("compatible", compatible).end();
    return b.end().finish();
  };
  Cpus old = find_cpus(make({"arm,psci"}, "smc"));
  ASSERT_TRUE(old.ok);
  EXPECT_EQ(old.list.psci_conduit, boot::PsciConduit::smc);
  EXPECT_EQ(old.list.psci_cpu_on, 0x95c1ba5fu);
  Cpus v1 = find_cpus(make({"arm,psci-1.0"}, "hvc"));
  EXPECT_EQ(v1.list.psci_conduit, boot::PsciConduit::hvc);
  EXPECT_EQ(v1.list.psci_cpu_on, boot::kPsciCpuOn64);  // the fixed id wins
  Cpus odd = find_cpus(make({"arm,psci-0.2"}, "svc"));
  EXPECT_EQ(odd.list.psci_conduit, boot::PsciConduit::none);
  Cpus other = find_cpus(make({"vendor,not-psci"}, "hvc"));
  EXPECT_EQ(other.list.psci_conduit, boot::PsciConduit::none);
  EXPECT_EQ(other.list.psci_cpu_on, 0u);
}

TEST(FdtCpus, MalformedCpuNodesAreErrors) {
  const auto expect_error = [](const std::vector<uint8_t>& dtb, boot::FdtError want) {
    const Cpus c = find_cpus(dtb);
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.error, want);
    EXPECT_EQ(c.list.found(), 0u);  // nothing half-filled
  };
  // No reg.
  expect_error(tree(1,
                    [](DtbBuilder& b) {
                      cpu(b, {0});
                      b.begin("cpu@1").prop_strings("device_type", {"cpu"}).end();
                    }),
               boot::FdtError::bad_structure);
  // A reg shorter than #address-cells, or not a whole number of ids.
  expect_error(tree(2, [](DtbBuilder& b) { cpu(b, {0}); }), boot::FdtError::bad_structure);
  expect_error(tree(2, [](DtbBuilder& b) { cpu(b, {0, 0, 1}); }), boot::FdtError::bad_structure);
  // #address-cells out of range.
  expect_error(tree(0, [](DtbBuilder& b) { cpu(b, {}); }), boot::FdtError::bad_structure);
  expect_error(tree(3, [](DtbBuilder& b) { cpu(b, {0, 0, 0}); }), boot::FdtError::bad_structure);
  // Bits outside MPIDR's affinity fields (here bit 24, MPIDR.MT's neighbour).
  expect_error(tree(1, [](DtbBuilder& b) { cpu(b, {0x01000000}); }), boot::FdtError::bad_structure);
  // No CPUs at all.
  expect_error(tree(1, [](DtbBuilder&) {}), boot::FdtError::not_found);
  auto no_cpus_node = DtbBuilder().begin("").begin("memory@0").end().end().finish();
  expect_error(no_cpus_node, boot::FdtError::not_found);
}

// Prefixes of the real tree, and random corruption of it: an error or a
// result, never a read outside the blob (ASan checks every access: each
// round parses an exactly sized heap copy).
TEST(FdtCpus, SurvivesTruncationAndRandomCorruption) {
  const auto dtb = load(VIRT_SMP4_DTB_PATH);
  ASSERT_GT(dtb.size(), 100u);
  for (size_t limit : {size_t{0}, size_t{39}, size_t{40}, dtb.size() / 2, dtb.size() - 1}) {
    std::vector<uint8_t> prefix(dtb.begin(), dtb.begin() + static_cast<long>(limit));
    boot::CpuList list;
    boot::FdtError error{};
    EXPECT_FALSE(boot::fdt_find_cpus(prefix.data(), prefix.size(), list, error));
    EXPECT_EQ(error, boot::FdtError::truncated);  // the header's size is checked first
  }
  std::mt19937 rng(2024);
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> blob = dtb;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) blob[rng() % blob.size()] = static_cast<uint8_t>(rng());
    const Cpus c = find_cpus(blob);
    if (c.ok) {
      ++parsed;
      EXPECT_GE(c.list.found(), 1u);
    }
    EXPECT_LE(c.list.count, boot::CpuList::kCapacity);
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
