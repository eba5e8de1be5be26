"""The parts of a Go binary that the start-up scripts attribute addresses to.

scripts/startfaults.sh (page faults by address) and scripts/startpages.sh
(pages touched, from valgrind's trace) both place an address in the
binary's sections and name the function whose code holds it; this is the
one reader of the section table (readelf -SW) and the text symbols (go
tool nm) they share.
"""
import bisect
import re
import subprocess


def sections(binary):
    """The allocated sections as (name, address, size), in file order."""
    out = []
    for line in subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True).stdout.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m and int(m.group(2), 16) > 0:
            out.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16)))
    return out


def section_of(secs, addr):
    """The name of the section of secs holding addr, or "elsewhere"."""
    return next((name for name, base, size in secs if base <= addr < base + size), "elsewhere")


def image_end(secs):
    """Where the binary's image ends: after .bss and .noptrbss."""
    return max((base + size for name, base, size in secs if name in (".bss", ".noptrbss")), default=0)


class Text:
    """The binary's text symbols, to name the function at an address."""

    def __init__(self, binary):
        self.syms = []
        for line in subprocess.run(["go", "tool", "nm", "-size", "-sort", "address", binary], capture_output=True, text=True).stdout.splitlines():
            p = line.split(None, 3)
            if len(p) == 4 and p[2] in "Tt":
                self.syms.append((int(p[0], 16), p[3]))
        self.addrs = [s[0] for s in self.syms]

    def name(self, addr, default="?"):
        """The symbol at or before addr, or default when there is none."""
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.syms[i][1] if i >= 0 else default
