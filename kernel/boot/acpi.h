// The CPUs and interrupt routing of an x86 machine from its ACPI tables: the
// RSDP (found in the BIOS areas), the RSDT or XSDT, and the MADT's processor
// local APIC and x2APIC entries, its I/O APICs and its ISA interrupt source
// overrides. Every byte is read through a caller-provided function, so
// the parser never touches memory itself: the kernel reads physical memory
// through its direct map, the host tests feed hand-built tables. Every table
// is checked (signature, length, checksum) before it is used, and nothing is
// read beyond a table's stated length.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boot/cpu_list.h"

namespace boot {

enum class AcpiError : uint8_t {
  no_rsdp,       // no "RSD PTR " with a valid checksum in the BIOS areas
  unreadable,    // a table lies where the reader cannot read
  bad_checksum,  // an RSDP, RSDT, XSDT or MADT whose bytes do not sum to 0
  bad_table,     // a wrong signature, an impossible length, an entry past the end
  no_madt,       // the RSDT/XSDT lists no "APIC" table
  no_cpus,       // the MADT lists no enabled processor
  no_io_apic,    // the MADT lists no I/O APIC
};
const char* to_string(AcpiError e);

// Copies `length` bytes of physical memory at `phys` to `out`; returns false
// if that memory cannot be read.
struct PhysReader {
  bool (*read)(void* context, uint64_t phys, void* out, size_t length);
  void* context;
};

// Tables longer than this are taken for corrupt (real MADTs and XSDTs are a
// few KiB at most).
constexpr uint32_t kAcpiMaxTableLength = 1u << 20;

// Looks for the RSDP where BIOS firmware puts it: the first KiB of the EBDA
// (its segment is the word at 0x40e) and 0xe0000-0xfffff, on 16-byte
// boundaries. A candidate counts if its first 20 bytes sum to 0 and, for
// revision 2 and later, its whole length (36 to 4096 bytes) does too.
bool acpi_find_rsdp(const PhysReader& memory, uint64_t& rsdp, AcpiError& error);

// From the RSDP at `rsdp`: the XSDT (revision 2 and later, if its address is
// not 0; the RSDT if the XSDT is unusable) or the RSDT, then the MADT.
// Fills `cpus` (emptied first) with every enabled processor local APIC
// (type 0; id 0xff is not a CPU) and x2APIC (type 9) entry, in table order,
// all started by INIT-SIPI, and `cpus.local_apic_address` (the MADT's, or
// that of a local APIC address override, type 5). On failure `cpus` is empty.
bool acpi_find_cpus(const PhysReader& memory, uint64_t rsdp, CpuList& cpus, AcpiError& error);

// An I/O APIC of the MADT (type 1): its inputs are the global system
// interrupts (GSIs) gsi_base, gsi_base + 1, ...
struct IoApicEntry {
  uint8_t id;
  uint64_t address;  // its registers (physical)
  uint32_t gsi_base;
};

// Where an ISA IRQ arrives: its GSI and how it signals. Without an interrupt
// source override (MADT type 2) ISA IRQ n is GSI n, edge-triggered, active
// high.
struct IsaRoute {
  uint32_t gsi;
  bool active_low;
  bool level_triggered;
};

struct InterruptRouting {
  static constexpr size_t kMaxIoApics = 8;
  static constexpr unsigned kIsaIrqs = 16;

  IoApicEntry io_apics[kMaxIoApics] = {};
  size_t io_apic_count = 0;
  size_t io_apics_ignored = 0;  // beyond kMaxIoApics
  IsaRoute isa[kIsaIrqs];

  InterruptRouting() {
    for (unsigned irq = 0; irq < kIsaIrqs; ++irq) isa[irq] = IsaRoute{irq, false, false};
  }
};

// From the RSDP at `rsdp` (the same tables as acpi_find_cpus): fills
// `routing` (reset first) with the MADT's I/O APICs, in table order, and its
// ISA interrupt source overrides (bus 0; "conforms to the bus" flags mean
// ISA's edge and active high). AcpiError::no_io_apic if it lists none.
bool acpi_find_interrupt_routing(const PhysReader& memory, uint64_t rsdp, InterruptRouting& routing,
                                 AcpiError& error);

}  // namespace boot
