#!/usr/bin/env bash
# Side-by-side run times of the ../shared/peers corpus: lucet against wazero
# (optimizing compiler) and wasmtime (Cranelift), interleaved repetitions in
# one run, medians and ratios (this machine is noisy: compare only within a
# run). Needs clang (wasm32-wasi) and gcc for the corpus and cgo for
# wasmtime-go; the peers tree is copied to a scratch dir since shared/ is
# read-only.
#   scripts/peers.sh [REPS] [BENCH...]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}; shift || true
benches=${*:-"fib matmul sieve nbody sha256 qsort interp strings strings-bulk"}
work=${PEERS_WORK:-/tmp/lucet-peers}
if [ ! -x "$work/bin/peerbench" ]; then
	rm -rf "$work"; cp -r ../shared/peers "$work"; chmod -R u+w "$work"
	(cd "$work" && corpus/build.sh >/dev/null && CGO_ENABLED=1 go build -o bin/peerbench ./cmd/peerbench)
fi
CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o bin/ ./cmd/lucet-bench
declare -A size=([fib]=40 [matmul]=900 [sieve]=20000000 [nbody]=2500000 [sha256]=64 [qsort]=1200000 [interp]=6000000 [strings]=600000 [strings-bulk]=600000)
engines="lucet wazero wasmtime"
raw=$(mktemp)
for r in $(seq "$reps"); do
	for b in $benches; do
		w="$work/corpus/build/wasm/$b.wasm"
		for e in $engines; do
			if [ "$e" = lucet ]; then
				line=$(bin/lucet-bench run "$w" "${size[$b]}" 2>&1 >/dev/null | grep '^PEERBENCH' || true)
			else
				line=$("$work/bin/peerbench" run --engine "$e" "$w" "${size[$b]}" 2>&1 >/dev/null | grep '^PEERBENCH' || true)
			fi
			ms=$(echo "$line" | sed -n 's/.*"run_ms":\([0-9.]*\).*/\1/p')
			echo "$b $e ${ms:-NaN}" >> "$raw"
		done
	done
done
python3 - "$raw" "$engines" <<'PY'
import sys, statistics, math
rows = [l.split() for l in open(sys.argv[1])]
engines = sys.argv[2].split()
benches = list(dict.fromkeys(r[0] for r in rows))
med = {}
for b in benches:
    for e in engines:
        v = [float(r[2]) for r in rows if r[0] == b and r[1] == e and r[2] != 'NaN']
        med[b, e] = statistics.median(v) if v else float('nan')
print("| bench | " + " | ".join(f"{e} ms" for e in engines) + " | lucet/wazero | lucet/wasmtime |")
print("|---|" + "---:|" * (len(engines) + 2))
rz, rw = [], []
for b in benches:
    z = med[b, 'lucet'] / med[b, 'wazero']; w = med[b, 'lucet'] / med[b, 'wasmtime']
    rz.append(z); rw.append(w)
    print(f"| {b} | " + " | ".join(f"{med[b, e]:.0f}" for e in engines) + f" | {z:.2f} | {w:.2f} |")
g = lambda xs: math.exp(sum(math.log(x) for x in xs if x == x) / len([x for x in xs if x == x]))
print(f"| geomean | | | | {g(rz):.2f} | {g(rw):.2f} |")
PY
rm -f "$raw"
