// The entry format of this kernel's architecture, for mm::PageTableOf.
#pragma once
#if defined(__aarch64__)
#include "arch/aarch64/pte_format.h"
namespace arch {
using PteFormat = aarch64::PteFormat;
}
#elif defined(__x86_64__)
#include "arch/x86_64/pte_format.h"
namespace arch {
using PteFormat = x86_64::PteFormat;
}
#endif
