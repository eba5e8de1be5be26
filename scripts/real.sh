#!/usr/bin/env bash
# Real programs (widely used C code: compressors, interpreters, a regex
# engine, a JSON library, crypto) under lucet and wasmtime (Cranelift, via
# the peers harness's peerbench): first a correctness check, then run time,
# interleaved repetitions in one run, medians and ratios (scripts/peerlib.py,
# as scripts/native.sh and scripts/wider.sh).
#
# The programs are not in the repository and no recipe for them is: their
# sources come through the workplace's fetch tool, whose terms keep fetched
# code, binaries built from it and scripts that build it out of our commits.
# Any directory of .wasm files that take a size as argv[1] (none: a default
# workload of ~0.3-1 s) and print a checksum to stdout will do; DIR names it
# (default /tmp/lucet-real/wasm).
#
# The check runs every program at its default size as
#   lucetc -O 2 (the portable object users deploy) + lucet-run,
#   lucetc -O 0 + lucet-run,
#   lucetc -O 2 --bounds-checks explicit + lucet-run,
#   lucet-bench run (compiled in process for this host's CPU),
#   wasmtime, and BASE_BIN (another lucet-bench) when given,
# and requires the same stdout and exit status from all. A difference or a
# failure (a compile error, a trap) prints each engine's status, a digest
# of its stdout and the first lines of its stderr (lucet's trap and
# backtrace), and marks the program FAIL in the table.
#
# Timing: by default user+system CPU time of the process less the
# compilation's (compile_cpu_ms, which both harnesses report) at the
# default size minus at size 1, so start-up and compilation cancel out:
# on a loaded machine wall time mostly measures the neighbours. RUN_MS=1
# uses the time inside _start that both report instead.
#   [DIR=...] [BASE_BIN=...] [RUN_MS=1] scripts/real.sh [REPS] [PROGRAM...]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}; shift || true
dir=${DIR:-/tmp/lucet-real/wasm}
if [ ! -d "$dir" ] || ! ls "$dir"/*.wasm >/dev/null 2>&1; then
	echo "real.sh: no .wasm programs in $dir (set DIR)" >&2; exit 2
fi
benches=${*:-$(cd "$dir" && ls ./*.wasm | sed 's|^\./||; s|\.wasm$||' | tr '\n' ' ')}
work=${PEERS_WORK:-/tmp/lucet-peers}
if [ ! -x "$work/bin/peerbench" ]; then
	echo "real.sh: no $work/bin/peerbench (scripts/native.sh builds it)" >&2; exit 2
fi
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o bin/ ./cmd/lucet-bench ./cmd/lucetc ./cmd/lucet-run
RUN_MS=${RUN_MS:-} PYTHONPATH=scripts exec python3 - "$work" "$reps" "${BASE_BIN:-}" "$dir" $benches <<'PY'
import hashlib, os, subprocess, sys, tempfile
from peerlib import cpu_ms, interleave, run_ms, table
run_mode = os.environ.get("RUN_MS") == "1"
work, reps, base, d = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
benches = sys.argv[5:]
peer = f"{work}/bin/peerbench"


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


failed = set()
tmp = tempfile.mkdtemp()
for b in benches:
    w = f"{d}/{b}.wasm"
    got = {}
    for name, flags in (("O2", ["-O", "2"]), ("O0", ["-O", "0"]), ("O2-explicit", ["--bounds-checks", "explicit"])):
        so = f"{tmp}/{b}.{name}.so"
        rc, _, err = run(["bin/lucetc", *flags, w, "-o", so])
        got[f"lucetc-{name}"] = run(["bin/lucet-run", so]) if rc == 0 else (f"lucetc {rc}", b"", err)
    got["lucet-bench"] = run(["bin/lucet-bench", "run", w])
    got["wasmtime"] = run([peer, "run", "--engine", "wasmtime", w])
    if base:
        got["base"] = run([base, "run", w])
    outcomes = {(rc, out) for rc, out, _ in got.values()}
    if len(outcomes) == 1 and got["wasmtime"][0] == 0:
        print(f"ok   {b}: {got['wasmtime'][1].decode(errors='replace').strip().splitlines()[-1]}")
        continue
    failed.add(b)
    print(f"FAIL {b}:")
    for k, (rc, out, err) in got.items():
        last = out.decode(errors="replace").strip().splitlines()[-1:] or [""]
        print(f"  {k}: status {rc}, stdout {len(out)} bytes sha256 {hashlib.sha256(out).hexdigest()[:12]}, last line {last[0]!r}")
        for line in [l for l in err.splitlines() if not l.startswith("PEERBENCH")][:12]:
            print(f"    {line}")

engines = ["lucet", "wasmtime"] + (["base"] if base else [])
def measure(e, b):
    w = f"{d}/{b}.wasm"
    cmd = {"lucet": ["bin/lucet-bench", "run", w], "base": [base, "run", w],
           "wasmtime": [peer, "run", "--engine", "wasmtime", w]}[e]
    if run_mode:
        return run_ms(cmd)
    return cpu_ms(cmd) - cpu_ms(cmd + ["1"])

med = interleave(reps, benches, engines, measure)
cols = ["lucet/wasmtime"] + (["lucet/base"] if base else [])
table(f"{reps} interleaved runs, medians ({'run_ms' if run_mode else 'CPU'} ms)", benches, engines, cols, med, failed)
PY
