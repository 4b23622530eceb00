// The machine's CPUs as the firmware describes them (aarch64: the device
// tree's /cpus and /psci nodes, boot/fdt_cpus.h; x86_64: the ACPI MADT,
// boot/acpi.h). The arch boot code fills one in BootInfo; the kernel runs on
// the boot CPU only for now, and SMP bring-up will start the others from it.
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/arch.h"

namespace boot {

// How the firmware says a CPU other than the boot CPU is started.
enum class CpuStartMethod : uint8_t {
  none,        // not said (a device tree of one CPU has no enable-method)
  psci,        // aarch64: PSCI CPU_ON, called as CpuList::psci_conduit says
  spin_table,  // aarch64: a spin table (cpu-release-addr); not supported
  init_sipi,   // x86_64: INIT and STARTUP IPIs through the local APIC
  other,       // an enable-method the kernel does not know
};
const char* to_string(CpuStartMethod m);

// How PSCI is called: HVC (QEMU virt) or SMC; none if there is no PSCI.
enum class PsciConduit : uint8_t { none, hvc, smc };
const char* to_string(PsciConduit c);

// PSCI 0.2 and later fix the function ids; this is CPU_ON for 64-bit callers.
constexpr uint32_t kPsciCpuOn64 = 0xc4000003;

struct CpuEntry {
  // aarch64: MPIDR_EL1's affinity fields as the device tree's "reg" holds
  // them (Aff3 in bits 39:32, Aff2.Aff1.Aff0 in bits 23:0); x86_64: the
  // local APIC id (the x2APIC id where there is one).
  uint64_t hardware_id;
  CpuStartMethod start;
};

struct CpuList {
  static constexpr size_t kCapacity = arch::kMaxCpus;

  CpuEntry entries[kCapacity] = {};
  size_t count = 0;       // entries in use, in firmware order
  size_t ignored = 0;     // CPUs found beyond kCapacity: reported, never used
  size_t duplicates = 0;  // entries that repeated a listed id (dropped)
  size_t boot = 0;        // the entry of the CPU that booted (the arch boot code sets it)
  // aarch64: the /psci node's conduit and CPU_ON id (0: not known).
  PsciConduit psci_conduit = PsciConduit::none;
  uint32_t psci_cpu_on = 0;
  // x86_64: the physical address of the local APIC registers (MADT).
  uint64_t local_apic_address = 0;

  // Appends a CPU; one past kCapacity is counted in `ignored`, an id already
  // listed in `duplicates`.
  void add(uint64_t hardware_id, CpuStartMethod start);
  // The index of the entry with this id, or -1.
  long index_of(uint64_t hardware_id) const;
  // CPUs the firmware described (kept or not).
  size_t found() const { return count + ignored; }

  // What the arch boot code falls back on when the firmware's list is
  // unusable or leaves the boot CPU out: the boot CPU alone.
  static CpuList boot_cpu_only(uint64_t hardware_id) {
    CpuList list;
    list.add(hardware_id, CpuStartMethod::none);
    return list;
  }
};

}  // namespace boot
