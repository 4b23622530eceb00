// The portable page-table walk with both architectures' entry formats, on
// fake physical memory whose tables come from a real FrameAllocator.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "arch/aarch64/pte_format.h"
#include "arch/x86_64/pte_format.h"
#include "mm/page_table.h"

namespace {

using mm::kPageSize;
using mm::PhysAddr;
namespace perm = mm::perm;

// 16 MiB of "RAM" at 0x80000000 backed by host memory.
class FakeMemory final : public mm::TableMemory {
 public:
  static constexpr PhysAddr kBase = 0x80000000, kSize = 16 << 20;
  FakeMemory()
      : ram_(static_cast<unsigned char*>(std::aligned_alloc(kPageSize, kSize))),
        metadata_(mm::FrameAllocator::metadata_size(kBase, kBase + kSize)) {
    frames.init(kBase, kBase + kSize, metadata_.data());
    frames.add_free(kBase, kSize);
  }
  ~FakeMemory() { std::free(ram_); }

  Result<PhysAddr> allocate_table() override {
    if (fail_after_ >= 0 && fail_after_-- == 0) return fail(Error::no_memory);
    TRY(pa, frames.allocate(0));
    std::memset(entries(pa), 0, kPageSize);
    ++live_tables;
    return pa;
  }
  bool free_table(PhysAddr pa) override {
    frames.free(pa, 0);
    --live_tables;
    return true;
  }
  uint64_t* entries(PhysAddr pa) override {
    EXPECT_TRUE(pa >= kBase && pa < kBase + kSize && pa % kPageSize == 0);
    return reinterpret_cast<uint64_t*>(ram_ + (pa - kBase));
  }
  void invalidate(uintptr_t va, uint16_t) override { invalidated.insert(va); }
  void publish() override { ++publishes; }

  void fail_allocation_after(int n) { fail_after_ = n; }

  mm::FrameAllocator frames;
  std::set<uintptr_t> invalidated;
  int publishes = 0;
  long live_tables = 0;

 private:
  unsigned char* ram_;
  std::vector<unsigned char> metadata_;
  int fail_after_ = -1;
};

template <class Format>
struct PageTableTest : ::testing::Test {
  using Table = mm::PageTableOf<Format>;
  FakeMemory mem;
  std::unique_ptr<Table> pt;
  void SetUp() override {
    auto t = Table::create(mem, 5);
    ASSERT_TRUE(t.has_value());
    pt = std::make_unique<Table>(std::move(*t));
  }
};

using Formats = ::testing::Types<arch::aarch64::PteFormat, arch::x86_64::PteFormat>;
TYPED_TEST_SUITE(PageTableTest, Formats);

constexpr uintptr_t kKernelVa = 0xffff800000200000;
constexpr uintptr_t kUserVa = 0x0000000000400000;

TYPED_TEST(PageTableTest, MapQueryRoundTripWithPermissions) {
  auto& pt = *this->pt;
  const mm::Perms cases[] = {perm::read,
                             perm::read | perm::write,
                             perm::read | perm::execute,
                             perm::read | perm::user,
                             perm::read | perm::write | perm::user,
                             perm::read | perm::execute | perm::user,
                             perm::read | perm::write | perm::device};
  uintptr_t va = kKernelVa;
  for (mm::Perms p : cases) {
    ASSERT_TRUE(pt.map(va, 0x12345000, kPageSize, p).has_value());
    auto m = pt.query(va + 0x123);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->phys, 0x12345123u);
    EXPECT_EQ(m->perms, p) << std::hex << p;
    EXPECT_EQ(m->page_size, kPageSize);
    va += 1 << 30;  // a different table path each time
  }
  EXPECT_EQ(this->mem.publishes, 7);  // once per successful map
  EXPECT_FALSE(pt.query(va).has_value());
}

TYPED_TEST(PageTableTest, RejectsBadArgumentsAndWriteExecute) {
  auto& pt = *this->pt;
  EXPECT_EQ(pt.map(kUserVa + 1, 0x1000, kPageSize, perm::read).error(), Error::invalid_argument);
  EXPECT_EQ(pt.map(kUserVa, 0x1001, kPageSize, perm::read).error(), Error::invalid_argument);
  EXPECT_EQ(pt.map(kUserVa, 0x1000, 0, perm::read).error(), Error::invalid_argument);
  EXPECT_EQ(pt.map(kUserVa, 0x1000, kPageSize, perm::write).error(), Error::invalid_argument);
  EXPECT_EQ(pt.map(kUserVa, 0x1000, kPageSize, perm::read | perm::write | perm::execute).error(),
            Error::invalid_argument);
  EXPECT_EQ(pt.map(~uintptr_t{0} & ~(kPageSize - 1), 0, 2 * kPageSize, perm::read).error(),
            Error::invalid_argument);   // wraps around
  EXPECT_EQ(this->mem.live_tables, 1);  // nothing was built
}

TYPED_TEST(PageTableTest, MappingOverAMappingFailsAndChangesNothing) {
  auto& pt = *this->pt;
  ASSERT_TRUE(pt.map(kUserVa + 8 * kPageSize, 0x5000, kPageSize, perm::read).has_value());
  const long tables = this->mem.live_tables;
  auto r = pt.map(kUserVa, 0x100000, 16 * kPageSize, perm::read | perm::write);
  EXPECT_EQ(r.error(), Error::already_exists);
  for (int i = 0; i < 16; ++i) {
    auto m = pt.query(kUserVa + i * kPageSize);
    EXPECT_EQ(m.has_value(), i == 8);
  }
  EXPECT_EQ(pt.query(kUserVa + 8 * kPageSize)->phys, 0x5000u);
  EXPECT_EQ(this->mem.live_tables, tables);
}

TYPED_TEST(PageTableTest, OutOfTableMemoryUndoesEverything) {
  auto& pt = *this->pt;
  const auto frames_before = this->mem.frames.stats().used_frames;
  this->mem.fail_allocation_after(2);  // the third table fails: mid-way through
  // 4 MiB across a 1 GiB boundary needs new tables at several levels.
  auto r = pt.map((1ull << 30) - (2 << 20), 0x200000, 4 << 20, perm::read);
  EXPECT_EQ(r.error(), Error::no_memory);
  EXPECT_EQ(this->mem.frames.stats().used_frames, frames_before);
  EXPECT_FALSE(pt.query((1ull << 30) - (2 << 20)).has_value());
  EXPECT_EQ(pt.table_frames(), 1u);
}

TYPED_TEST(PageTableTest, UnmapIsCheckedInvalidatesAndFreesEmptyTables) {
  auto& pt = *this->pt;
  ASSERT_TRUE(pt.map(kKernelVa, 0x40000000, 1 << 20, perm::read | perm::write).has_value());
  EXPECT_EQ(this->mem.live_tables, 4);  // root + 3 levels
  EXPECT_EQ(pt.unmap(kKernelVa, (1 << 20) + kPageSize).error(), Error::not_found);
  EXPECT_TRUE(pt.query(kKernelVa).has_value());  // all-or-nothing
  this->mem.invalidated.clear();
  ASSERT_TRUE(pt.unmap(kKernelVa, 1 << 20).has_value());
  for (uintptr_t va = kKernelVa; va < kKernelVa + (1 << 20); va += kPageSize) {
    EXPECT_FALSE(pt.query(va).has_value());
    EXPECT_TRUE(this->mem.invalidated.count(va)) << std::hex << va;
  }
  EXPECT_EQ(this->mem.live_tables, 1);
  EXPECT_EQ(pt.table_frames(), 1u);
}

TYPED_TEST(PageTableTest, PartialUnmapKeepsSharedTables) {
  auto& pt = *this->pt;
  ASSERT_TRUE(pt.map(kUserVa, 0x800000, 4 * kPageSize, perm::read | perm::user).has_value());
  ASSERT_TRUE(pt.unmap(kUserVa + kPageSize, kPageSize).has_value());
  EXPECT_TRUE(pt.query(kUserVa).has_value());
  EXPECT_FALSE(pt.query(kUserVa + kPageSize).has_value());
  EXPECT_TRUE(pt.query(kUserVa + 2 * kPageSize).has_value());
  EXPECT_EQ(this->mem.live_tables, 4);
}

// A window the kernel maps into again and again keeps its tables between
// uses; discard() frees them, and unmaps what is left, holes and all.
TYPED_TEST(PageTableTest, UnmapCanKeepTablesAndDiscardFreesThem) {
  using Tables = typename TestFixture::Table::Tables;
  auto& pt = *this->pt;
  ASSERT_TRUE(pt.map(kUserVa, 0x800000, 2 * kPageSize, perm::read | perm::user).has_value());
  EXPECT_EQ(this->mem.live_tables, 4);
  this->mem.invalidated.clear();
  ASSERT_TRUE(pt.unmap(kUserVa, 2 * kPageSize, Tables::keep).has_value());
  EXPECT_FALSE(pt.query(kUserVa).has_value());
  EXPECT_FALSE(pt.query(kUserVa + kPageSize).has_value());
  EXPECT_EQ(this->mem.invalidated.size(), 2u);  // the pages, no table
  EXPECT_EQ(this->mem.live_tables, 4);
  // Mapping there again needs no new table.
  ASSERT_TRUE(
      pt.map(kUserVa + kPageSize, 0x900000, kPageSize, perm::read | perm::user).has_value());
  EXPECT_EQ(this->mem.live_tables, 4);
  EXPECT_EQ(pt.unmap(kUserVa, 2 * kPageSize, Tables::keep).error(), Error::not_found);
  // discard: unmaps the page that is there, and the empty tables go.
  ASSERT_TRUE(pt.discard(kUserVa, 64 * kPageSize).has_value());
  EXPECT_FALSE(pt.query(kUserVa + kPageSize).has_value());
  EXPECT_EQ(this->mem.live_tables, 1);
  EXPECT_EQ(pt.table_frames(), 1u);
  EXPECT_EQ(pt.discard(kUserVa + 1, kPageSize).error(), Error::invalid_argument);
  ASSERT_TRUE(pt.discard(kUserVa, kPageSize).has_value());  // nothing there: fine
}

TYPED_TEST(PageTableTest, ProtectChangesPermissionsOnlyWhenAllMapped) {
  auto& pt = *this->pt;
  ASSERT_TRUE(pt.map(kUserVa, 0x800000, 2 * kPageSize, perm::read | perm::write).has_value());
  EXPECT_EQ(pt.protect(kUserVa, 3 * kPageSize, perm::read).error(), Error::not_found);
  EXPECT_EQ(pt.query(kUserVa)->perms, perm::read | perm::write);
  this->mem.invalidated.clear();
  ASSERT_TRUE(pt.protect(kUserVa, 2 * kPageSize, perm::read | perm::execute).has_value());
  EXPECT_EQ(pt.query(kUserVa + kPageSize)->perms, perm::read | perm::execute);
  EXPECT_EQ(pt.query(kUserVa + kPageSize)->phys, 0x801000u);
  EXPECT_EQ(this->mem.invalidated.size(), 2u);
}

TYPED_TEST(PageTableTest, DestructionFreesEveryTable) {
  std::mt19937 rng(5);
  for (int i = 0; i < 200; ++i) {
    const uintptr_t va = (static_cast<uintptr_t>(rng() % (1u << 27)) << 12) & 0x7fffffffffff;
    (void)this->pt->map(va, 0x1000, kPageSize, perm::read);
  }
  EXPECT_GT(this->mem.live_tables, 20);
  this->pt.reset();
  EXPECT_EQ(this->mem.live_tables, 0);
  EXPECT_EQ(this->mem.frames.stats().used_frames, 0u);
}

TYPED_TEST(PageTableTest, RandomOperationsMatchAModel) {
  auto& pt = *this->pt;
  std::mt19937 rng(9);
  std::map<uintptr_t, std::pair<PhysAddr, mm::Perms>> model;
  const mm::Perms choices[] = {perm::read, perm::read | perm::write, perm::read | perm::execute};
  for (int i = 0; i < 3000; ++i) {
    const uintptr_t va = kUserVa + (rng() % 64) * kPageSize;
    const size_t pages = 1 + rng() % 4;
    const mm::Perms p = choices[rng() % 3];
    bool all_free = true, all_mapped = true;
    for (size_t k = 0; k < pages; ++k) {
      const bool mapped = model.count(va + k * kPageSize) != 0;
      all_free &= !mapped;
      all_mapped &= mapped;
    }
    switch (rng() % 3) {
      case 0: {
        const PhysAddr pa = (rng() % 1000) * kPageSize;
        ASSERT_EQ(pt.map(va, pa, pages * kPageSize, p).has_value(), all_free);
        if (all_free)
          for (size_t k = 0; k < pages; ++k) model[va + k * kPageSize] = {pa + k * kPageSize, p};
        break;
      }
      case 1:
        ASSERT_EQ(pt.unmap(va, pages * kPageSize).has_value(), all_mapped);
        if (all_mapped)
          for (size_t k = 0; k < pages; ++k) model.erase(va + k * kPageSize);
        break;
      default:
        ASSERT_EQ(pt.protect(va, pages * kPageSize, p).has_value(), all_mapped);
        if (all_mapped)
          for (size_t k = 0; k < pages; ++k) model[va + k * kPageSize].second = p;
        break;
    }
  }
  for (uintptr_t va = kUserVa; va < kUserVa + 68 * kPageSize; va += kPageSize) {
    auto m = pt.query(va);
    auto it = model.find(va);
    ASSERT_EQ(m.has_value(), it != model.end());
    if (m) {
      EXPECT_EQ(m->phys, it->second.first);
      EXPECT_EQ(m->perms, it->second.second);
    }
  }
}

}  // namespace

namespace {

TYPED_TEST(PageTableTest, UserRootSharesTheKernelHalfAndNeverFreesIt) {
  using Table = mm::PageTableOf<TypeParam>;
  // The "kernel" table: something mapped high, top-level tables prepared.
  auto kernel = Table::create(this->mem, 0);
  ASSERT_TRUE(kernel.has_value());
  ASSERT_TRUE(kernel->populate_top_level(kKernelVa, 1 << 30).has_value());
  ASSERT_TRUE(kernel->map(kKernelVa, 0x9000, kPageSize, perm::read).has_value());
  const long tables_before = this->mem.live_tables;
  {
    auto user = Table::create_user(this->mem, 3, kernel->root());
    ASSERT_TRUE(user.has_value());
    if (TypeParam::kUserRootEntries < mm::kEntriesPerTable) {
      // One root for both halves: the kernel mapping is visible through it.
      EXPECT_EQ(user->query(kKernelVa)->phys, 0x9000u);
    }
    EXPECT_EQ(user->map(Table::user_limit(), 0x1000, kPageSize, perm::read).error(),
              Error::invalid_argument);
    EXPECT_EQ(user->map(Table::user_limit() - kPageSize, 0x1000, 2 * kPageSize, perm::read).error(),
              Error::invalid_argument);
    ASSERT_TRUE(user->map(kUserVa, 0x2000, kPageSize, perm::read | perm::user).has_value());
  }
  // Only the user table's own tables went away; the kernel's still map.
  EXPECT_EQ(this->mem.live_tables, tables_before);
  EXPECT_EQ(kernel->query(kKernelVa)->phys, 0x9000u);
}

TYPED_TEST(PageTableTest, AdoptedRootKeepsItsTopLevelTables) {
  using Table = mm::PageTableOf<TypeParam>;
  auto owner = Table::create(this->mem, 0);  // stands in for the boot tables
  ASSERT_TRUE(owner.has_value());
  Table adopted = Table::adopt(this->mem, owner->root());
  ASSERT_TRUE(adopted.populate_top_level(kKernelVa, kPageSize).has_value());
  const long with_top = this->mem.live_tables;
  ASSERT_TRUE(adopted.map(kKernelVa, 0x3000, kPageSize, perm::read).has_value());
  ASSERT_TRUE(adopted.unmap(kKernelVa, kPageSize).has_value());
  // Lower tables were freed; the one below the root stays for user roots.
  EXPECT_EQ(this->mem.live_tables, with_top);
}

}  // namespace
