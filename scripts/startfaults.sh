#!/usr/bin/env bash
# Where lucet-run hello.so takes more page faults than the urfave/cli hello,
# by the address that faulted: each part of the binary's image (.text,
# .rodata, .gopclntab, .data, .bss, ...) or elsewhere (Go heap, stacks,
# the module's mappings, the guest), per run, side by side; then the
# binary's text by 64 KiB fault-around window (one fault maps the whole
# window of a file the page cache holds), named by the function whose
# code faulted first there. scripts/startprof.sh says which code runs
# when a fault is taken; this says which memory it was for. The counts
# are steady to ~±1 a run for the binary's image; elsewhere moves with
# the runtime's choice of P at start (see internal/oneproc).
#   scripts/startfaults.sh [RUNS]   (default 20 runs of each)
#   LUCET_RUN=path  the lucet-run to count (default: make build's)
# Needs perf (perf_event_paranoid <= 1 or root) and readelf (scripts/binsyms.py
# reads the binary's sections and symbols, as for scripts/startpages.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/start-setup.sh
for c in "lucetrun $tmp/hello.so" clihello; do
	n=${c%% *}
	perf record -q -e page-faults -c 1 -d -o "$tmp/$n.data" -- \
		sh -c "for i in \$(seq $runs); do $tmp/$c >/dev/null; done" 2>/dev/null
	perf script -i "$tmp/$n.data" -F comm,addr 2>/dev/null | awk -v n="$n" '$1 == n {print $2}' >"$tmp/$n.addr"
done
PYTHONPATH=scripts python3 - "$tmp" "$runs" <<'PY'
import collections, sys
import binsyms
tmp, runs = sys.argv[1], int(sys.argv[2])
def count(name):
    binary = f"{tmp}/{name}"
    secs, text = binsyms.sections(binary), binsyms.Text(binary)
    by, windows = collections.Counter(), {}
    for line in open(f"{tmp}/{name}.addr"):
        a = int(line, 16)
        sec = binsyms.section_of(secs, a)
        by[sec] += 1
        if sec == ".text":
            windows.setdefault(a >> 16, text.name(a))
    return by, windows
l, lw = count("lucetrun")
c, cw = count("clihello")
print("| page faults a run | lucet-run hello.so | urfave/cli hello | difference |")
print("|---|---:|---:|---:|")
for k in sorted(set(l) | set(c), key=lambda k: (-(l[k] - c[k]), k)):  # ties by name, not set order
    print(f"| {k} | {l[k] / runs:.1f} | {c[k] / runs:.1f} | {(l[k] - c[k]) / runs:+.1f} |")
tl, tc = sum(l.values()) / runs, sum(c.values()) / runs
print(f"| all | {tl:.1f} | {tc:.1f} | {tl - tc:+.1f} |")
print(f"\nlucet-run's text windows faulted ({len(lw)}; the urfave/cli hello's {len(cw)}), by the first function to fault there:")
for w in sorted(lw):
    print(f"  {w << 16:#x} {lw[w]}")
PY
