// Which inodes are open, and how many times: an inode whose last link goes
// while it is open is kept (with no name, its link count 0) until its last
// close, as POSIX has it. A table that grows as needed.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "servers/fs/fallible_new.h"

namespace tas::fs::ext2 {

class OpenInodes {
 public:
  // One more opening of `ino`.
  Result<void> add(uint32_t ino) {
    if (const size_t i = index_of(ino); i < size_) {
      ++entries_[i].count;
      return {};
    }
    if (size_ == capacity_) {
      const size_t capacity = capacity_ == 0 ? 16 : capacity_ * 2;
      TRY(grown, make_array<Entry>(capacity));
      for (size_t i = 0; i < size_; ++i) grown[i] = entries_[i];
      entries_ = std::move(grown);
      capacity_ = capacity;
    }
    entries_[size_++] = {ino, 1};
    return {};
  }

  // One opening fewer: true when that was the last; not_found when `ino`
  // is not open.
  Result<bool> remove(uint32_t ino) {
    const size_t i = index_of(ino);
    if (i == size_) return fail(Error::not_found);
    if (--entries_[i].count > 0) return false;
    entries_[i] = entries_[--size_];
    return true;
  }

  bool contains(uint32_t ino) const { return index_of(ino) < size_; }
  size_t size() const { return size_; }
  uint32_t at(size_t i) const { return entries_[i].ino; }

 private:
  struct Entry {
    uint32_t ino;
    uint32_t count;
  };

  // Where `ino` is in the table, or size_.
  size_t index_of(uint32_t ino) const {
    size_t i = 0;
    while (i < size_ && entries_[i].ino != ino) ++i;
    return i;
  }

  Array<Entry> entries_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace tas::fs::ext2
