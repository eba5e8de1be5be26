#!/bin/sh
# Differential testing against wasmtime with random modules: builds
# scripts/difftest (a module of its own: it links wasmtime through cgo,
# which the product never does) into bin/difftest and runs it.
#
#   scripts/difftest.sh [-gen mix] [-from 0] [-n 1000] [-for 9m] [-out difftest-out]
#   scripts/difftest.sh -file x.wasm      # one module, differences printed
#   scripts/difftest.sh -file OUT/findings/GEN-SEED.wasm -seed SEED   # a finding again
#   bin/difftest -file F.wasm -seed SEED -plan | node scripts/difftest/tiebreak.js F.wasm
#                                         # V8's outcome of the same calls: the tiebreaker
#   bin/difftest -file F.wasm -seed SEED -show  # wasmtime's, in tiebreak.js's form
#
# Needs wasm-opt (binaryen) on PATH for the ttf generators, wabt for
# ttf-long, for ttf-new a newer binaryen's wasm-opt in DIFFTEST_WASM_OPT
# (`npm install binaryen`: node_modules/binaryen/bin/wasm-opt; without it
# those modules count as generate-failed), for spec the testsuite in
# LUCET_TESTSUITE, and the
# wasmtime-go module (v37, with its prebuilt libwasmtime.a) in the module
# cache or reachable through GOPROXY. Findings go to OUT/findings/GEN-SEED.{wasm,txt},
# one JSON line per module to OUT/stats.jsonl; the last lines printed
# count modules by generator and outcome.
set -eu
cd "$(dirname "$0")/difftest"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
inc="$(go list -m -f '{{.Dir}}' github.com/bytecodealliance/wasmtime-go/v37)/build/include"
CGO_ENABLED=1 CGO_CFLAGS="-I$inc -O2" go build -o ../../bin/difftest .
cd ../..
exec bin/difftest "$@"
