#!/usr/bin/env bash
# Installs every Debian package that building, running and testing Rebound needs.
# Idempotent: does nothing (and needs no network) when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3 git
  g++-12 g++-aarch64-linux-gnu binutils-aarch64-linux-gnu
  gcc-12-source          # GCC's unwinder is built from it with kernel flags
  qemu-system-arm qemu-system-x86
  libgtest-dev googletest
  clang-format gdb-multiarch
  e2fsprogs              # mke2fs builds the disk image; e2fsck and debugfs check it (tests)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
