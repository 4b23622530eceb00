#include "runtime/server.h"

#include "runtime/heaps.h"

namespace tas {

Result<void> Server::init(Server& s, const char* name) {
  TRY(heap, create_heap(name));
  s.attach(name, *heap, 1);
  return {};
}

}  // namespace tas
