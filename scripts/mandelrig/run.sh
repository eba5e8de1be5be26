#!/usr/bin/env bash
# mandel's loop nest (testdata/bench/wider/mandel.c) as compiled code, run
# outside any runtime so hand-edited variants can be timed against each
# other. lucet.s is what `lucetc -O 2 --target-cpu=native` emits for it at
# 4f1bd8a (_start 0x9e07-0x9efd), wasmtime.s what wasmtime emits
# (wtdump, function[28] 0xa90c-0xaa1e), the rip-relative constants
# renamed (c1 1.0, c3 3.0, cm15 -1.5, cm22 -2.2, c4 4.0, fnv). vorder.s is
# lucet.s with the iteration in wasmtime's order (zr chain first, 2*zr
# sunk to its use), vzifirst.s with the zi chain first; gen.py writes
# g*.s, the 35 topological orders of the iteration's 8 float ops
# (`python3 gen.py 35 1 > orders.txt`, `python3 gen.py named`). The
# harness times run(W) in thread CPU time, best of REPS; rounds are
# interleaved and the median of each variant's bests printed with its
# ratio to lucet.s; "sum" is the checksum (total + hash) to compare.
#   scripts/mandelrig/run.sh [ROUNDS] [VARIANT...]    (W=1000 REPS=3)
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-5}; shift || true
variants=${*:-"lucet wasmtime vorder vzifirst"}
W=${W:-1000}; reps=${REPS:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for v in $variants; do
	{ printf '\t.text\n\t.globl run\n\t.p2align 6\nrun:\n'; cat "$v.s"; printf '\tret\n\t.section .rodata\n\t.p2align 4\nc1:\t.double 1.0\nc3:\t.double 3.0\ncm15:\t.double -1.5\ncm22:\t.double -2.2\nc4:\t.double 4.0\nfnv:\t.quad 0x100000001b3\n\t.section .note.GNU-stack,"",@progbits\n'; } > "$tmp/$v.S"
	gcc -O2 -o "$tmp/$v" harness.c "$tmp/$v.S"
done
for r in $(seq "$rounds"); do for v in $variants; do echo "$v $("$tmp/$v" "$W" "$reps")"; done; done | python3 -c '
import statistics,sys
t={};s={}
for l in sys.stdin:
    v,ms,c=l.split(); t.setdefault(v,[]).append(float(ms)); s.setdefault(v,set()).add(c)
b=statistics.median(t["lucet"]) if "lucet" in t else None
for v in t:
    m=statistics.median(t[v]); print(f"{v:20s} {m:8.2f} ms  /lucet {m/b if b else 0:.3f}  sum {sorted(s[v])}")
'
