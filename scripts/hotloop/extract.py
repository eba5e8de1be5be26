#!/usr/bin/env python3
# Turn an objdump range into GNU as source for run.sh: each address a jump
# inside the range targets becomes a label L<addr>, jumps out of it go to
# Lout, a RIP-relative operand becomes the one constant dtc (0.01 in
# nbody's loop; edit by hand for another loop), nops and trap comments go.
#   extract.py DISASSEMBLY LO HI > loop.s      (LO, HI: hex addresses)
import re, sys
src, lo, hi = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
lines = []
for l in open(src):
    m = re.match(r'^\s+([0-9a-f]+):\t[0-9a-f ]+\t(.*)$', l)
    if not m:
        continue
    a = int(m.group(1), 16)
    ins = m.group(2).split('#')[0].strip()
    if lo <= a <= hi and ins:
        lines.append((a, ins))
jump = re.compile(r'^(j\w+)\s+(?:0x)?([0-9a-f]+)')
targets = {int(m.group(2), 16) for _, ins in lines for m in [jump.match(ins)] if m}
out = []
for a, ins in lines:
    if a in targets:
        out.append("L%x:" % a)
    m = jump.match(ins)
    if m:
        t = int(m.group(2), 16)
        ins = "%s L%x" % (m.group(1), t) if lo <= t <= hi else "%s Lout" % m.group(1)
    ins = re.sub(r'0x[0-9a-f]+\(%rip\)', 'dtc(%rip)', ins).replace('jmpq', 'jmp').replace('callq', 'call')
    if not re.match(r'(nop|data16|xchg %ax,%ax)', ins):
        out.append("\t" + ins)
print("\n".join(out))
