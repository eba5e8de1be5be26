#!/usr/bin/env bash
# Run time of the "wider" benchmark set (testdata/bench/wider/*.wasm, built
# by scripts/build-bench-testdata.sh) under lucet and wasmtime (Cranelift,
# via the peers harness's peerbench), interleaved repetitions in one run,
# medians and the lucet/wasmtime ratio per program and as a geomean. Same
# method as scripts/native.sh: by default the time inside _start that both
# report (run_ms); with CPU=1 user+system time of the process less the
# compilation's (compile_cpu_ms, which both report: scripts/peerlib.py) at
# the default size minus at size 1 (start-up cancels out), which a loaded
# machine disturbs less. BASE_BIN=another/lucet-bench adds a "base" column
# (a before/after in the same run); a lucet-bench from before compile_cpu_ms
# (main 3bcf661 and older) is warned about: its column keeps the
# compilation's CPU time, whose swing run to run is larger than the run of
# a big module (brotli: 2.2-2.7 s of compilation around 0.5 s of run, which
# made its lucet/wasmtime 0.74 in one run and 1.38 in the next).
#
# Before timing, every program's stdout is checked to be identical under
# lucet -O 2, lucet -O 0 (lucet-run via lucetc), and wasmtime; a mismatch or
# a failed run is printed and the program is marked FAIL in the table.
#
# DIR=path/to/dir measures the .wasm files of another directory the same
# way (each must take the size as argv[1] and print a checksum), e.g. real
# programs built outside the repository.
#   [DIR=...] scripts/wider.sh [REPS] [BENCH...]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}; shift || true
dir=${DIR:-testdata/bench/wider}
benches=${*:-$(cd $dir && ls ./*.wasm | sed 's|^\./||; s|\.wasm$||' | tr '\n' ' ')}
work=${PEERS_WORK:-/tmp/lucet-peers}
if [ ! -x "$work/bin/peerbench" ]; then
	rm -rf "$work"; cp -r ../shared/peers "$work"; chmod -R u+w "$work"
	(cd "$work" && corpus/build.sh >/dev/null && CGO_ENABLED=1 go build -o bin/peerbench ./cmd/peerbench)
fi
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o bin/ ./cmd/lucet-bench ./cmd/lucetc ./cmd/lucet-run
CPU=${CPU:-} PYTHONPATH=scripts exec python3 - "$work" "$reps" "${BASE_BIN:-}" "$dir" $benches <<'PY'
import os, sys, tempfile, subprocess
from peerlib import cpu_ms, interleave, output, run_ms, table
cpu_mode = os.environ.get("CPU") == "1"
work, reps, base, d = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
benches = sys.argv[5:]
peer = f"{work}/bin/peerbench"

failed = set()
tmp = tempfile.mkdtemp()
for b in benches:
    w = f"{d}/{b}.wasm"
    so = f"{tmp}/{b}.O0.so"
    subprocess.run(["bin/lucetc", "-O", "0", w, "-o", so], check=True)
    got = {"lucet": output(["bin/lucet-bench", "run", w]), "lucet-O0": output(["bin/lucet-run", so]),
           "wasmtime": output([peer, "run", "--engine", "wasmtime", w])}
    if len(set(got.values())) != 1 or got["wasmtime"].startswith("exit"):
        failed.add(b)
        print(f"FAIL {b}: " + "; ".join(f"{k}={v.strip()!r}" for k, v in got.items()))

engines = ["lucet", "wasmtime"] + (["base"] if base else [])
def measure(e, b):
    w = f"{d}/{b}.wasm"
    cmd = {"lucet": ["bin/lucet-bench", "run", w], "base": [base, "run", w],
           "wasmtime": [peer, "run", "--engine", "wasmtime", w]}[e]
    if cpu_mode:
        return cpu_ms(cmd) - cpu_ms(cmd + ["1"])
    return run_ms(cmd)

med = interleave(reps, benches, engines, measure)
cols = ["lucet/wasmtime"] + (["lucet/base"] if base else [])
table(f"{reps} interleaved runs, medians ({'CPU' if cpu_mode else 'run_ms'} ms)", benches, engines, cols, med, failed)
PY
