// A program's file, in memory of the TAS while the process server builds a
// process from it: read through the file-system server (an in-TAS call,
// FsServer::read_file) into a memory object; when no file system serves
// (no usable disk), from the programs built into the kernel (a boot image
// copied with BOOT_IMAGE_COPY), by the last part of the path ("/bin/hello"
// is "hello").
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"
#include "runtime/supervisor.h"

namespace tas {
class FsServer;
}

namespace tas::process {

class ProgramImage {
 public:
  // The program at `path`: not_found if there is none, invalid_argument
  // for a path without a name; file_too_large over 64 MiB.
  static Result<ProgramImage> open(Supervisor& supervisor, rebound_handle devices,
                                   const char* path);
  ProgramImage(ProgramImage&& o) noexcept;
  ProgramImage& operator=(ProgramImage&&) = delete;
  ~ProgramImage();

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // The last part of the path: the process's name.
  const char* name() const { return name_; }

 private:
  ProgramImage() = default;
  Result<void> from_file_system(const char* path);
  Result<void> from_boot_image(rebound_handle devices);
  Result<void> map_memory(uint64_t size, uint64_t perms);
  static constexpr uint64_t kMaxSize = uint64_t{64} << 20;
  ServerRef<FsServer> fs_;  // none when read from a boot image
  rebound_handle memory_ = 0;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0, mapped_ = 0;
  char name_[32] = {};
};

}  // namespace tas::process
