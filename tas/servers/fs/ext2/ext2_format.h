// The on-disk structures of ext2 (revision 1), as mke2fs and Linux write
// them: little-endian, copied in and out of block buffers with memcpy (no
// alignment assumed). Only the fields this implementation reads or writes
// have names; the rest are kept as they are on disk.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>

namespace tas::fs::ext2 {

static_assert(std::endian::native == std::endian::little, "ext2 structures are little-endian");

inline constexpr uint16_t kMagic = 0xEF53;
inline constexpr uint32_t kSuperblockOffset = 1024;  // bytes from the start of the volume
inline constexpr uint32_t kSuperblockSize = 1024;
inline constexpr uint32_t kDynamicRevision = 1;  // rev 0 (fixed inode size) is refused
inline constexpr uint32_t kMinBlockLog = 10;     // 1 KiB
inline constexpr uint32_t kMaxBlockLog = 12;     // 4 KiB
inline constexpr uint32_t kOldInodeSize = 128;
inline constexpr uint32_t kOldFirstInode = 11;

// Superblock s_state.
inline constexpr uint16_t kStateValid = 1;  // cleanly unmounted
inline constexpr uint16_t kStateError = 2;  // errors detected

// Features. Compat ones may be ignored; an unknown incompat one refuses the
// mount; an unknown ro_compat one allows a read-only mount only.
inline constexpr uint32_t kIncompatFiletype = 0x0002;
inline constexpr uint32_t kIncompatSupported = kIncompatFiletype;
inline constexpr uint32_t kRoCompatSparseSuper = 0x0001;
inline constexpr uint32_t kRoCompatLargeFile = 0x0002;
inline constexpr uint32_t kRoCompatSupported = kRoCompatSparseSuper | kRoCompatLargeFile;

// Reserved inode numbers.
inline constexpr uint32_t kRootInode = 2;

struct SuperBlock {
  uint32_t inodes_count;
  uint32_t blocks_count;
  uint32_t r_blocks_count;
  uint32_t free_blocks_count;
  uint32_t free_inodes_count;
  uint32_t first_data_block;
  uint32_t log_block_size;  // block size = 1024 << log_block_size
  uint32_t log_frag_size;
  uint32_t blocks_per_group;
  uint32_t frags_per_group;
  uint32_t inodes_per_group;
  uint32_t mtime;  // last mount
  uint32_t wtime;  // last write
  uint16_t mnt_count;
  int16_t max_mnt_count;
  uint16_t magic;
  uint16_t state;
  uint16_t errors;
  uint16_t minor_rev_level;
  uint32_t lastcheck;
  uint32_t checkinterval;
  uint32_t creator_os;
  uint32_t rev_level;
  uint16_t def_resuid;
  uint16_t def_resgid;
  // Revision 1 (dynamic) fields.
  uint32_t first_ino;
  uint16_t inode_size;
  uint16_t block_group_nr;
  uint32_t feature_compat;
  uint32_t feature_incompat;
  uint32_t feature_ro_compat;
  uint8_t uuid[16];
  char volume_name[16];
  char last_mounted[64];
  uint32_t algorithm_usage_bitmap;
  uint8_t prealloc_blocks;
  uint8_t prealloc_dir_blocks;
  uint16_t reserved_gdt_blocks;  // for online resizing, after the descriptors
  uint8_t rest[1024 - 208];
};
static_assert(sizeof(SuperBlock) == kSuperblockSize);
static_assert(offsetof(SuperBlock, magic) == 56 && offsetof(SuperBlock, first_ino) == 84);
static_assert(offsetof(SuperBlock, feature_ro_compat) == 100);
static_assert(offsetof(SuperBlock, reserved_gdt_blocks) == 206);

struct GroupDescriptor {
  uint32_t block_bitmap;
  uint32_t inode_bitmap;
  uint32_t inode_table;
  uint16_t free_blocks_count;
  uint16_t free_inodes_count;
  uint16_t used_dirs_count;
  uint16_t flags;
  uint8_t reserved[12];
};
static_assert(sizeof(GroupDescriptor) == 32);

inline constexpr uint32_t kDirectBlocks = 12;
inline constexpr uint32_t kIndirectSlot = 12;  // i_block[] slots of the three trees
inline constexpr uint32_t kDoubleSlot = 13;
inline constexpr uint32_t kTripleSlot = 14;
inline constexpr uint32_t kBlockSlots = 15;

struct Inode {
  uint16_t mode;
  uint16_t uid;
  uint32_t size;  // low 32 bits
  uint32_t atime;
  uint32_t ctime;
  uint32_t mtime;
  uint32_t dtime;  // deletion time: 0 while the inode is in use
  uint16_t gid;
  uint16_t links_count;
  uint32_t blocks;  // 512-byte units: data, indirect and extended-attribute blocks
  uint32_t flags;
  uint32_t osd1;
  uint32_t block[kBlockSlots];
  uint32_t generation;
  uint32_t file_acl;   // extended-attribute block, or 0
  uint32_t size_high;  // regular files: high 32 bits of the size (i_dir_acl)
  uint32_t faddr;
  uint16_t blocks_high;
  uint16_t file_acl_high;
  uint16_t uid_high;
  uint16_t gid_high;
  uint16_t checksum_lo;
  uint16_t reserved;
};
static_assert(sizeof(Inode) == kOldInodeSize);
static_assert(offsetof(Inode, block) == 40 && offsetof(Inode, uid_high) == 120);

// After the first 128 bytes of a larger inode.
inline constexpr uint32_t kExtraIsizeOffset = 128;  // uint16_t i_extra_isize
inline constexpr uint16_t kExtraIsize = 32;         // what Linux and mke2fs put there
inline constexpr uint32_t kCrtimeOffset = 144;      // uint32_t i_crtime (needs kExtraIsize)

// Inode flags this implementation must know about.
inline constexpr uint32_t kIndexFlag = 0x1000;  // hashed directory: kept readable, flag cleared on
                                                // change
inline constexpr uint32_t kUnsupportedFlags = 0x00080000     // extents
                                              | 0x10000000   // inline data
                                              | 0x00000004;  // compressed

// Mode: the type bits.
inline constexpr uint16_t kTypeMask = 0xF000;
inline constexpr uint16_t kTypeSocket = 0xC000;
inline constexpr uint16_t kTypeSymlink = 0xA000;
inline constexpr uint16_t kTypeRegular = 0x8000;
inline constexpr uint16_t kTypeBlockDevice = 0x6000;
inline constexpr uint16_t kTypeDirectory = 0x4000;
inline constexpr uint16_t kTypeCharDevice = 0x2000;
inline constexpr uint16_t kTypeFifo = 0x1000;
inline constexpr uint16_t kPermissionMask = 0x0FFF;

inline bool is_directory(const Inode& i) { return (i.mode & kTypeMask) == kTypeDirectory; }
inline bool is_regular(const Inode& i) { return (i.mode & kTypeMask) == kTypeRegular; }
inline bool is_symlink(const Inode& i) { return (i.mode & kTypeMask) == kTypeSymlink; }

inline constexpr uint16_t kLinkMax = 32000;  // EXT2_LINK_MAX

// Directory entries: this header, then name_len bytes of name, the whole
// padded to 4 bytes; rec_len covers the entry and any slack after it, and
// the last entry of a block reaches its end.
struct DirEntryHeader {
  uint32_t inode;  // 0: an unused entry
  uint16_t rec_len;
  uint8_t name_len;
  uint8_t file_type;  // with the filetype feature; otherwise the high byte of name_len (0)
};
static_assert(sizeof(DirEntryHeader) == 8);
inline constexpr uint32_t kNameMax = 255;

// The size an entry with a name of `name_len` bytes needs.
inline constexpr uint32_t dir_entry_size(uint32_t name_len) {
  return (static_cast<uint32_t>(sizeof(DirEntryHeader)) + name_len + 3) & ~3u;
}

// Directory entry file types.
enum class FileType : uint8_t {
  unknown = 0,
  regular = 1,
  directory = 2,
  char_device = 3,
  block_device = 4,
  fifo = 5,
  socket = 6,
  symlink = 7,
};

inline FileType file_type_of(uint16_t mode) {
  switch (mode & kTypeMask) {
    case kTypeRegular: return FileType::regular;
    case kTypeDirectory: return FileType::directory;
    case kTypeCharDevice: return FileType::char_device;
    case kTypeBlockDevice: return FileType::block_device;
    case kTypeFifo: return FileType::fifo;
    case kTypeSocket: return FileType::socket;
    case kTypeSymlink: return FileType::symlink;
    default: return FileType::unknown;
  }
}

}  // namespace tas::fs::ext2
