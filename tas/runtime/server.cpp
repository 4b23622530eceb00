#include "runtime/server.h"

#include "runtime/heaps.h"
#include "runtime/thread.h"

namespace tas {

Result<void> Server::init(Server& s, const char* name) {
  TRY(heap, create_heap(name));
  Holdings* holdings;
  {
    HeapScope scope(heap);
    holdings = new Holdings;
  }
  s.attach(name, *heap, 1, *holdings);
  return {};
}

}  // namespace tas
