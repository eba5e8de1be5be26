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
# like the native binary but in CPU time (user+system of the process at
# the benchmark size minus at size 1, so compilation and start-up cancel
# out): on a loaded machine wall time mostly measures the neighbours.
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
CPU=${CPU:-} exec python3 - "$work" "$reps" "${BASE_BIN:-}" $benches <<'PY'
import json, math, os, resource, statistics, subprocess, sys, time
cpu_mode = os.environ.get("CPU") == "1"
work, reps, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
benches = sys.argv[4:]
size = dict(fib=40, matmul=900, sieve=20000000, nbody=2500000, sha256=64, qsort=1200000,
            interp=6000000, strings=600000, **{"strings-bulk": 600000})

def run_ms(cmd):
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if line.startswith("PEERBENCH"):
            r = json.loads(line.split(None, 1)[1])
            if r.get("exit_code", 0) == 0:
                return r["run_ms"]
    return float("nan")

def wall_ms(cmd):
    if cpu_mode:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3
        return t if p.returncode == 0 else float("nan")
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = (time.perf_counter() - t) * 1e3
    return t if p.returncode == 0 else float("nan")

engines = ["lucet", "wasmtime", "native"] + (["base"] if base else [])
def measure(e, b):
    w, n = f"{work}/corpus/build/wasm/{b}.wasm", str(size[b])
    if cpu_mode and e != "native":
        cmd = {"lucet": ["bin/lucet-bench", "run", w], "base": [base, "run", w],
               "wasmtime": [f"{work}/bin/peerbench", "run", "--engine", "wasmtime", w]}[e]
        return wall_ms(cmd + [n]) - wall_ms(cmd + ["1"])
    if e == "lucet":
        return run_ms(["bin/lucet-bench", "run", w, n])
    if e == "base":
        return run_ms([base, "run", w, n])
    if e == "wasmtime":
        return run_ms([f"{work}/bin/peerbench", "run", "--engine", "wasmtime", w, n])
    exe = f"{work}/corpus/build/native/{b.removesuffix('-bulk')}"
    return wall_ms([exe, n]) - wall_ms([exe, "1"])

raw = {}
for r in range(reps):
    for b in benches:
        for e in (engines[r % len(engines):] + engines[:r % len(engines)]):
            raw.setdefault((b, e), []).append(measure(e, b))
med = {k: statistics.median([x for x in v if x == x] or [float("nan")]) for k, v in raw.items()}
geo = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
cols = ["lucet/wasmtime", "lucet/native", "wasmtime/native"] + (["lucet/base"] if base else [])
print(f"{reps} interleaved runs, medians ({'CPU' if cpu_mode else 'wall'} ms)")
print("| bench | " + " | ".join(f"{e} ms" for e in engines) + " | " + " | ".join(cols) + " |")
print("|---|" + "---:|" * (len(engines) + len(cols)))
ratios = {c: [] for c in cols}
for b in benches:
    row = []
    for c in cols:
        x, y = c.split("/")
        v = med[b, x] / med[b, y]
        ratios[c].append(v)
        row.append(f"{v:.2f}")
    print(f"| {b} | " + " | ".join(f"{med[b, e]:.0f}" for e in engines) + " | " + " | ".join(row) + " |")
print("| geomean |" + " |" * len(engines) + " " + " | ".join(f"{geo(ratios[c]):.2f}" for c in cols) + " |")
PY
