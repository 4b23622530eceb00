#include "servers/fs/dirent_packer.h"

#include <cstring>

namespace tas::fs {

bool DirentPacker::add(uint32_t ino, uint8_t type, std::string_view name) {
  if (name.size() > 255) return false;
  const size_t size = dirent_size(name.size());
  if (size > out_.size() - used_) return false;
  uint8_t* p = out_.data() + used_;
  const rebound_fs_dirent header{ino, static_cast<uint16_t>(size), type,
                                 static_cast<uint8_t>(name.size())};
  std::memcpy(p, &header, sizeof header);
  std::memcpy(p + sizeof header, name.data(), name.size());
  // The NUL and the padding: nothing of what the page held before shows.
  std::memset(p + sizeof header + name.size(), 0, size - sizeof header - name.size());
  used_ += size;
  ++count_;
  return true;
}

}  // namespace tas::fs
