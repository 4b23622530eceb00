#include "rebound/error.h"

namespace rebound {

const char* to_string(Error e) {
  switch (e) {
    case Error::no_memory: return "out of memory";
    case Error::invalid_argument: return "invalid argument";
    case Error::out_of_range: return "out of range";
    case Error::already_exists: return "already exists";
    case Error::not_found: return "not found";
    case Error::not_supported: return "not supported";
    case Error::kernel_fault: return "kernel fault";
    case Error::limit_reached: return "limit reached";
    case Error::bad_handle: return "bad handle";
    case Error::stale_handle: return "stale handle";
    case Error::access_denied: return "access denied";
    case Error::bad_address: return "bad address";
    case Error::unknown_syscall: return "unknown system call";
    case Error::wrong_type: return "wrong object type";
    case Error::bad_image: return "bad program image";
    case Error::peer_closed: return "peer closed";
    case Error::server_fault: return "server fault";
    case Error::server_restarted: return "server restarted";
    case Error::interrupted: return "interrupted";
    case Error::io_error: return "I/O error";
  }
  return "unknown error";
}

}  // namespace rebound
