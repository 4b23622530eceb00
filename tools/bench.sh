#!/usr/bin/env bash
# Benchmarks under QEMU -icount shift=0,sleep=off: the guest clock advances
# 1 ns per guest instruction, so every figure is guest instructions
# (deterministic). Prints one table for both architectures.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
mkdir -p build/bench
for arch in aarch64 x86_64; do
  tools/build.sh "$arch" > "build/bench/$arch.build.log" 2>&1 || { tail -30 "build/bench/$arch.build.log"; exit 1; }
  python3 tools/qemu.py --check --arch "$arch" --icount --image "build/$arch/kernel/rebound-ktest.bin" \
    --append bench --expect "^bench: done" --output "build/bench/$arch.log" > /dev/null ||
    { cat "build/bench/$arch.log"; echo "bench: $arch run failed" >&2; exit 1; }
  python3 tools/qemu.py --check --arch "$arch" --icount --image "build/$arch/kernel/rebound.bin" \
    --append halt --output "build/bench/$arch.boot.log" > /dev/null
done
python3 - <<'PY'
import re
rows, archs = {}, ["aarch64", "x86_64"]
labels = {
    "boot_to_banner": "boot: reset to banner (incl. firmware on x86_64)",
    "call_3_frames_no_throw": "call through 3 frames with RAII, no throw",
    "throw_catch_3_frames": "throw + catch across 3 frames with RAII",
    "catch_unwind_no_fault": "catch_unwind around a call, no fault",
    "catch_unwind_throw": "catch_unwind: C++ throw 3 frames deep",
    "catch_unwind_null_read_fault": "catch_unwind: kernel null read -> Fault",
    "frame_alloc_free": "frame allocate + free (4 KiB)",
    "heap_alloc_free_32": "heap allocate + free, 32 bytes",
    "heap_alloc_free_256": "heap allocate + free, 256 bytes",
    "heap_alloc_free_4096": "heap allocate + free, 4096 bytes",
    "map_1mib": "map 1 MiB (256 pages) in the kernel page table",
    "unmap_1mib": "unmap 1 MiB (with TLB invalidation)",
    "user_null_syscall": "null system call round trip (user)",
    "user_yield_switch": "thread switch: yield between two user threads",
    "user_page_fault": "demand-zero page fault (user, 4 KiB)",
    "user_spawn_exit_wait": "spawn + exit + wait of a process from an ELF in memory",
    "user_ipc_round_trip": "IPC call + reply, 6 words, another process",
    "tas_ipc_round_trip": "IPC round trip user -> TAS echo server, 6 words",
    "tas_buffer_round_trip_0": "user -> TAS echo via the message buffer, 0 bytes",
    "tas_buffer_round_trip_4k": "... 4 KiB payload (checksummed, reversed in place)",
    "tas_grant_round_trip_4k": "user -> TAS echo lending 4 KiB (mapped, revoked)",
    "tas_grant_round_trip_64k": "user -> TAS echo lending 64 KiB (16 pages)",
    "tas_in_tas_call": "in-TAS call: one server into another (C++ call)",
    "fs_seq_write_4m": "fs: write a 4 MiB file in 4 KiB requests, per KiB",
    "fs_seq_read_4m": "fs: read the 4 MiB file in 4 KiB requests, per KiB",
    "fs_create_delete": "fs: create + unlink an empty file",
    "fs_spawn_exit_wait": "spawn + exit + wait of /bin/nop read from the fs",
}
for a in archs:
    for line in open(f"build/bench/{a}.log"):
        m = re.match(r"bench: (\w+) (\d+)", line)
        if m: rows.setdefault(m.group(1), {})[a] = int(m.group(2))
    m = re.search(r"boot: banner at (\d+) ns", open(f"build/bench/{a}.boot.log").read())
    if m: rows.setdefault("boot_to_banner", {})[a] = int(m.group(1))
print("guest instructions per operation (QEMU 7.2 TCG, -icount shift=0,sleep=off)\n")
print(f"| {'operation':<52} | {'aarch64':>10} | {'x86_64':>10} |")
print(f"|{'-'*54}|{'-'*12}|{'-'*12}|")
for key in labels:
    v = rows.get(key, {})
    cells = [f"{v[a]:>10,}" if a in v else f"{'n/a':>10}" for a in archs]
    print(f"| {labels[key]:<52} | {cells[0]} | {cells[1]} |")

# Beside the peers (tools/bench_peers.txt), with the issue's targets.
peers = {}
for line in open("tools/bench_peers.txt"):
    if line.strip() and not line.startswith("#"):
        key, a64, x86, *what = line.split()
        op, peer = key.split(".")
        peers.setdefault(op, []).append((peer, {"aarch64": int(a64), "x86_64": int(x86)}, " ".join(what)))
targets = {"user_null_syscall": ("at most 120", lambda v, p: v <= 120),
           "user_page_fault": ("below Linux", lambda v, p: v < p["linux"]),
           "user_ipc_round_trip": ("<= 1.5x seL4", lambda v, p: v <= p["sel4"] * 3 // 2),
           "tas_ipc_round_trip": ("<= 1.5x seL4", lambda v, p: v <= p["sel4"] * 3 // 2),
           "fs_spawn_exit_wait": ("cheaper than Linux", lambda v, p: v < p["linux"])}
print("\nbeside Linux and seL4 in the same QEMU (tools/bench_peers.txt)\n")
print(f"| {'operation':<34} | {'arch':<7} | {'Rebound':>9} | {'Linux':>9} | {'seL4':>6} | {'target':<27} |")
print(f"|{'-'*36}|{'-'*9}|{'-'*11}|{'-'*11}|{'-'*8}|{'-'*29}|")
short = {"user_null_syscall": "null system call (Linux: getppid)",
         "user_page_fault": "demand-zero page fault, 4 KiB",
         "user_spawn_exit_wait": "spawn+exit+wait (Linux: fork+exec)",
         "user_ipc_round_trip": "IPC round trip (Linux: pipe)",
         "tas_ipc_round_trip": "user -> TAS round trip (Linux: pipe)",
         "fs_seq_write_4m": "write 4 MiB, /KiB (Linux: tmpfs)",
         "fs_seq_read_4m": "read 4 MiB, /KiB (Linux: tmpfs)",
         "fs_create_delete": "create+unlink (Linux: tmpfs)",
         "fs_spawn_exit_wait": "spawn from fs (Linux: fork+exec)"}
for op in short:
    for a in archs:
        v = rows.get(op, {}).get(a)
        p = {peer: vals[a] for peer, vals, _ in peers.get(op, [])}
        t = ""
        if op in targets and v is not None:
            name, ok = targets[op]
            t = f"{name}: {'met' if ok(v, p) else 'MISSED'}"
        cell = lambda x: f"{x:,}" if isinstance(x, int) else "-"
        print(f"| {short[op]:<34} | {a:<7} | {cell(v):>9} | {cell(p.get('linux')):>9} | {cell(p.get('sel4')):>6} | {t:<27} |")
# Create + unlink as a rate of guest time at 1 ns per instruction.
for a in archs:
    v = rows.get("fs_create_delete", {}).get(a)
    p = {peer: vals[a] for peer, vals, _ in peers.get("fs_create_delete", [])}
    if v:
        linux = f", Linux {1e9 / p['linux']:,.0f}/s" if "linux" in p else ""
        print(f"\ncreate+unlink at 1 ns per instruction ({a}): Rebound {1e9 / v:,.0f}/s{linux}")
# The TAS's own target: an in-TAS call at least 10x cheaper than user -> TAS.
for a in archs:
    call, rt = rows.get("tas_in_tas_call", {}).get(a), rows.get("tas_ipc_round_trip", {}).get(a)
    if call and rt:
        print(f"\nin-TAS call vs user -> TAS round trip ({a}): {call:,} vs {rt:,} = "
              f"{rt / call:.1f}x cheaper (target >= 10x: {'met' if rt >= 10 * call else 'MISSED'})")
PY
