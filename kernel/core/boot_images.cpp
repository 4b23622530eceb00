#include "core/boot_images.h"

extern "C" const core::BootImage rebound_boot_images[];
extern "C" const uint64_t rebound_boot_image_count;

namespace core {

size_t boot_image_count() { return rebound_boot_image_count; }
const BootImage& boot_image(size_t i) { return rebound_boot_images[i]; }

const BootImage* find_boot_image(const char* name, size_t name_length) {
  for (size_t i = 0; i < boot_image_count(); ++i) {
    const char* n = rebound_boot_images[i].name;
    size_t k = 0;
    while (k < name_length && n[k] != '\0' && n[k] == name[k]) ++k;
    if (k == name_length && n[k] == '\0') return &rebound_boot_images[i];
  }
  return nullptr;
}

}  // namespace core
