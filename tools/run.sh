#!/usr/bin/env bash
# Sets up, builds and boots Rebound in QEMU with the serial console on this
# terminal (quit QEMU with Ctrl-A X).
#   ARCH=aarch64|x86_64   architecture (default aarch64)
#   APPEND="..."          kernel command line (e.g. "log=debug", "halt")
#   IMAGE=ktest           boot the test build instead of the kernel
#   GDB=1                 wait for gdb on localhost:1234 (see docs/debugging.md)
#   ICOUNT=1              deterministic instruction-counting clock
#   MEM=512M SMP=2        machine size (memory, CPUs)
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${ARCH:-aarch64}
case "$arch" in aarch64|x86_64) ;; *) echo "run.sh: ARCH must be aarch64 or x86_64" >&2; exit 2 ;; esac
tools/setup.sh
mkdir -p build
tools/build.sh "$arch" > "build/$arch.build.log" 2>&1 || { tail -40 "build/$arch.build.log"; exit 1; }
image=build/$arch/kernel/rebound${IMAGE:+-$IMAGE}.bin
args=(--arch "$arch" --image "$image" --append "${APPEND:-}" --mem "${MEM:-512M}" --smp "${SMP:-2}")
[ -n "${GDB:-}" ] && args+=(--gdb)
[ -n "${ICOUNT:-}" ] && args+=(--icount)
exec python3 tools/qemu.py "${args[@]}"
