#include "boot/fdt_cpus.h"

#include "boot/fdt_walk.h"

namespace boot {
namespace {

using namespace fdt_detail;

// MPIDR_EL1's affinity fields: Aff3 (39:32), Aff2, Aff1, Aff0 (23:0).
constexpr uint64_t kMpidrAffinityMask = 0xff00ffffff;

// A node's properties all come before its children, so a node is complete
// when its first child begins or when it ends (as in fdt_find_reg).
struct CpusVisitor {
  CpuList& cpus;
  FdtError& error;
  bool failed = false;
  bool psci_found = false;
  bool in_cpus = false;             // inside /cpus (depth 2)
  uint32_t cpus_address_cells = 2;  // the specification's default

  struct Node {
    bool named_cpu, device_type_cpu, failed_status, disabled, psci, psci_v02, decided;
    const uint8_t *reg, *enable_method, *method, *cpu_on;
    uint32_t reg_length, enable_method_length, method_length, cpu_on_length;
  };
  Node nodes[kMaxDepth + 1] = {};  // [depth]

  bool begin_node(const char* name, int depth) {
    if (depth > 1 && !decide(depth - 1)) return false;
    nodes[depth] = Node{};
    nodes[depth].named_cpu = node_is(name, "cpu");
    if (depth == 2) {
      in_cpus = node_is(name, "cpus");
      cpus_address_cells = 2;
    }
    return true;
  }
  bool end_node(int depth) {
    if (!decide(depth)) return false;
    if (depth == 2) in_cpus = false;
    return true;
  }
  bool property(const char* name, const uint8_t* value, uint32_t len, int depth) {
    Node& n = nodes[depth];
    if (depth == 2 && in_cpus && len == 4 && equals(name, "#address-cells"))
      cpus_address_cells = be32(value);
    if (equals(name, "device_type")) n.device_type_cpu = string_list_has(value, len, "cpu");
    if (equals(name, "status")) {
      n.failed_status =
          len >= 4 && value[0] == 'f' && value[1] == 'a' && value[2] == 'i' && value[3] == 'l';
      n.disabled = !string_list_has(value, len, "okay") && !string_list_has(value, len, "ok");
    }
    if (equals(name, "reg")) n.reg = value, n.reg_length = len;
    if (equals(name, "enable-method")) n.enable_method = value, n.enable_method_length = len;
    if (equals(name, "method")) n.method = value, n.method_length = len;
    if (equals(name, "cpu_on")) n.cpu_on = value, n.cpu_on_length = len;
    if (equals(name, "compatible")) {
      n.psci_v02 = string_list_has(value, len, "arm,psci-0.2") ||
                   string_list_has(value, len, "arm,psci-1.0");
      n.psci = n.psci_v02 || string_list_has(value, len, "arm,psci");
    }
    return true;
  }

  bool decide(int depth) {
    Node& n = nodes[depth];
    if (n.decided) return true;
    n.decided = true;
    if (n.psci && !n.disabled && !psci_found) take_psci(n);
    if (depth == 3 && in_cpus && (n.device_type_cpu || n.named_cpu) && !n.failed_status)
      return take_cpu(n);
    return true;
  }

  void take_psci(const Node& n) {
    psci_found = true;
    if (n.method != nullptr && string_list_has(n.method, n.method_length, "hvc"))
      cpus.psci_conduit = PsciConduit::hvc;
    else if (n.method != nullptr && string_list_has(n.method, n.method_length, "smc"))
      cpus.psci_conduit = PsciConduit::smc;
    if (n.psci_v02)
      cpus.psci_cpu_on = kPsciCpuOn64;
    else if (n.cpu_on != nullptr && n.cpu_on_length == 4)
      cpus.psci_cpu_on = be32(n.cpu_on);
  }

  bool take_cpu(const Node& n) {
    const uint32_t ac = cpus_address_cells;
    if (ac == 0 || ac > 2 || n.reg == nullptr || n.reg_length < 4 * ac ||
        n.reg_length % (4 * ac) != 0)
      return fail(FdtError::bad_structure);
    const uint64_t id = read_cells(n.reg, ac);
    if ((id & ~kMpidrAffinityMask) != 0) return fail(FdtError::bad_structure);
    CpuStartMethod start = CpuStartMethod::none;
    if (n.enable_method != nullptr) {
      if (string_list_has(n.enable_method, n.enable_method_length, "psci"))
        start = CpuStartMethod::psci;
      else if (string_list_has(n.enable_method, n.enable_method_length, "spin-table"))
        start = CpuStartMethod::spin_table;
      else
        start = CpuStartMethod::other;
    }
    cpus.add(id, start);
    return true;
  }

  bool fail(FdtError e) {
    error = e;
    failed = true;
    return false;  // stops the walk
  }
};

}  // namespace

bool fdt_find_cpus(const void* blob, size_t limit, CpuList& cpus, FdtError& error) {
  cpus = CpuList{};
  CpusVisitor v{cpus, error};
  if (!walk(blob, limit, v, error) || v.failed) return cpus = CpuList{}, false;
  if (cpus.found() == 0) return cpus = CpuList{}, error = FdtError::not_found, false;
  return true;
}

}  // namespace boot
