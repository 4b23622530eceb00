#!/usr/bin/env python3
"""Fails if an ELF file contains any FP/SIMD instruction.

The kernel must not touch FP/SIMD state (it belongs to user programs, and a
throw must not clobber it), so no such instruction may exist anywhere in the
image: ours, the unwinder's, libsupc++'s or libgcc's."""
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


# Functions that are 32-bit code in a 64-bit image (x86_64: the multiboot
# entry in boot.S): a 64-bit disassembly misreads them -- their 32-bit
# address operands become other instructions, by chance x87 ones -- so they
# are checked in a 32-bit disassembly instead.
CODE32 = {"x86_64": {"_start"}}

# Data that the linker script places in an executable output section, which
# objdump -d then decodes as instructions (x86_64: the multiboot header at
# the start of the image, whose address fields -- the image's end among them
# -- turn into x87 opcodes for some image sizes). Not checked.
DATA = {"x86_64": {"multiboot_header"}}


def disassemble(objdump, path, options=()):
    return subprocess.run([objdump, "-d", "--no-show-raw-insn", *options, path], check=True,
                          stdout=subprocess.PIPE).stdout.decode().splitlines()


def scan(arch, lines, keep):
    """(FP/SIMD lines, instruction count) of the functions for which keep(name) holds."""
    function, bad, count = "?", [], 0
    for line in lines:
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if m:
            function = m.group(1)
        elif keep(function):
            if re.match(r"^\s*[0-9a-f]+:\t", line):
                count += 1
            # Symbol names (<...>) and comments are not operands.
            insn = re.sub(r"<[^>]*>|//.*|#.*", "", line)
            if PATTERNS[arch].search(insn):
                bad.append(f"{function}: {line.strip()}")
    return bad, count


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check_no_fp.py ARCH OBJDUMP FILE")
    arch, objdump, path = sys.argv[1:]
    code32, data = CODE32.get(arch, set()), DATA.get(arch, set())
    bad, count = scan(arch, disassemble(objdump, path),
                      lambda f: f not in code32 and f not in data)
    if code32:
        bad32, count32 = scan(arch, disassemble(objdump, path, ["-M", "i386"]),
                              lambda f: f in code32)
        bad, count = bad + bad32, count + count32
    for b in bad[:40]:
        print(b)
    print(f"{path}: {count} instructions, {len(bad)} FP/SIMD")
    sys.exit(1 if bad or count == 0 else 0)


if __name__ == "__main__":
    main()
