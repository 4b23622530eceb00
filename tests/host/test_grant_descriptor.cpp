// How IPC_CALL_GRANT's words 4 and 5 describe lent memory: whole pages, a
// size within the limit, read or read-write -- anything else is refused
// before the kernel looks at the caller's memory.
#include <gtest/gtest.h>

#include "core/grant_descriptor.h"

namespace {

using core::decode_grant;
constexpr uint64_t kPage = REBOUND_PAGE_SIZE;
constexpr uint64_t kRead = REBOUND_VM_READ, kWrite = REBOUND_VM_WRITE;

TEST(GrantDescriptor, ReadOnlyAndReadWrite) {
  auto ro = decode_grant(0x10000, 3 * kPage | kRead);
  ASSERT_TRUE(ro.has_value());
  EXPECT_EQ(ro->address, 0x10000u);
  EXPECT_EQ(ro->size, 3 * kPage);
  EXPECT_FALSE(ro->writable);
  auto rw = decode_grant(0x7fff0000, REBOUND_GRANT_MAX | kRead | kWrite);
  ASSERT_TRUE(rw.has_value());
  EXPECT_EQ(rw->size, REBOUND_GRANT_MAX);
  EXPECT_TRUE(rw->writable);
}

TEST(GrantDescriptor, OnlyWholePages) {
  EXPECT_EQ(decode_grant(0x10008, kPage | kRead).error(), Error::invalid_argument);
  EXPECT_EQ(decode_grant(0x10000, 0 | kRead).error(), Error::invalid_argument);
  // A size that is not a page multiple reads as permission bits: refused.
  EXPECT_EQ(decode_grant(0x10000, (kPage + 0x100) | kRead).error(), Error::invalid_argument);
}

TEST(GrantDescriptor, WithinTheLimit) {
  EXPECT_EQ(decode_grant(0x10000, (REBOUND_GRANT_MAX + kPage) | kRead).error(),
            Error::invalid_argument);
  EXPECT_EQ(decode_grant(0x10000, ~REBOUND_GRANT_PERMS_MASK | kRead).error(),
            Error::invalid_argument);
}

TEST(GrantDescriptor, ReadOrReadWriteOnly) {
  EXPECT_EQ(decode_grant(0x10000, kPage).error(), Error::invalid_argument);           // none
  EXPECT_EQ(decode_grant(0x10000, kPage | kWrite).error(), Error::invalid_argument);  // W only
  EXPECT_EQ(decode_grant(0x10000, kPage | kRead | REBOUND_VM_EXECUTE).error(),
            Error::invalid_argument);
  EXPECT_EQ(decode_grant(0x10000, kPage | 0x800 | kRead).error(), Error::invalid_argument);
}

}  // namespace
