#!/usr/bin/env bash
# nbody's time step (advance(): the pair loop and the position update) as
# compiled code, run outside any runtime so hand-edited variants can be
# timed against each other: which change to the machine code would make
# the loop faster, before making the compiler emit it.
#
# lucet.s is what `lucetc -O 2 --target-cpu=native` emits for it at
# 13bbc7e (the code lucet-bench and the cache run; _start 0xa3b0-0xa73b
# of the object), wasmtime.s what wasmtime 37 emits (wtdump, function[29]
# 0xad49-0xb0cf), both cut out with extract.py. The other files are lucet.s
# edited by hand, one idea each (the checksum says whether the result is
# still nbody's):
#   const-hoisted  dt in a register for the whole loop, not loaded per use
#   v-promoted     b->vx/vy/vz in registers across the inner loop (stores kept)
#   no-step-dep    positions stored elsewhere: no step waits on the last (wrong result)
#   no-mem-deps    v-promoted, no-step-dep and b2's stores elsewhere (wrong result)
#   no-divider     sqrt and div replaced by mul (wrong result)
#   plus12int      12 independent integer movs per pair
#   plus8fp        8 independent float adds per pair
#   tail-indep     the six velocity updates use dt instead of mag: nothing
#                  waits for the div (wrong result; an upper bound for scheduling)
#   pipelined      the inner loop software-pipelined: pair j+1's loads, sqrt
#                  and div come before pair j's velocity updates (same result)
#   unrolled       both loops unrolled, every address a constant, wasm's order
#   unrolled-pipelined, unrolled-pipelined2
#                  unrolled, each pair's loads, sqrt and div one or two pairs
#                  ahead of its velocity updates (same result; gen_unrolled.py
#                  writes these three)
# harness.c sets up the 5 bodies at guest address 0xe80 of a 64 KiB buffer
# (r14 or r12 is its base, as in the guest) and times STEPS steps in thread
# CPU time, the best of REPS; rounds are interleaved and the median of each
# variant's bests printed with its ratio to lucet.s.
#   scripts/hotloop/run.sh [ROUNDS] [VARIANT...]     (STEPS=2500000 REPS=3)
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-5}; shift || true
variants=${*:-"lucet wasmtime const-hoisted v-promoted no-step-dep no-mem-deps no-divider plus12int plus8fp tail-indep pipelined unrolled unrolled-pipelined unrolled-pipelined2"}
steps=${STEPS:-2500000}; reps=${REPS:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for v in $variants; do
	if grep -q '%r12' "$v.s"; then # wasmtime: base r12, step count r15, inner count r13
		pro='push %r12; push %r13; push %r15; push %rbx; mov %rdi,%r12; mov %esi,%r15d; mov $4,%r13d'
		epi='pop %rbx; pop %r15; pop %r13; pop %r12'
	else # lucet: base r14, step count r11
		pro='push %r14; mov %rdi,%r14; mov %esi,%r11d'; epi='pop %r14'
	fi
	{
		printf '\t.text\n\t.globl run\nrun:\n\t%s\n\t.p2align 6\n' "${pro//; /$'\n\t'}"
		cat "$v.s"
		printf 'Lout:\n\t%s\n\tret\n' "${epi//; /$'\n\t'}"
		printf '\t.section .rodata\n\t.p2align 3\ndtc:\t.double 0.01\n\t.section .note.GNU-stack,"",@progbits\n'
	} >"$tmp/$v.S"
	gcc -O2 -o "$tmp/$v" harness.c "$tmp/$v.S"
done
for r in $(seq "$rounds"); do
	for v in $variants; do echo "$v $("$tmp/$v" "$steps" "$reps")"; done
done | python3 -c '
import statistics, sys
t, sums = {}, {}
for line in sys.stdin:
    v, ms, _, _, s = line.split()
    t.setdefault(v, []).append(float(ms)); sums[v] = s
base = statistics.median(t.get("lucet", [float("nan")]))
print("| variant | ms (median) | /lucet | checksum |\n|---|---:|---:|---|")
for v, ms in t.items():
    m = statistics.median(ms)
    print("| %s | %.1f | %.3f | %s |" % (v, m, m / base, sums[v]))
'
