// Device lines on x86_64 (arch.h). Line n < 16 is ISA IRQ n, at the GSI the
// MADT's overrides name, with their trigger mode and polarity (edge, active
// high without one); a line from 16 up is that GSI, level-triggered and
// active low as PCI interrupts are. GSI g goes to the boot CPU on vector
// kFirstDeviceVector + g. Masking is the I/O APIC input's mask bit; an edge
// that arrives while an edge-triggered input is masked is lost (the I/O
// APIC ignores it), which interrupt objects tell their drivers.
#include "arch/x86_64/device_lines.h"

#include "arch/arch.h"
#include "arch/x86_64/interrupt_vectors.h"
#include "arch/x86_64/io_apic.h"
#include "arch/x86_64/local_apic.h"
#include "arch/x86_64/traps.h"
#include "boot/acpi.h"

namespace arch {
namespace {
using namespace x86_64;

constexpr unsigned kPitIrq = 0;  // the kernel calibrates its clock with the PIT

// The line on each device vector, plus one (0: none). Under the big kernel
// lock.
unsigned g_line_of[kDeviceVectors];

struct Input {
  uint32_t gsi;
  bool level_triggered, active_low;
};

Input input_of(unsigned line) {
  if (line < boot::InterruptRouting::kIsaIrqs) {
    const boot::IsaRoute& r = io_apic::isa_route(line);
    return {r.gsi, r.level_triggered, r.active_low};
  }
  return {line, true, true};
}

// The vector slot of an enabled line, or -1.
int slot_of(unsigned line) {
  const Input in = input_of(line);
  if (in.gsi >= kDeviceVectors || g_line_of[in.gsi] != line + 1) return -1;
  return static_cast<int>(in.gsi);
}

}  // namespace

Result<void> device_line_enable(unsigned line) {
  if (line == kPitIrq) return fail(Error::access_denied);
  const Input in = input_of(line);
  if (in.gsi >= kDeviceVectors) return fail(Error::out_of_range);
  if (g_line_of[in.gsi] != 0) return fail(Error::already_exists);
  const auto vector = static_cast<uint8_t>(kFirstDeviceVector + in.gsi);
  TRY_VOID(io_apic::route(in.gsi, vector, lapic::apic_id_of(0), in.level_triggered, in.active_low));
  idt_set_interrupt_gate(vector);
  g_line_of[in.gsi] = line + 1;
  io_apic::unmask(in.gsi);
  return {};
}

void device_line_disable(unsigned line) {
  const int slot = slot_of(line);
  if (slot < 0) return;
  io_apic::mask(static_cast<uint32_t>(slot));
  // The gate stays: a vector already accepted finds no line and is dropped.
  g_line_of[slot] = 0;
}

void device_line_mask(unsigned line) {
  if (const int slot = slot_of(line); slot >= 0) io_apic::mask(static_cast<uint32_t>(slot));
}

void device_line_unmask(unsigned line) {
  if (const int slot = slot_of(line); slot >= 0) io_apic::unmask(static_cast<uint32_t>(slot));
}

bool device_line_masked(unsigned line) {
  const int slot = slot_of(line);
  return slot < 0 || io_apic::masked(static_cast<uint32_t>(slot));
}

}  // namespace arch

namespace arch::x86_64 {

bool device_line_of_vector(uint64_t vector, unsigned& line) {
  if (vector < kFirstDeviceVector || vector >= kFirstDeviceVector + kDeviceVectors) return false;
  const auto gsi = static_cast<uint32_t>(vector - kFirstDeviceVector);
  if (g_line_of[gsi] == 0) return false;
  io_apic::mask(gsi);
  line = g_line_of[gsi] - 1;
  return true;
}

}  // namespace arch::x86_64
