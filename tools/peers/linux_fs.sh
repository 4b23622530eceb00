#!/usr/bin/env bash
# tools/peers/linux_fs.sh ARCH   (aarch64 | x86_64)
#
# Linux's figures for the file benchmarks (issue 6) in the same QEMU as
# Rebound's: the stock Debian kernel of the shared peer harness
# (../shared/peers/linux: fetch-kernel.sh, mkinitramfs.py, and run.sh's
# QEMU command line for `icount` mode, copied here), with
# tools/peers/linux_fs_bench.c as the static /init of its initramfs. Under
# -icount shift=0,sleep=off one guest nanosecond is one guest instruction.
# Prints the QEMU command line and the `name: value` lines (medians of 5
# runs); the serial log goes to $WORK/logs/linux-fs-ARCH.log.
#
# Environment: PEERS (default /work/shared/peers/linux, the harness),
# WORK (default build/linuxpeer: kernels, initramfs, logs), TIMEOUT (600 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
arch=${1:?usage: tools/peers/linux_fs.sh aarch64|x86_64}
PEERS=${PEERS:-/work/shared/peers/linux}
WORK=${WORK:-$PWD/build/linuxpeer}
export WORK
TIMEOUT=${TIMEOUT:-600}

case "$arch" in
x86_64)
  cc=gcc qemu=qemu-system-x86_64 console=ttyS0
  machine=(-M q35 -accel tcg -icount shift=0,sleep=off -cpu max,la57=off) ;;
aarch64)
  cc=aarch64-linux-gnu-gcc qemu=qemu-system-aarch64 console=ttyAMA0
  machine=(-M virt -accel tcg -icount shift=0,sleep=off -cpu cortex-a72) ;;
*) echo "linux_fs.sh: unknown architecture '$arch' (aarch64, x86_64)" >&2; exit 2 ;;
esac

kernel=$("$PEERS/fetch-kernel.sh" "$arch")
B=$WORK/fs-$arch
mkdir -p "$B" "$WORK/logs"
"$cc" -static -O2 -Wall -Wextra -Werror -o "$B/init" tools/peers/linux_fs_bench.c
# mkinitramfs.py lays out /bin/exit0 too (the harness's fork+exec target):
# the same initramfs layout as run.sh's, with this /init.
"$cc" -static -nostdlib -nostartfiles -O2 -Wall -o "$B/exit0" "$PEERS/bench/exit0.c"
python3 "$PEERS/mkinitramfs.py" "$B/initramfs.cpio" "$B/init" "$B/exit0" > /dev/null

cmd=("$qemu" "${machine[@]}" -m 512M -smp 1 -nographic -no-reboot -nodefaults -serial stdio
  -kernel "$kernel" -initrd "$B/initramfs.cpio"
  -append "console=$console quiet loglevel=3 panic=-1 nokaslr")
log=$WORK/logs/linux-fs-$arch.log
{
  echo "# linux_fs.sh $arch; kernel $(cat "$(dirname "$(dirname "$kernel")")/DEB" 2>/dev/null || echo "$kernel")"
  echo "# $("$qemu" --version | head -1)"
  printf '# cmd:'; printf ' %q' "${cmd[@]}"; echo
} | tee "$log"
timeout "$TIMEOUT" "${cmd[@]}" < /dev/null >> "$log" 2>&1 || true
tr -d '\r' < "$log" | grep -E '^# (root|mount|runs|FATAL)' || true
tr -d '\r' < "$log" | grep -E '^fs_[a-z0-9_]+: [0-9]+$'
grep -q '^# linux_fs_bench done' <(tr -d '\r' < "$log") ||
  { echo "linux_fs.sh: the benchmark did not finish; see $log" >&2; exit 1; }
