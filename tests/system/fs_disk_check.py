#!/usr/bin/env python3
"""Runs a system test of the file-system server on a disk attached to QEMU
as a virtio-blk drive, then checks the disk with e2fsprogs.

  fs_disk_check.py --disk IMAGE --copy COPY --leaves SET[,SET...] [--clean] -- COMMAND...
  fs_disk_check.py --blank KIB --copy COPY -- COMMAND...

The first form copies the build's disk image (disk.img) to COPY, so that the
build output stays as it was; @DISK@ in COMMAND (tools/qemu.py and its QEMU
arguments) becomes COPY. After the command succeeds, the copy must be a
consistent ext2 file system -- e2fsck -fn exits 0 and reports nothing but
its passes and summary -- holding what user/programs/fs_client.c leaves
under /fs_test on purpose (debugfs "ls -p", "cat" and "stat"): SET "basic"
(every build) and "faults" (test builds: files written across injected
faults and restarts of the server). --clean: the volume must also be marked
clean (unmounted at power off, as after init ends; dumpe2fs -h "Filesystem
state: clean"). With no e2fsprogs the check fails.

The second form attaches KIB KiB of zeros instead -- a disk with no file
system -- which must still be all zeros afterwards: the server did not
take it for a volume, and wrote nothing. Exits 0 on success."""
import os
import shutil
import subprocess
import sys


def pattern(n, seed):
    """fs_client.c's pattern(): byte i of `seed`."""
    return bytes(((i * 131) ^ (i >> 8) ^ (seed * 29)) & 0xFF for i in range(n))


# What fs_client leaves: directories with exactly these entries, files with
# exactly these bytes (and, for some, a link count), names that must be gone.
BASIC = {
    "dirs": {
        "/fs_test": {"keep", "work", "tree"},
        "/fs_test/keep": {"hello.txt", "hello.link", "big.bin", "truncated.bin", "dir2"},
        "/fs_test/keep/dir2": {"inner.txt"},
        "/fs_test/work": set(),
        "/fs_test/tree": {"a"},
        "/fs_test/tree/a": {"b", "moved.txt", "other.txt"},
        "/fs_test/tree/a/b": {"c"},
        "/fs_test/tree/a/b/c": {"deep.txt"},
    },
    "files": {
        "/fs_test/keep/hello.txt": b"hello from fs_client\n",
        "/fs_test/keep/hello.link": b"hello from fs_client\n",
        "/fs_test/keep/big.bin": pattern(100000, 1),
        "/fs_test/keep/truncated.bin": pattern(5000, 2),
        "/fs_test/keep/dir2/inner.txt": b"inner\n",
        "/fs_test/tree/a/b/c/deep.txt": b"deep\n",
        "/fs_test/tree/a/moved.txt": b"moved across\n",
        "/fs_test/tree/a/other.txt": b"the new one\n",
    },
    "links": {"/fs_test/keep/hello.txt": 2, "/fs_test/keep": 3, "/fs_test/tree/a": 3},
    "gone": ["/fs_test/work/moveme.txt", "/fs_test/work/dir1", "/fs_test/work/many",
             "/fs_test/work/gone.txt", "/fs_test/work/reused.txt", "/fs_test/tree/a/new.txt"],
}
FAULTS = {
    "dirs": {
        "/fs_test": {"faults", "restart"},
        "/fs_test/faults": {"thrown.bin", "cpu_fault.bin", "raw.bin", "device.txt"},
        "/fs_test/restart": {"a.txt", "b.bin", "after_block.txt"},
    },
    "files": {
        "/fs_test/faults/thrown.bin": pattern(20000, 3),
        "/fs_test/faults/cpu_fault.bin": pattern(100000, 5),
        "/fs_test/faults/raw.bin": b"as it was\n",
        "/fs_test/faults/device.txt": b"after the failure\n",
        "/fs_test/restart/a.txt": b"before restart\nafter restart\nthe end\n",
        "/fs_test/restart/b.bin": pattern(70000, 4) + pattern(1000, 6),
        "/fs_test/restart/after_block.txt": b"block restarted\n",
    },
    "links": {},
    "gone": [],
}
SETS = {"basic": BASIC, "faults": FAULTS}


def tool(name):
    return shutil.which(name) or next(
        (p for p in (f"/sbin/{name}", f"/usr/sbin/{name}") if os.path.exists(p)), None)


def parse(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    opts, command = argv[:split], argv[split + 1:]
    args = {"--disk": None, "--copy": None, "--leaves": None, "--blank": None, "--clean": False}
    i = 0
    while i < len(opts):
        if opts[i] == "--clean":
            args["--clean"] = True
            i += 1
        elif opts[i] in args and i + 1 < len(opts):
            args[opts[i]] = opts[i + 1]
            i += 2
        else:
            sys.exit(f"fs_disk_check.py: unknown option {opts[i]}\n{__doc__}")
    blank = args["--blank"] is not None
    if not args["--copy"] or blank == (args["--disk"] is not None) or blank == bool(args["--leaves"]):
        sys.exit(__doc__)
    return args, command


def merge(names):
    expected = {"dirs": {}, "files": {}, "links": {}, "gone": []}
    for name in names:
        s = SETS[name]
        for d, entries in s["dirs"].items():
            expected["dirs"][d] = expected["dirs"].get(d, set()) | entries
        expected["files"].update(s["files"])
        expected["links"].update(s["links"])
        expected["gone"] += s["gone"]
    return expected


def debugfs(debugfs_tool, image, request):
    r = subprocess.run([debugfs_tool, "-R", request, image], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return r.stdout, r.stderr.decode(errors="replace")


def listing(debugfs_tool, image, path):
    """Names in directory `path` ("." and ".." left out), or None."""
    out, err = debugfs(debugfs_tool, image, f"ls -p {path}")
    names = set()
    for line in out.decode(errors="replace").splitlines():
        # /ino/mode/uid/gid/name/size/
        parts = line.split("/")
        if len(parts) >= 7 and parts[1].isdigit() and int(parts[1]) != 0:
            names.add("/".join(parts[5:-2]))
    if not names and "not found" in err:
        return None
    return names - {".", ".."}


def stat_field(text, field):
    for word_at, word in enumerate(text.split()):
        if word == field + ":":
            rest = text.split()[word_at + 1]
            return int(rest) if rest.isdigit() else None
    return None


def check_volume(image, names, clean):
    failures = []
    e2fsck, debugfs_tool = tool("e2fsck"), tool("debugfs")
    if not e2fsck or not debugfs_tool:
        return ["e2fsck and debugfs (e2fsprogs) are needed: tools/setup.sh installs them"]
    check = subprocess.run([e2fsck, "-fn", image], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    report = check.stdout.decode(errors="replace")
    extra = [l for l in report.splitlines()
             if l.strip() and not l.startswith(("Pass ", "e2fsck ")) and " files (" not in l]
    if check.returncode != 0 or extra:
        failures.append(f"e2fsck -fn: status {check.returncode}\n{report}")
    if clean:
        header = subprocess.run([tool("dumpe2fs"), "-h", image], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL).stdout.decode(errors="replace")
        state = [l for l in header.splitlines() if l.startswith("Filesystem state:")]
        if not state or state[0].split(":", 1)[1].strip() != "clean":
            failures.append(f"the volume is not marked clean: {state}")
    expected = merge(names)
    for d, entries in sorted(expected["dirs"].items()):
        got = listing(debugfs_tool, image, d)
        if got is None:
            failures.append(f"directory {d} is not there")
        elif got != entries:
            failures.append(f"directory {d} holds {sorted(got)}, expected {sorted(entries)}")
    for f, data in sorted(expected["files"].items()):
        got, err = debugfs(debugfs_tool, image, f"cat {f}")
        if got != data:
            at = next((i for i in range(min(len(got), len(data))) if got[i] != data[i]),
                      min(len(got), len(data)))
            failures.append(f"file {f}: {len(got)} bytes, expected {len(data)}; first "
                            f"difference at byte {at} {err.strip()}")
    for f, links in sorted(expected["links"].items()):
        out, _ = debugfs(debugfs_tool, image, f"stat {f}")
        got = stat_field(out.decode(errors="replace"), "Links")
        if got != links:
            failures.append(f"{f}: {got} links, expected {links}")
    for f in expected["gone"]:
        _, err = debugfs(debugfs_tool, image, f"stat {f}")
        if "File not found" not in err:
            failures.append(f"{f} should be gone")
    return failures


def main():
    args, command = parse(sys.argv[1:])
    copy = args["--copy"]
    if args["--blank"]:
        with open(copy, "wb") as f:
            f.truncate(int(args["--blank"]) * 1024)
    else:
        shutil.copyfile(args["--disk"], copy)
    command = [a.replace("@DISK@", copy) for a in command]
    rc = subprocess.call(command)
    if rc != 0:
        sys.exit(rc)
    if args["--blank"]:
        with open(copy, "rb") as f:
            data = f.read()
        failures = [] if data.count(0) == len(data) else ["the blank disk was written"]
        what = "the blank disk is still blank"
    else:
        names = args["--leaves"].split(",")
        if any(n not in SETS for n in names):
            sys.exit(f"fs_disk_check.py: unknown set in {args['--leaves']}")
        failures = check_volume(copy, names, args["--clean"])
        what = (f"e2fsck -fn clean; the files fs_client left ({args['--leaves']}) are there, "
                "byte for byte")
    for f in failures:
        print(f"fs_disk_check.py: FAIL: {f}")
    if not failures:
        print(f"fs_disk_check.py: {what}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
