#include "servers/process/program_image.h"

#include <utility>

#include "lib/align.h"
#include "runtime/sys.h"

namespace tas::process {

Result<ProgramImage> ProgramImage::open(rebound_handle devices, const char* path) {
  const char* name = path;
  for (const char* p = path; *p != '\0'; ++p)
    if (*p == '/') name = p + 1;
  const size_t n = __builtin_strlen(name);
  if (n == 0 || n >= sizeof ProgramImage{}.name_) return fail(Error::invalid_argument);
  // The TAS's own image is no program to start again.
  if (__builtin_strcmp(name, "tas") == 0) return fail(Error::not_found);
  ProgramImage image;
  __builtin_memcpy(image.name_, name, n + 1);
  const rb_result copy = RB_SYS3(REBOUND_SYS_BOOT_IMAGE_COPY, devices, name, n);
  if (copy.error != 0) return fail(static_cast<Error>(copy.error));
  image.memory_ = static_cast<rebound_handle>(copy.value);
  image.size_ = copy.value2;
  image.mapped_ = lib::align_up<size_t>(image.size_, 4096);
  TRY(at, value(RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, image.memory_, 0, 0, image.mapped_,
                        REBOUND_VM_READ, 0)));
  image.data_ = reinterpret_cast<const uint8_t*>(at);
  return image;
}

ProgramImage::ProgramImage(ProgramImage&& o) noexcept
    : memory_(std::exchange(o.memory_, 0)),
      data_(std::exchange(o.data_, nullptr)),
      size_(o.size_),
      mapped_(o.mapped_) {
  __builtin_memcpy(name_, o.name_, sizeof name_);
}

ProgramImage::~ProgramImage() {
  if (data_ != nullptr) RB_SYS3(REBOUND_SYS_VM_UNMAP, data_, mapped_, 0);
  if (memory_ != 0) RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, memory_);
}

}  // namespace tas::process
