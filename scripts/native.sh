#!/usr/bin/env bash
# Run time of the ../shared/peers corpus under lucet, wasmtime (Cranelift,
# via peerbench) and natively (gcc -O2), interleaved repetitions in one
# run, medians and ratios; the geomean of lucet/native is issue 11's
# "within 1.15x of native gcc -O2" target. This machine is noisy: compare
# only within a run.
#
# lucet and wasmtime report the time inside _start (run_ms). A native
# binary reports nothing, so its run time is the wall time of the process
# at the benchmark size minus that of the same binary at size 1 (process
# start and libc set-up cancel out). strings-bulk is strings.c built with
# -mbulk-memory; its native counterpart is strings.
#
# BASE_BIN=path/to/another/lucet-bench adds that build as a "base" column
# (a before/after in the same run). With CPU=1 every engine is measured
# like the native binary but in CPU time (user+system of the process less
# the compile_cpu_ms it reports, at the benchmark size minus at size 1, so
# start-up cancels out; scripts/peerlib.py): on a loaded machine wall time
# mostly measures the neighbours.
#   scripts/native.sh [REPS] [BENCH...]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}; shift || true
benches=${*:-"fib matmul sieve nbody sha256 qsort interp strings strings-bulk"}
work=${PEERS_WORK:-/tmp/lucet-peers}
if [ ! -x "$work/bin/peerbench" ]; then
	rm -rf "$work"; cp -r ../shared/peers "$work"; chmod -R u+w "$work"
	(cd "$work" && corpus/build.sh >/dev/null && CGO_ENABLED=1 go build -o bin/peerbench ./cmd/peerbench)
fi
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o bin/ ./cmd/lucet-bench
CPU=${CPU:-} PYTHONPATH=scripts exec python3 - "$work" "$reps" "${BASE_BIN:-}" $benches <<'PY'
import os, sys
from peerlib import cpu_ms, interleave, run_ms, table, wall_ms
cpu_mode = os.environ.get("CPU") == "1"
work, reps, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
benches = sys.argv[4:]
size = dict(fib=40, matmul=900, sieve=20000000, nbody=2500000, sha256=64, qsort=1200000,
            interp=6000000, strings=600000, **{"strings-bulk": 600000})
proc_ms = cpu_ms if cpu_mode else wall_ms

engines = ["lucet", "wasmtime", "native"] + (["base"] if base else [])
def measure(e, b):
    w, n = f"{work}/corpus/build/wasm/{b}.wasm", str(size[b])
    if cpu_mode and e != "native":
        cmd = {"lucet": ["bin/lucet-bench", "run", w], "base": [base, "run", w],
               "wasmtime": [f"{work}/bin/peerbench", "run", "--engine", "wasmtime", w]}[e]
        return proc_ms(cmd + [n]) - proc_ms(cmd + ["1"])
    if e == "lucet":
        return run_ms(["bin/lucet-bench", "run", w, n])
    if e == "base":
        return run_ms([base, "run", w, n])
    if e == "wasmtime":
        return run_ms([f"{work}/bin/peerbench", "run", "--engine", "wasmtime", w, n])
    exe = f"{work}/corpus/build/native/{b.removesuffix('-bulk')}"
    return proc_ms([exe, n]) - proc_ms([exe, "1"])

med = interleave(reps, benches, engines, measure)
cols = ["lucet/wasmtime", "lucet/native", "wasmtime/native"] + (["lucet/base"] if base else [])
table(f"{reps} interleaved runs, medians ({'CPU' if cpu_mode else 'wall'} ms)", benches, engines, cols, med)
PY
