// A program's file, mapped in the TAS while the process server builds a
// process from it. Today from the programs built into the kernel (a boot
// image copied into a memory object: BOOT_IMAGE_COPY), by the last part of
// its path ("/bin/hello" is "hello"); next, from the file system.
#pragma once
#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "rebound/syscall.h"

namespace tas::process {

class ProgramImage {
 public:
  // The program at `path`: not_found if there is none, invalid_argument
  // for a path without a name.
  static Result<ProgramImage> open(rebound_handle devices, const char* path);
  ProgramImage(ProgramImage&& o) noexcept;
  ProgramImage& operator=(ProgramImage&&) = delete;
  ~ProgramImage();

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // The last part of the path: the process's name.
  const char* name() const { return name_; }

 private:
  ProgramImage() = default;
  rebound_handle memory_ = 0;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0, mapped_ = 0;
  char name_[32] = {};
};

}  // namespace tas::process
