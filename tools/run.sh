#!/usr/bin/env bash
# Sets up, builds and boots Rebound in QEMU with the serial console on this
# terminal (quit QEMU with Ctrl-A X).
#   ARCH=aarch64|x86_64   architecture (default aarch64)
#   APPEND="..."          kernel command line (e.g. "log=debug", "halt")
#   IMAGE=ktest           boot the test build instead of the kernel
#   GDB=1                 wait for gdb on localhost:1234 (see docs/debugging.md)
#   ICOUNT=1              deterministic instruction-counting clock
#   MEM=512M SMP=2        machine size (memory, CPUs)
#   DISK=file.img         attach a disk image as a virtio-blk drive (written in
#                         place; without it the block server serves the RAM disk;
#                         DISK=copy attaches a fresh copy of the build's disk.img)
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
qemu_extra=()
if [ -n "${DISK:-}" ]; then
  disk=$DISK
  if [ "$disk" = copy ]; then
    disk=build/$arch/disk-run.img
    cp "build/$arch/disk.img" "$disk"
    echo "run.sh: a copy of the disk image: $disk"
  fi
  [ -f "$disk" ] || { echo "run.sh: DISK=$disk: no such file" >&2; exit 2; }
  qemu_extra=(-drive "file=$disk,if=none,format=raw,id=d0")
  if [ "$arch" = aarch64 ]; then
    qemu_extra+=(-global virtio-mmio.force-legacy=false -device virtio-blk-device,drive=d0)
  else
    qemu_extra+=(-device virtio-blk-pci,drive=d0)
  fi
fi
exec python3 tools/qemu.py "${args[@]}" -- "${qemu_extra[@]}"
