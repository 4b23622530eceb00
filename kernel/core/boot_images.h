// Program images built into the kernel (user/CMakeLists.txt embeds every
// program under user/programs), until a file system serves them.
#pragma once
#include <cstddef>
#include <cstdint>

namespace core {

struct BootImage {
  const char* name;
  const uint8_t* data;
  uint64_t size;
};

// The image called `name` (name_length bytes, not NUL-terminated), or nullptr.
const BootImage* find_boot_image(const char* name, size_t name_length);
size_t boot_image_count();
const BootImage& boot_image(size_t i);

}  // namespace core
