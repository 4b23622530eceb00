// Page tables behind one portable interface: map, unmap, protect, query.
//
// x86_64 4-level paging and aarch64's 4 KiB-granule 48-bit format have the same
// shape (4 levels of 512 entries, 4 KiB pages, 2 MiB and 1 GiB blocks), so the
// walk is written once here; each architecture supplies only the encoding of
// an entry (a Format: kernel/arch/<arch>/pte_format.h). Where tables come from
// and how a change reaches the TLB is a TableMemory, so the same code runs on
// fake physical memory in host tests.
//
// Every operation is all-or-nothing: it checks the whole range first (or, for
// map, undoes what it did when it runs out of memory), so an error leaves the
// table as it was. Tables emptied by unmap are freed at once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "lib/object_count.h"
#include "lib/result.h"
#include "lib/spinlock.h"
#include "mm/frame_allocator.h"

namespace mm {

using Perms = uint32_t;
namespace perm {
constexpr Perms read = 1, write = 2, execute = 4, user = 8, device = 16;
}

struct Mapping {
  PhysAddr phys;  // of the queried byte
  Perms perms;
  size_t page_size;  // 4 KiB, or the size of the block that maps it
};

class TableMemory {
 public:
  virtual Result<PhysAddr> allocate_table() = 0;  // a zeroed 4 KiB frame
  // Returns false for a table it did not allocate (the kernel's boot tables),
  // which then simply stays unused.
  virtual bool free_table(PhysAddr table) = 0;
  virtual uint64_t* entries(PhysAddr table) = 0;  // the table's 512 entries
  // Called after a live entry for `va` changed or went away (TLB maintenance).
  virtual void invalidate(uintptr_t va, uint16_t asid) = 0;
  // Called after new entries were written, before anyone uses them (aarch64:
  // the table walker must observe the writes).
  virtual void publish() = 0;

 protected:
  ~TableMemory() = default;
};

constexpr unsigned kLevels = 4, kEntriesPerTable = 512;
constexpr unsigned level_shift(unsigned level) { return 39 - 9 * level; }
constexpr unsigned table_index(uintptr_t va, unsigned level) {
  return (va >> level_shift(level)) & (kEntriesPerTable - 1);
}

template <class Format>
class PageTableOf {
 public:
  // A new, empty table tree; `asid` tags its TLB entries (0: kernel, global).
  static Result<PageTableOf> create(TableMemory& memory, uint16_t asid = 0) {
    TRY(root, memory.allocate_table());
    return PageTableOf(memory, root, asid, true);
  }
  // Adopts tables built elsewhere (the kernel's boot tables): tables it adds
  // later are freed when emptied, but the root and older tables are not ours,
  // and tables directly below the root stay (user roots may share them).
  static PageTableOf adopt(TableMemory& memory, PhysAddr root) {
    return PageTableOf(memory, root, 0, false);
  }
  // A user address space's table. Where the architecture has one root for
  // both halves (x86_64), the root's kernel entries are copied from
  // `kernel_root` and are never changed or freed through this table; either
  // way it maps only addresses below user_limit().
  static Result<PageTableOf> create_user(TableMemory& memory, uint16_t asid, PhysAddr kernel_root) {
    TRY(root, memory.allocate_table());
    const uint64_t* kernel = memory.entries(kernel_root);
    uint64_t* user = memory.entries(root);
    for (unsigned i = Format::kUserRootEntries; i < kEntriesPerTable; ++i) user[i] = kernel[i];
    PageTableOf t(memory, root, asid, true);
    t.user_ = true;
    return t;
  }
  static constexpr uintptr_t user_limit() {
    return uintptr_t{Format::kUserRootEntries} << level_shift(0);
  }

  // Makes sure the tables directly below the root exist for [va, va+size):
  // the kernel calls it at boot for regions whose root entries user roots
  // copy, so that later kernel mappings there are seen by every address space.
  Result<void> populate_top_level(uintptr_t va, size_t size) {
    lib::LockGuard guard(lock_);
    const uintptr_t span = uintptr_t{1} << level_shift(0);
    for (uintptr_t a = va & ~(span - 1); a < va + size; a += span) {
      uint64_t& e = memory_->entries(root_)[table_index(a, 0)];
      if (Format::present(e)) continue;
      TRY(next, memory_->allocate_table());
      ++tables_;
      e = Format::table(next);
    }
    memory_->publish();
    return {};
  }

  PageTableOf(PageTableOf&& o) noexcept
      : memory_(o.memory_),
        root_(o.root_),
        asid_(o.asid_),
        owns_root_(o.owns_root_),
        user_(o.user_),
        tables_(o.tables_) {
    o.memory_ = nullptr;
  }
  PageTableOf& operator=(PageTableOf&&) = delete;
  PageTableOf(const PageTableOf&) = delete;
  ~PageTableOf() {
    if (memory_ == nullptr) return;
    lib::count_object(REBOUND_OBJECT_PAGE_TABLE, -1);
    if (!owns_root_) return;
    free_tree(root_, 0);
    memory_->free_table(root_);
  }

  Result<void> map(uintptr_t va, PhysAddr pa, size_t size, Perms perms) {
    lib::LockGuard guard(lock_);
    if (!aligned(va, pa, size) || !valid(perms)) return fail(Error::invalid_argument);
    for (size_t off = 0; off < size; off += kPageSize) {
      auto slot = leaf_slot(va + off, true);
      if (!slot || *slot.value() != 0) {
        const Error e = slot ? Error::already_exists : slot.error();
        clear_range(va, off);  // undo: every page mapped so far,
        prune_path(va + off);  // and the tables made for this one
        return fail(e);
      }
      *slot.value() = Format::page(pa + off, perms);
    }
    memory_->publish();
    return {};
  }

  // Which tables an unmap frees: those it leaves empty, or none (for a
  // range that is mapped again and again: the kernel's windows).
  enum class Tables : uint8_t { free_empty, keep };

  Result<void> unmap(uintptr_t va, size_t size, Tables tables = Tables::free_empty) {
    lib::LockGuard guard(lock_);
    if (!aligned(va, 0, size)) return fail(Error::invalid_argument);
    TRY(checked, check_mapped(va, size));
    (void)checked;
    clear_range(va, size, tables);
    return {};
  }

  // Unmaps whatever is mapped in [va, va+size), holes allowed, and frees
  // the tables left empty (those an unmap with Tables::keep kept, too).
  Result<void> discard(uintptr_t va, size_t size) {
    lib::LockGuard guard(lock_);
    if (!aligned(va, 0, size)) return fail(Error::invalid_argument);
    clear_range(va, size, Tables::free_empty);
    return {};
  }

  Result<void> protect(uintptr_t va, size_t size, Perms perms) {
    lib::LockGuard guard(lock_);
    if (!aligned(va, 0, size) || !valid(perms)) return fail(Error::invalid_argument);
    TRY(checked, check_mapped(va, size));
    (void)checked;
    for (size_t off = 0; off < size; off += kPageSize) {
      uint64_t* e = *leaf_slot(va + off, false);
      *e = Format::page(Format::address(*e), perms);
      memory_->invalidate(va + off, asid_);
    }
    return {};
  }

  std::optional<Mapping> query(uintptr_t va) const {
    lib::LockGuard guard(lock_);
    PhysAddr table = root_;
    for (unsigned level = 0; level < kLevels; ++level) {
      const uint64_t e = memory_->entries(table)[table_index(va, level)];
      if (!Format::present(e)) return std::nullopt;
      if (level + 1 < kLevels && Format::is_table(e, level)) {
        table = Format::address(e);
        continue;
      }
      const size_t page = size_t{1} << level_shift(level);
      return Mapping{Format::address(e) + (va & (page - 1)), Format::perms(e, level), page};
    }
    return std::nullopt;
  }

  PhysAddr root() const { return root_; }
  uint16_t asid() const { return asid_; }
  // Table frames this object allocated and still holds (root included).
  size_t table_frames() const { return tables_; }

 private:
  PageTableOf(TableMemory& memory, PhysAddr root, uint16_t asid, bool owns_root)
      : memory_(&memory),
        root_(root),
        asid_(asid),
        owns_root_(owns_root),
        tables_(owns_root ? 1 : 0) {
    lib::count_object(REBOUND_OBJECT_PAGE_TABLE, +1);
  }

  bool aligned(uintptr_t va, PhysAddr pa, size_t size) const {
    return ((va | pa | size) & (kPageSize - 1)) == 0 && size != 0 && va + size > va &&
           (!user_ || va + size <= user_limit());
  }
  // Readable, and never both writable and executable (W^X).
  static bool valid(Perms p) {
    return (p & perm::read) != 0 &&
           (p & (perm::write | perm::execute)) != (perm::write | perm::execute);
  }

  // The level-3 entry for `va`, creating missing tables if `create`.
  Result<uint64_t*> leaf_slot(uintptr_t va, bool create) {
    PhysAddr table = root_;
    for (unsigned level = 0; level + 1 < kLevels; ++level) {
      uint64_t& e = memory_->entries(table)[table_index(va, level)];
      if (!Format::present(e)) {
        if (!create) return fail(Error::not_found);
        TRY(next, memory_->allocate_table());
        ++tables_;
        e = Format::table(next);
      } else if (!Format::is_table(e, level)) {
        return fail(Error::already_exists);  // inside a block mapping
      }
      table = Format::address(e);
    }
    return &memory_->entries(table)[table_index(va, kLevels - 1)];
  }

  Result<bool> check_mapped(uintptr_t va, size_t size) {
    for (size_t off = 0; off < size; off += kPageSize) {
      auto slot = leaf_slot(va + off, false);
      if (!slot)
        return fail(slot.error() == Error::already_exists ? Error::not_supported
                                                          : Error::not_found);
      if (!Format::present(*slot.value())) return fail(Error::not_found);
    }
    return true;
  }

  // Clears every leaf in [va, va+size) and frees the tables left empty
  // (unless told to keep them).
  void clear_range(uintptr_t va, size_t size, Tables tables = Tables::free_empty) {
    if (size != 0) clear(root_, 0, va, va + size - 1, tables);
  }

  // Returns true if `table` (below the root) is empty afterwards.
  bool clear(PhysAddr table, unsigned level, uintptr_t first, uintptr_t last, Tables tables) {
    uint64_t* entries = memory_->entries(table);
    const uintptr_t span = uintptr_t{1} << level_shift(level);
    for (uintptr_t va = first;;) {
      uint64_t& e = entries[table_index(va, level)];
      const uintptr_t end = (va | (span - 1)) < last ? (va | (span - 1)) : last;
      if (Format::present(e)) {
        if (level + 1 == kLevels) {
          e = 0;
          memory_->invalidate(va, asid_);
        } else if (Format::is_table(e, level) &&
                   clear(Format::address(e), level + 1, va, end, tables) &&
                   (level > 0 || owns_root_)) {
          const PhysAddr child = Format::address(e);
          e = 0;
          memory_->invalidate(va, asid_);  // and any cached walk through it
          if (memory_->free_table(child)) --tables_;
        }
      }
      if (end == last) break;
      va = end + 1;
    }
    if (level == 0 || tables == Tables::keep) return false;  // the root stays; so do kept ones
    for (unsigned i = 0; i < kEntriesPerTable; ++i) {
      if (entries[i] != 0) return false;
    }
    return true;
  }

  // Frees the tables on the path to `va` that are empty, bottom up.
  void prune_path(uintptr_t va) {
    PhysAddr path[kLevels];
    path[0] = root_;
    unsigned depth = 1;
    for (; depth < kLevels; ++depth) {
      const uint64_t e = memory_->entries(path[depth - 1])[table_index(va, depth - 1)];
      if (!Format::present(e) || !Format::is_table(e, depth - 1)) break;
      path[depth] = Format::address(e);
    }
    for (unsigned level = depth - 1; level > 0; --level) {
      if (level == 1 && !owns_root_) return;  // see adopt()
      const uint64_t* entries = memory_->entries(path[level]);
      for (unsigned i = 0; i < kEntriesPerTable; ++i) {
        if (entries[i] != 0) return;
      }
      memory_->entries(path[level - 1])[table_index(va, level - 1)] = 0;
      memory_->invalidate(va, asid_);
      if (memory_->free_table(path[level])) --tables_;
    }
  }

  void free_tree(PhysAddr table, unsigned level) {
    if (level + 1 == kLevels) return;
    uint64_t* entries = memory_->entries(table);
    // A user root's upper entries belong to the kernel.
    const unsigned limit = level == 0 && user_ ? Format::kUserRootEntries : kEntriesPerTable;
    for (unsigned i = 0; i < limit; ++i) {
      if (Format::present(entries[i]) && Format::is_table(entries[i], level)) {
        free_tree(Format::address(entries[i]), level + 1);
        if (memory_->free_table(Format::address(entries[i]))) --tables_;
      }
    }
  }

  TableMemory* memory_;
  PhysAddr root_;
  uint16_t asid_;
  bool owns_root_;
  bool user_ = false;
  size_t tables_;
  // One writer at a time (several heaps may grow the kernel's table at once);
  // taken after a heap's lock, before the frame allocator's.
  mutable lib::SpinLock lock_;
};

}  // namespace mm
