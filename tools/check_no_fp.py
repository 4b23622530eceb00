#!/usr/bin/env python3
"""Fails if an ELF file contains any FP/SIMD instruction.

The kernel must not touch FP/SIMD state (it belongs to user programs, and a
throw must not clobber it), so no such instruction may exist anywhere in the
image: ours, the unwinder's, libsupc++'s or libgcc's.

x86_64's .boot section is skipped: it holds boot.S's 32-bit entry code, which
objdump decodes as 64-bit code, so its constants (page-table addresses, MSR
numbers) come out as whatever instructions their bytes spell -- x87 ones
included, depending on where the linker put things. It is hand-written
assembly that uses no FP/SIMD."""
import re
import subprocess
import sys

# aarch64: any operand that is an FP/SIMD register (b/h/s/d/q/v n) or an
# FP/SIMD system register; x86_64: SSE/AVX/MMX registers and x87 instructions.
PATTERNS = {
    "aarch64": re.compile(r"\t\S+\s+(.*\b[bhsdqv]([0-9]|[12][0-9]|3[01])\b|.*\bfp[cs]r\b)"),
    "x86_64": re.compile(r"\t(\S+\s+.*%(x|y|z)mm[0-9]|\S+\s+.*%mm[0-7]\b|f(ld|st|add|sub|mul|div|"
                         r"xch|com|ucom|init|nstcw|ldcw|xsave|xrstor|isttp|ild|ist)\S*\b)"),
}


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check_no_fp.py ARCH OBJDUMP FILE")
    arch, objdump, path = sys.argv[1:]
    dis = subprocess.run([objdump, "-d", "--no-show-raw-insn", path], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    function, bad, section = "?", [], ""
    for line in dis.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        s = re.match(r"^Disassembly of section (\S+):$", line)
        if s:
            section = s.group(1)
        elif arch == "x86_64" and section == ".boot":
            continue
        elif m:
            function = m.group(1)
        else:
            # Symbol names (<...>) and comments are not operands.
            insn = re.sub(r"<[^>]*>|//.*|#.*", "", line)
            if PATTERNS[arch].search(insn):
                bad.append(f"{function}: {line.strip()}")
    for b in bad[:40]:
        print(b)
    count = sum(1 for line in dis.splitlines() if re.match(r"^\s*[0-9a-f]+:\t", line))
    print(f"{path}: {count} instructions, {len(bad)} FP/SIMD")
    sys.exit(1 if bad or count == 0 else 0)


if __name__ == "__main__":
    main()
