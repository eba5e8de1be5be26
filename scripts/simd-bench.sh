#!/usr/bin/env bash
# Run time inside _start of the SIMD benchmark programs (testdata/simd):
# lucet against wasmtime (Cranelift, via ../shared/peers' peerbench) and
# against lucet running the scalar build of the same source, interleaved
# repetitions, medians and ratios (the machine is noisy: compare only
# within a run). Needs clang (wasm32-wasi) and cgo for wasmtime-go.
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
declare -A size=([matmul_simd]=600 [bytescan_simd]=256)
for b in "${!size[@]}"; do
	clang --target=wasm32-wasi -O2 -g0 "testdata/simd/c/$b.c" -o "$scalar/$b.wasm" -Wl,--strip-debug
done
ms() { sed -n 's/.*"run_ms":\([0-9.]*\).*/\1/p'; }
for r in $(seq "$reps"); do
	for b in matmul_simd bytescan_simd; do
		w="testdata/simd/wasm/$b.wasm"
		echo "$b lucet $(bin/lucet-bench run "$w" "${size[$b]}" 2>&1 >/dev/null | grep '^PEERBENCH' | ms)" >>"$raw"
		echo "$b wasmtime $("$work/bin/peerbench" run --engine wasmtime "$w" "${size[$b]}" 2>&1 >/dev/null | grep '^PEERBENCH' | ms)" >>"$raw"
		echo "$b lucet-scalar $(bin/lucet-bench run "$scalar/$b.wasm" "${size[$b]}" 2>&1 >/dev/null | grep '^PEERBENCH' | ms)" >>"$raw"
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
