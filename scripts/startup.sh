#!/usr/bin/env bash
# Process start to exit for hello world, side by side in one hyperfine run:
# the native C build, a bare Go program (the floor any Go binary pays), a
# minimal urfave/cli Go program that prints hello (the floor of a Go CLI
# built like lucet-run: what lucet-run hello.so adds beyond it is the
# runtime's own start-up), lucet-run on the compiled .so and on the .wasm
# (compile cache warm), and
# the ../shared/peers harness running the same hello.wasm on wazero and
# wasmtime (it compiles per run, as their CLIs do without a cache). This
# machine is noisy: compare within one run, and look at medians.
#   scripts/startup.sh [RUNS]      (NO_PEERS=1 leaves out wazero and wasmtime)
# Needs gcc, hyperfine, and for the peers clang (wasm32-wasi) and cgo; the
# peers tree is copied to $PEERS_WORK (default /tmp/lucet-peers) as
# scripts/peers.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}
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
# The urfave/cli program uses lucet's own go.mod/go.sum (same versions, and
# no download), built with the same tags as the tools.
mkdir -p "$tmp/gocli"
sed 's|^module .*|module gocli|' go.mod > "$tmp/gocli/go.mod"
cp go.sum "$tmp/gocli/"
cat > "$tmp/gocli/main.go" <<'EOF'
package main

import (
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	app := &cli.App{
		Name:   "hello",
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "quiet"}},
		Action: func(c *cli.Context) error { _, err := os.Stdout.WriteString("Hello, world!\n"); return err },
	}
	if err := app.Run(os.Args); err != nil {
		os.Exit(1)
	}
}
EOF
(cd "$tmp/gocli" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -tags urfave_cli_no_docs -o ../hello-go-cli .)
bin/lucetc testdata/hello.wasm -o "$tmp/hello.so"
export LUCET_CACHE_DIR="$tmp/cache"
bin/lucet-run testdata/hello.wasm >/dev/null # warm the cache

cmds=("$tmp/hello-native" "$tmp/hello-go" "$tmp/hello-go-cli" "bin/lucet-run $tmp/hello.so" "bin/lucet-run testdata/hello.wasm")
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
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N -w 5 -r "$runs" --export-json "$tmp/startup.json" "${args[@]}" >/dev/null
python3 - "$tmp/startup.json" <<'PY'
import json, statistics, sys
res = json.load(open(sys.argv[1]))["results"]
native = statistics.median(res[0]["times"]) * 1000
gocli = statistics.median(res[2]["times"]) * 1000
print("| command | median ms | min ms | minus native ms | minus Go urfave/cli hello ms |")
print("|---|---:|---:|---:|---:|")
for r in res:
    med = statistics.median(r["times"]) * 1000
    print(f"| {r['command']} | {med:.1f} | {min(r['times']) * 1000:.1f} | {med - native:+.1f} | {med - gocli:+.1f} |")
PY
