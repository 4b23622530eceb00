// The console UART on aarch64: QEMU virt's PL011. Its registers are mapped
// into the TAS (uncached) with DEVICE_MAP; the kernel keeps its own
// mapping, for its log. The receive interrupt (and the receive timeout, for
// a FIFO that holds fewer characters than its trigger level) is SPI 1.
#include "runtime/sys.h"
#include "servers/console/uart.h"

namespace tas::console::uart {
namespace {

constexpr uint64_t kPhys = 0x09000000;  // QEMU virt; the kernel's kUartPhys
constexpr unsigned kLine = 32 + 1;      // SPI 1
constexpr uintptr_t kData = 0x00, kFlags = 0x18, kMaskSet = 0x38, kClear = 0x44;
constexpr uint32_t kRxEmpty = 1u << 4, kTxFull = 1u << 5;
constexpr uint32_t kRxInterrupt = 1u << 4, kRxTimeout = 1u << 6;

volatile uint32_t* g_registers = nullptr;

volatile uint32_t& reg(uintptr_t offset) { return g_registers[offset / 4]; }

}  // namespace

Result<void> attach(rebound_handle devices, Holdings& holdings) {
  TRY(address, value(RB_SYS5(REBOUND_SYS_DEVICE_MAP, devices, kPhys, 4096, 0,
                             REBOUND_VM_READ | REBOUND_VM_WRITE)));
  if (auto kept = holdings.keep_mapping(address, 4096); !kept) {
    RB_SYS3(REBOUND_SYS_VM_UNMAP, address, 4096, 0);
    return kept;
  }
  g_registers = reinterpret_cast<volatile uint32_t*>(address);
  reg(kClear) = kRxInterrupt | kRxTimeout;
  reg(kMaskSet) = reg(kMaskSet) | kRxInterrupt | kRxTimeout;
  return {};
}

unsigned interrupt_line() { return kLine; }

bool get(char& c) {
  if ((reg(kFlags) & kRxEmpty) != 0) return false;
  c = static_cast<char>(reg(kData) & 0xff);
  return true;
}

void put(char c) {
  while ((reg(kFlags) & kTxFull) != 0) {
  }
  reg(kData) = static_cast<uint8_t>(c);
}

}  // namespace tas::console::uart
