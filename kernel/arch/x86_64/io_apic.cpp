#include "arch/x86_64/io_apic.h"

#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/device_memory.h"

namespace arch::x86_64::io_apic {
namespace {

// Indirect registers: write the index to IOREGSEL, then use IOWIN.
constexpr uintptr_t kRegisterSelect = 0x00, kWindow = 0x10;
constexpr uint32_t kVersion = 0x01;      // bits 16-23: the last redirection entry
constexpr uint32_t kRedirection = 0x10;  // entry n: low dword 0x10 + 2n, high + 1
constexpr uint32_t kMasked = 1u << 16;   // low dword of an entry
constexpr uint32_t kLevelTriggered = 1u << 15, kActiveLow = 1u << 13;

struct IoApic {
  uintptr_t registers = 0;  // mapped
  uint32_t gsi_base = 0;
  uint32_t inputs = 0;
};

boot::InterruptRouting g_routing;
// The select-then-access register pairs: the interrupt handler masks an
// input without the big kernel lock, while another CPU may unmask one.
lib::SpinLock g_lock;
IoApic g_apics[boot::InterruptRouting::kMaxIoApics];
unsigned g_count = 0;

uint32_t read(const IoApic& a, uint32_t reg) {
  *reinterpret_cast<volatile uint32_t*>(a.registers + kRegisterSelect) = reg;
  return *reinterpret_cast<volatile uint32_t*>(a.registers + kWindow);
}
void write(const IoApic& a, uint32_t reg, uint32_t value) {
  *reinterpret_cast<volatile uint32_t*>(a.registers + kRegisterSelect) = reg;
  *reinterpret_cast<volatile uint32_t*>(a.registers + kWindow) = value;
}

// The I/O APIC with `gsi` among its inputs, and the input's entry register.
const IoApic* find(uint32_t gsi, uint32_t& entry) {
  for (unsigned i = 0; i < g_count; ++i) {
    const IoApic& a = g_apics[i];
    if (gsi >= a.gsi_base && gsi - a.gsi_base < a.inputs) {
      entry = kRedirection + 2 * (gsi - a.gsi_base);
      return &a;
    }
  }
  return nullptr;
}

void set_mask(uint32_t gsi, bool on) {
  uint32_t entry;
  const IoApic* a = find(gsi, entry);
  if (a == nullptr) return;
  lib::LockGuard guard(g_lock);
  const uint32_t low = read(*a, entry);
  write(*a, entry, on ? low | kMasked : low & ~kMasked);
}

}  // namespace

void set_routing(const boot::InterruptRouting& routing) { g_routing = routing; }

void init() {
  for (size_t i = 0; i < g_routing.io_apic_count; ++i) {
    const boot::IoApicEntry& e = g_routing.io_apics[i];
    auto va = mm::map_device(e.address, 0x20);
    if (!va) {
      KLOG_ERROR("I/O APIC %u: cannot map its registers at %#lx (%s)", e.id,
                 static_cast<unsigned long>(e.address), rebound::to_string(va.error()));
      continue;
    }
    IoApic& a = g_apics[g_count];
    a.registers = *va;
    a.gsi_base = e.gsi_base;
    a.inputs = ((read(a, kVersion) >> 16) & 0xff) + 1;
    for (uint32_t n = 0; n < a.inputs; ++n) {
      write(a, kRedirection + 2 * n, kMasked);
      write(a, kRedirection + 2 * n + 1, 0);
    }
    ++g_count;
    KLOG_INFO("I/O APIC %u at %#lx: GSIs %u-%u, all masked", e.id,
              static_cast<unsigned long>(e.address), a.gsi_base, a.gsi_base + a.inputs - 1);
  }
  if (g_routing.io_apics_ignored > 0)
    KLOG_WARN("I/O APIC: %zu more in the MADT, ignored", g_routing.io_apics_ignored);
}

unsigned count() { return g_count; }

const boot::IsaRoute& isa_route(unsigned irq) { return g_routing.isa[irq]; }

Result<void> route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level_triggered,
                   bool active_low) {
  if (g_count == 0 || apic_id > 0xff) return fail(Error::not_supported);
  uint32_t entry;
  const IoApic* a = find(gsi, entry);
  if (a == nullptr) return fail(Error::out_of_range);
  // Fixed delivery, physical destination mode (bits 8-11 zero).
  lib::LockGuard guard(g_lock);
  write(*a, entry, kMasked);
  write(*a, entry + 1, apic_id << 24);
  write(*a, entry,
        kMasked | vector | (level_triggered ? kLevelTriggered : 0) | (active_low ? kActiveLow : 0));
  return {};
}

void mask(uint32_t gsi) { set_mask(gsi, true); }
void unmask(uint32_t gsi) { set_mask(gsi, false); }

bool masked(uint32_t gsi) {
  uint32_t entry;
  const IoApic* a = find(gsi, entry);
  if (a == nullptr) return true;
  lib::LockGuard guard(g_lock);
  return (read(*a, entry) & kMasked) != 0;
}

}  // namespace arch::x86_64::io_apic
