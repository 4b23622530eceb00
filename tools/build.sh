#!/usr/bin/env bash
# Configures (once) and builds one target: aarch64, x86_64 or host.
# Usage: tools/build.sh TARGET   (build tree: build/TARGET)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: tools/build.sh aarch64|x86_64|host}
case "$target" in
  aarch64|x86_64) toolchain=(-DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-$target.cmake) ;;
  host) toolchain=() ;;
  *) echo "build.sh: unknown target '$target' (aarch64, x86_64, host)" >&2; exit 2 ;;
esac
mkdir -p build
if [ ! -f "build/$target/build.ninja" ]; then
  cmake -S . -B "build/$target" -G Ninja "${toolchain[@]}" > "build/$target.configure.log" 2>&1 ||
    { cat "build/$target.configure.log"; exit 1; }
fi
ninja -C "build/$target"
