#!/usr/bin/env bash
# Process start to exit for hello world, side by side: the native C build,
# a bare Go program (the floor any Go binary pays), a minimal urfave/cli Go
# program that prints hello (the floor of a Go CLI built like lucet-run:
# what lucet-run hello.so adds beyond it is the runtime's own start-up),
# lucet-run on the compiled .so and on the .wasm (compile cache warm), and
# the ../shared/peers harness running the same hello.wasm on wazero and
# wasmtime (it compiles per run, as their CLIs do without a cache).
#   scripts/startup.sh [RUNS [WARMUP]]   (default 200 runs, 20 warm-ups)
#   NO_PEERS=1    leaves out wazero and wasmtime
#   BASE_BIN=/abs/dir  adds lucet-run hello.so from another build's lucetc and
#                 lucet-run (e.g. main's bin/), for a before/after
#   ROUNDS=n      alternation (default 10)
#   CPU_RUNS=n    also n runs of each lucet-run (hello.so, and hello.wasm
#                 with the cache warm) and the urfave/cli hello interleaved
#                 one by one (scripts/cpualt): median per-run user+sys CPU,
#                 the steadiest measure under others' load
# This machine is noisy and hyperfine runs one command's runs back to back,
# so the runs are split into ROUNDS hyperfine -N calls, each over every
# command in a rotated order, and pooled: a burst of load from elsewhere
# lands on all commands alike. Compare within one run: min, median and
# user+sys CPU (the steadiest), and the difference to the urfave/cli hello.
# Times vary with the machine's load; scripts/startpages.sh counts what
# they are made of here (pages first touched), deterministically.
# Needs gcc, hyperfine, and for the peers clang (wasm32-wasi) and cgo; the
# peers tree is copied to $PEERS_WORK (default /tmp/lucet-peers) as
# scripts/peers.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
warmup=${2:-20}
rounds=${ROUNDS:-10}
work=${PEERS_WORK:-/tmp/lucet-peers}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s build
gcc -O2 -o "$tmp/hello-native" testdata/hello/hello.c
mkdir -p "$tmp/gohello"
cat > "$tmp/gohello/main.go" <<'EOF'
package main

import "os"

func main() { os.Stdout.WriteString("Hello, world!\n") }
EOF
(cd "$tmp/gohello" && CGO_ENABLED=0 GOFLAGS= go mod init gohello >/dev/null 2>&1 && CGO_ENABLED=0 go build -o ../hello-go .)
# The urfave/cli hello (scripts/clihello), built like the tools.
CGO_ENABLED=0 go build -buildvcs=false -tags urfave_cli_no_docs -o "$tmp/hello-go-cli" ./scripts/clihello
bin/lucetc testdata/hello.wasm -o "$tmp/hello.so"
# Every timed binary runs from a cp of it: the same lucet-run bytes started
# ~1 ms (user+sys) slower from the file the Go linker had just written
# than from a copy (2026-12-04, 300 alternated runs each; the linker writes
# its output through mmap, which leaves the file differently in the page
# cache), and the C and Go hellos are freshly written too.
fresh() { cp "$1" "$1.cp" && mv "$1.cp" "$1"; }
cp bin/lucet-run "$tmp/lucet-run"
for f in hello-native hello-go hello-go-cli lucet-run; do fresh "$tmp/$f"; done
export LUCET_CACHE_DIR="$tmp/cache"
"$tmp/lucet-run" testdata/hello.wasm >/dev/null # warm the cache

cmds=("$tmp/hello-native" "$tmp/hello-go" "$tmp/hello-go-cli" "$tmp/lucet-run $tmp/hello.so" "$tmp/lucet-run testdata/hello.wasm")
names=(native-gcc go-hello go-urfave-cli-hello lucet-run-so lucet-run-wasm)
if [ -z "${NO_PEERS:-}" ] && [ ! -x "$work/bin/peerbench" ]; then
	rm -rf "$work"; cp -r ../shared/peers "$work"; chmod -R u+w "$work"
	(cd "$work" && corpus/build.sh >/dev/null && CGO_ENABLED=1 go build -o bin/peerbench ./cmd/peerbench) || true
fi
if [ -z "${NO_PEERS:-}" ] && [ -x "$work/bin/peerbench" ]; then
	for e in wazero wazero-interp wasmtime; do
		cmds+=("$work/bin/peerbench run --engine $e testdata/hello.wasm")
		names+=("peerbench-$e")
	done
fi
if [ -n "${BASE_BIN:-}" ]; then
	"$BASE_BIN/lucetc" testdata/hello.wasm -o "$tmp/hello-base.so"
	cp "$BASE_BIN/lucet-run" "$tmp/lucet-run-base"
	cmds+=("$tmp/lucet-run-base $tmp/hello-base.so")
	names+=(lucet-run-so-base)
fi
n=${#cmds[@]}
for ((r = 0; r < rounds; r++)); do
	args=()
	for ((k = 0; k < n; k++)); do
		i=$(((k + r) % n))
		args+=(-n "${names[$i]}" "${cmds[$i]}")
	done
	hyperfine -N -w $(((warmup + rounds - 1) / rounds)) -r $(((runs + rounds - 1) / rounds)) \
		--export-json "$tmp/startup-$r.json" "${args[@]}" 2>&1 >/dev/null |
		{ grep -v -e 'Statistical outliers' -e '^ *$' >&2 || true; }
done
python3 - "$tmp"/startup-*.json <<'PY'
import json, statistics, sys
runs = {}  # name -> [times], [user+sys means per round]
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        t, c = runs.setdefault(r["command"], ([], []))
        t.extend(r["times"])
        c.append(r["user"] + r["system"])
def row(name):
    t, c = runs[name]
    return statistics.median(t) * 1000, min(t) * 1000, statistics.mean(c) * 1000, len(t)
cli = row("go-urfave-cli-hello")
print("| command | runs | median ms | min ms | user+sys CPU ms | median / urfave/cli hello | CPU minus urfave/cli hello ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in runs:
    med, mn, cpu, n = row(name)
    print(f"| {name} | {n} | {med:.1f} | {mn:.1f} | {cpu:.1f} | {med / cli[0]:.2f} | {cpu - cli[2]:+.1f} |")
PY
if [ -n "${CPU_RUNS:-}" ]; then
	alt=("cli-hello=$tmp/hello-go-cli" "lucet-run-so=$tmp/lucet-run $tmp/hello.so" "lucet-run-wasm=$tmp/lucet-run testdata/hello.wasm")
	if [ -n "${BASE_BIN:-}" ]; then
		"$tmp/lucet-run-base" testdata/hello.wasm >/dev/null # its own cache entry: another compiler
		alt+=("lucet-run-so-base=$tmp/lucet-run-base $tmp/hello-base.so" "lucet-run-wasm-base=$tmp/lucet-run-base testdata/hello.wasm")
	fi
	go run ./scripts/cpualt "$CPU_RUNS" "${alt[@]}"
fi
