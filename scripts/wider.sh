#!/usr/bin/env bash
# Run time of the "wider" benchmark set (testdata/bench/wider/*.wasm, built
# by scripts/build-bench-testdata.sh) under lucet and wasmtime (Cranelift,
# via the peers harness's peerbench), interleaved repetitions in one run,
# medians and the lucet/wasmtime ratio per program and as a geomean. Same
# method as scripts/native.sh: by default the time inside _start that both
# report (run_ms); with CPU=1 user+system time of the process at the default
# size minus at size 1 (compilation and start-up cancel out), which a loaded
# machine disturbs less. BASE_BIN=another/lucet-bench adds a "base" column
# (a before/after in the same run). gowide's process time is mostly the
# compilation of 2.3 MB of Go (lucet and wasmtime alike), which CPU=1
# subtracts out of two big numbers: read its row from a run_ms run, or
# compare guest-only perf samples (lucet-run --profile=perfmap).
#
# Before timing, every program's stdout is checked to be identical under
# lucet -O 2, lucet -O 0 (lucet-run via lucetc), and wasmtime; a mismatch or
# a failed run is printed and the program is marked FAIL in the table.
#   scripts/wider.sh [REPS] [BENCH...]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}; shift || true
dir=testdata/bench/wider
benches=${*:-$(cd $dir && ls ./*.wasm | sed 's|^\./||; s|\.wasm$||' | tr '\n' ' ')}
work=${PEERS_WORK:-/tmp/lucet-peers}
if [ ! -x "$work/bin/peerbench" ]; then
	rm -rf "$work"; cp -r ../shared/peers "$work"; chmod -R u+w "$work"
	(cd "$work" && corpus/build.sh >/dev/null && CGO_ENABLED=1 go build -o bin/peerbench ./cmd/peerbench)
fi
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o bin/ ./cmd/lucet-bench ./cmd/lucetc ./cmd/lucet-run
CPU=${CPU:-} exec python3 - "$work" "$reps" "${BASE_BIN:-}" "$dir" $benches <<'PY'
import json, math, os, resource, statistics, subprocess, sys, tempfile
cpu_mode = os.environ.get("CPU") == "1"
work, reps, base, d = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
benches = sys.argv[5:]
peer = f"{work}/bin/peerbench"

def out(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p.stdout if p.returncode == 0 else f"exit {p.returncode}: {p.stdout}"

failed = set()
tmp = tempfile.mkdtemp()
for b in benches:
    w = f"{d}/{b}.wasm"
    so = f"{tmp}/{b}.O0.so"
    subprocess.run(["bin/lucetc", "-O", "0", w, "-o", so], check=True)
    got = {"lucet": out(["bin/lucet-bench", "run", w]), "lucet-O0": out(["bin/lucet-run", so]),
           "wasmtime": out([peer, "run", "--engine", "wasmtime", w])}
    if len(set(got.values())) != 1 or got["wasmtime"].startswith("exit"):
        failed.add(b)
        print(f"FAIL {b}: " + "; ".join(f"{k}={v.strip()!r}" for k, v in got.items()))

def run_ms(cmd):
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if line.startswith("PEERBENCH"):
            r = json.loads(line.split(None, 1)[1])
            if r.get("exit_code", 0) == 0:
                return r["run_ms"]
    return float("nan")

def cpu_ms(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3
    return t if p.returncode == 0 else float("nan")

engines = ["lucet", "wasmtime"] + (["base"] if base else [])
def measure(e, b):
    w = f"{d}/{b}.wasm"
    cmd = {"lucet": ["bin/lucet-bench", "run", w], "base": [base, "run", w],
           "wasmtime": [peer, "run", "--engine", "wasmtime", w]}[e]
    if cpu_mode:
        return cpu_ms(cmd) - cpu_ms(cmd + ["1"])
    return run_ms(cmd)

raw = {}
for r in range(reps):
    for b in benches:
        for e in (engines[r % len(engines):] + engines[:r % len(engines)]):
            raw.setdefault((b, e), []).append(measure(e, b))
med = {k: statistics.median([x for x in v if x == x] or [float("nan")]) for k, v in raw.items()}
geo = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")
cols = ["lucet/wasmtime"] + (["lucet/base"] if base else [])
print(f"{reps} interleaved runs, medians ({'CPU' if cpu_mode else 'run_ms'} ms)")
print("| bench | " + " | ".join(f"{e} ms" for e in engines) + " | " + " | ".join(cols) + " |")
print("|---|" + "---:|" * (len(engines) + len(cols)))
ratios = {c: [] for c in cols}
for b in benches:
    row = []
    for c in cols:
        x, y = c.split("/")
        v = med[b, x] / med[b, y]
        if v == v:
            ratios[c].append(v)
        row.append(f"{v:.2f}")
    mark = " FAIL" if b in failed else ""
    print(f"| {b}{mark} | " + " | ".join(f"{med[b, e]:.0f}" for e in engines) + " | " + " | ".join(row) + " |")
print("| geomean |" + " |" * len(engines) + " " + " | ".join(f"{geo(ratios[c]):.2f}" for c in cols) + " |")
PY
