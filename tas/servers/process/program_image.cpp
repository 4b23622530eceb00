#include "servers/process/program_image.h"

#include <utility>

#include "lib/align.h"
#include "runtime/call.h"
#include "runtime/sys.h"
#include "servers/fs/fs_server.h"

namespace tas::process {

Result<ProgramImage> ProgramImage::open(Supervisor& supervisor, rebound_handle devices,
                                        const char* path) {
  const char* name = path;
  for (const char* p = path; *p != '\0'; ++p)
    if (*p == '/') name = p + 1;
  const size_t n = __builtin_strlen(name);
  if (n == 0 || n >= sizeof ProgramImage{}.name_) return fail(Error::invalid_argument);
  ProgramImage image;
  __builtin_memcpy(image.name_, name, n + 1);
  if (auto fs = supervisor.ref<FsServer>(); fs) {
    image.fs_ = *fs;
    TRY_VOID(image.from_file_system(path));
  } else {
    TRY_VOID(image.from_boot_image(devices));
  }
  return image;
}

// A memory object of `size` bytes (rounded up to pages), mapped here.
Result<void> ProgramImage::map_memory(uint64_t size, uint64_t perms) {
  mapped_ = lib::align_up<size_t>(size, 4096);
  TRY(at, value(RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, memory_, 0, 0, mapped_, perms, 0)));
  data_ = reinterpret_cast<const uint8_t*>(at);
  size_ = size;
  return {};
}

Result<void> ProgramImage::from_file_system(const char* path) {
  const std::string_view p(path);
  TRY(size, call(fs_, [&](FsServer& fs) { return fs.file_size(p); }));
  TRY(bytes, std::move(size));
  if (bytes == 0) return fail(Error::bad_image);
  if (bytes > kMaxSize) return fail(Error::file_too_large);
  TRY(made, value(RB_SYS1(REBOUND_SYS_MEMORY_CREATE, lib::align_up<uint64_t>(bytes, 4096))));
  memory_ = static_cast<rebound_handle>(made);
  TRY_VOID(map_memory(bytes, REBOUND_VM_READ | REBOUND_VM_WRITE));
  const std::span<uint8_t> out(const_cast<uint8_t*>(data_), bytes);
  TRY(read, call(fs_, [&](FsServer& fs) { return fs.read_file(p, 0, out); }));
  TRY(got, std::move(read));
  if (got != bytes) return fail(Error::io_error);  // changed while read
  return {};
}

Result<void> ProgramImage::from_boot_image(rebound_handle devices) {
  // The TAS's own image is no program to start again.
  if (__builtin_strcmp(name_, "tas") == 0) return fail(Error::not_found);
  const rb_result copy =
      RB_SYS3(REBOUND_SYS_BOOT_IMAGE_COPY, devices, name_, __builtin_strlen(name_));
  if (copy.error != 0) return fail(static_cast<Error>(copy.error));
  memory_ = static_cast<rebound_handle>(copy.value);
  return map_memory(copy.value2, REBOUND_VM_READ);
}

ProgramImage::ProgramImage(ProgramImage&& o) noexcept
    : fs_(o.fs_),
      memory_(std::exchange(o.memory_, 0)),
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
