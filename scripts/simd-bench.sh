#!/usr/bin/env bash
# Run time inside _start of the SIMD benchmark programs (testdata/simd):
# lucet against wasmtime (Cranelift, via ../shared/peers' peerbench) and
# against lucet running the scalar build of the same source, interleaved
# repetitions, medians and ratios (the machine is noisy: compare only
# within a run). Needs clang (wasm32-wasi) and cgo for wasmtime-go.
# With CPU=1 it measures CPU time instead (perf stat task-clock of the
# whole process at the benchmark size minus the same at size 1, so compile
# and start-up cancel out): on a loaded machine wall time mostly measures
# the neighbours.
#   scripts/simd-bench.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
work=${PEERS_WORK:-/tmp/lucet-peers}
if [ ! -x "$work/bin/peerbench" ]; then
	rm -rf "$work"; cp -r ../shared/peers "$work"; chmod -R u+w "$work"
	(cd "$work" && CGO_ENABLED=1 go build -o bin/peerbench ./cmd/peerbench)
fi
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o bin/ ./cmd/lucet-bench
scalar=$(mktemp -d)
raw=$(mktemp)
trap 'rm -rf "$scalar" "$raw"' EXIT
declare -A size=([matmul_simd]=600 [bytescan_simd]=256 [grey_simd]=40)
if [ "${CPU:-}" = 1 ]; then # more work, so compile-time noise is small beside it
	size=([matmul_simd]=1200 [bytescan_simd]=2048 [grey_simd]=200)
fi
for b in "${!size[@]}"; do
	clang --target=wasm32-wasi -O2 -g0 "testdata/simd/c/$b.c" -o "$scalar/$b.wasm" -Wl,--strip-debug
done
ms() { sed -n 's/.*"run_ms":\([0-9.]*\).*/\1/p'; }
# time CMD... SIZE: run time inside _start in ms (or CPU ms with CPU=1).
time_of() {
	local n=$#
	local size=${!n}
	if [ "${CPU:-}" = 1 ]; then
		local cmd=("${@:1:n-1}")
		local big small
		big=$(perf stat -x, -e task-clock "${cmd[@]}" "$size" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
		small=$(perf stat -x, -e task-clock "${cmd[@]}" 1 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
		python3 -c "print($big - $small)"
		return
	fi
	"$@" 2>&1 >/dev/null | grep '^PEERBENCH' | ms
}
for r in $(seq "$reps"); do
	for b in matmul_simd bytescan_simd grey_simd; do
		w="testdata/simd/wasm/$b.wasm"
		echo "$b lucet $(time_of bin/lucet-bench run "$w" "${size[$b]}")" >>"$raw"
		echo "$b wasmtime $(time_of "$work/bin/peerbench" run --engine wasmtime "$w" "${size[$b]}")" >>"$raw"
		echo "$b lucet-scalar $(time_of bin/lucet-bench run "$scalar/$b.wasm" "${size[$b]}")" >>"$raw"
	done
done
python3 - "$raw" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 3]
engines = ["lucet", "wasmtime", "lucet-scalar"]
print("| bench | lucet ms | wasmtime ms | lucet scalar ms | lucet/wasmtime | simd speedup |")
print("|---|---:|---:|---:|---:|---:|")
for b in dict.fromkeys(r[0] for r in rows):
    m = {e: statistics.median(float(r[2]) for r in rows if r[0] == b and r[1] == e) for e in engines}
    print(f"| {b} | {m['lucet']:.0f} | {m['wasmtime']:.0f} | {m['lucet-scalar']:.0f} | {m['lucet']/m['wasmtime']:.2f} | {m['lucet-scalar']/m['lucet']:.2f} |")
PY
