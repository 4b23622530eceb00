#!/usr/bin/env python3
"""Boots a Rebound kernel image under QEMU (TCG) and reports what it did.

Interactive (default): the serial console is the terminal (quit: Ctrl-A X).
With --check: runs without a terminal under a timeout, echoes the console,
checks --expect patterns and the guest's exit status, and exits 0 on success;
--input types text on the serial console (once --input-after's pattern has
appeared), as a user at the terminal would.
The guest's status comes from semihosting SYS_EXIT (aarch64) or
isa-debug-exit (x86_64: QEMU exits with status*2+1)."""
import argparse
import codecs
import os
import re
import subprocess
import sys
import threading
import time

MACHINES = {
    "aarch64": ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "max",
                "-semihosting-config", "enable=on,target=native"],
    "x86_64": ["qemu-system-x86_64", "-M", "q35", "-cpu", "max", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
}


def command(args, interactive):
    cmd = list(MACHINES[args.arch]) + ["-m", args.mem, "-smp", str(args.smp),
                                       "-kernel", args.image, "-append", args.append]
    cmd += ["-nographic"] if interactive else ["-display", "none", "-serial", "stdio",
                                                "-monitor", "none"]
    if args.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if args.gdb:
        cmd += ["-s", "-S"]
    return cmd + args.qemu_args


ADDR2LINE = {"aarch64": "aarch64-linux-gnu-addr2line", "x86_64": "addr2line"}


def symbolize(arch, elf, text):
    """Appends function and file:line to each backtrace line ("  #n 0x...")."""
    addrs = re.findall(r"^\s+#\d+ (0x[0-9a-f]+)$", text, re.MULTILINE)
    if not addrs or not os.path.exists(elf):
        return text
    try:
        out = subprocess.run([ADDR2LINE[arch], "-f", "-C", "-e", elf] + addrs, check=True,
                             stdout=subprocess.PIPE).stdout.decode().splitlines()
    except (OSError, subprocess.CalledProcessError):
        return text
    where = {a: f"{out[2 * i]} {os.path.basename(out[2 * i + 1])}" for i, a in enumerate(addrs)}
    return re.sub(r"^(\s+#\d+ (0x[0-9a-f]+))$", lambda m: f"{m.group(1)}  {where[m.group(2)]}",
                  text, flags=re.MULTILINE)


def run_watched(cmd, timeout, text=None, after="", stop=None):
    """Runs cmd, writes `text` (if any) to its standard input (the serial
    console) once its output matches the regex `after`, and stops it once
    the output matches the regex `stop` (if given). Returns (output, return
    code, stopped): the code None on a timeout or a stop."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    chunks, lock = [], threading.Lock()

    def read():
        for data in iter(lambda: proc.stdout.read1(4096), b""):
            with lock:
                chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline, sent, stopped = time.monotonic() + timeout, text is None, False
    if sent and stop is None:  # nothing to watch for: just wait
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    while proc.poll() is None and time.monotonic() < deadline:
        with lock:
            seen = b"".join(chunks).decode(errors="replace").replace("\r", "")
        if not sent and re.search(after, seen, re.MULTILINE):
            proc.stdin.write(text)
            proc.stdin.flush()
            sent = True
        if stop is not None and re.search(stop, seen, re.MULTILINE):
            stopped = True
            break
        time.sleep(0.02)
    rc = proc.poll()
    if rc is None:
        proc.kill()
        proc.wait()
        rc = None
    reader.join(timeout=5)
    proc.stdin.close()
    return b"".join(chunks).decode(errors="replace").replace("\r", ""), rc, stopped


def guest_status(arch, rc):
    if arch == "x86_64":
        return (rc - 1) // 2 if rc % 2 == 1 else None  # 0: QEMU stopped without a status
    return rc


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--arch", choices=sorted(MACHINES), default="aarch64")
    p.add_argument("--image", required=True, help="flat kernel image (rebound.bin)")
    p.add_argument("--append", default="", help="kernel command line")
    p.add_argument("--mem", default="512M")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--icount", action="store_true", help="-icount shift=0,sleep=off")
    p.add_argument("--gdb", action="store_true", help="wait for gdb on :1234")
    p.add_argument("--check", action="store_true", help="non-interactive test mode")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--expect", action="append", default=[], help="regex the console must show")
    p.add_argument("--expect-status", type=int, default=0)
    p.add_argument("--output", help="also write the console to this file")
    p.add_argument("--input", help="text to type on the serial console (--check; Python "
                   "escapes: \\r is Enter, \\x7f backspace)")
    p.add_argument("--input-after", default="", help="regex: type --input once the console "
                   "shows it (default: at once)")
    p.add_argument("--stop-on", help="regex: stop the guest once the console shows it (--check; "
                   "for a system that runs on, like init after /etc/rc)")
    p.add_argument("qemu_args", nargs="*", help="extra QEMU arguments (after --)")
    args = p.parse_args()

    if not os.path.exists(args.image):
        sys.exit(f"qemu.py: no image {args.image} (build first)")
    if not args.check:
        cmd = command(args, interactive=True)
        print("+ " + " ".join(cmd), file=sys.stderr)
        rc = subprocess.call(cmd)
        # The guest's status (x86_64: QEMU's status*2+1; 0 when the user quit).
        status = guest_status(args.arch, rc)
        sys.exit(status if status is not None else rc)

    cmd = command(args, interactive=False)
    print("+ " + " ".join(cmd), flush=True)
    text = None
    if args.input is not None:
        text = codecs.decode(args.input, "unicode_escape").encode("latin-1")
    out, rc, stopped = run_watched(cmd, args.timeout, text, args.input_after, args.stop_on)
    sys.stdout.write(symbolize(args.arch, re.sub(r"\.bin$", ".elf", args.image), out))
    if args.output:
        with open(args.output, "w") as f:
            f.write(out)
    failures = []
    if stopped:
        pass  # --stop-on: a system that keeps running; no exit status
    elif rc is None:
        failures.append(f"timed out after {args.timeout:.0f} s")
    else:
        status = guest_status(args.arch, rc)
        if status != args.expect_status:
            failures.append(f"guest exit status {status} (QEMU {rc}), expected {args.expect_status}")
    for pattern in args.expect:
        if not re.search(pattern, out, re.MULTILINE):
            failures.append(f"console never showed /{pattern}/")
    for f in failures:
        print(f"qemu.py: FAIL: {f}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
