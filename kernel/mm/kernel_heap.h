// The kernel's general heap, behind operator new/delete.
#pragma once
#include "mm/heap.h"

namespace mm {
Heap& kernel_heap();
}  // namespace mm
