#!/usr/bin/env python3
"""Runs a system test on a copy of the build's disk image, attached to QEMU
as a virtio-blk drive, then checks what the guest did to the copy.

  block_disk_check.py --disk IMAGE --copy COPY (--unchanged | --written N)
                      -- COMMAND...

The disk image (the build's disk.img) is copied to COPY, so the build output
stays as it was; @DISK@ in COMMAND (tools/qemu.py and its QEMU arguments)
becomes COPY. After the command succeeds: with --unchanged the copy must be
byte for byte the image; with --written N, the last N sectors must hold the
pattern block_client writes (sector s, byte i: (s * 7 + i) ^ 0x5a, low 8
bits) and every other byte must be the image's. Then, if e2fsprogs' e2fsck
is there, the copy must still be a consistent ext2 file system (e2fsck -fn).
Exits 0 on success."""
import os
import shutil
import subprocess
import sys

SECTOR = 512


def pattern(sector):
    return bytes(((sector * 7 + i) ^ 0x5A) & 0xFF for i in range(SECTOR))


def parse(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    opts, command = argv[:split], argv[split + 1:]
    args = {"--disk": None, "--copy": None, "--written": None}
    unchanged = False
    i = 0
    while i < len(opts):
        if opts[i] == "--unchanged":
            unchanged = True
            i += 1
        elif opts[i] in args and i + 1 < len(opts):
            args[opts[i]] = opts[i + 1]
            i += 2
        else:
            sys.exit(f"block_disk_check.py: unknown option {opts[i]}\n{__doc__}")
    if not args["--disk"] or not args["--copy"] or unchanged == (args["--written"] is not None):
        sys.exit(__doc__)
    written = int(args["--written"]) if args["--written"] else 0
    return args["--disk"], args["--copy"], written, command


def main():
    disk, copy, written, command = parse(sys.argv[1:])
    shutil.copyfile(disk, copy)
    command = [a.replace("@DISK@", copy) for a in command]
    rc = subprocess.call(command)
    if rc != 0:
        sys.exit(rc)

    with open(disk, "rb") as f:
        original = f.read()
    with open(copy, "rb") as f:
        after = f.read()
    failures = []
    if len(after) != len(original):
        failures.append(f"the copy is {len(after)} bytes, the image {len(original)}")
    sectors = len(original) // SECTOR
    first = sectors - written
    if after[:first * SECTOR] != original[:first * SECTOR]:
        at = next(i for i in range(first * SECTOR) if after[i] != original[i])
        failures.append(f"byte {at} (sector {at // SECTOR}) changed, outside the sectors written")
    for s in range(first, sectors):
        if after[s * SECTOR:(s + 1) * SECTOR] != pattern(s):
            failures.append(f"sector {s} does not hold the pattern written")
            break
    e2fsck = shutil.which("e2fsck") or next(
        (p for p in ("/sbin/e2fsck", "/usr/sbin/e2fsck") if os.path.exists(p)), None)
    if e2fsck:
        check = subprocess.run([e2fsck, "-fn", copy], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
        if check.returncode != 0:
            failures.append(f"e2fsck -fn: status {check.returncode}\n"
                            + check.stdout.decode(errors="replace"))
    for f in failures:
        print(f"block_disk_check.py: FAIL: {f}")
    if not failures:
        what = f"the last {written} sectors written" if written else "unchanged"
        print(f"block_disk_check.py: the disk copy is {what}"
              + (", e2fsck -fn clean" if e2fsck else ""))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
