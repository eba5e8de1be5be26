#!/usr/bin/env bash
# go test -exec wrapper: runs a GOOS=wasip1 test binary under lucet-run,
# the way Go's own misc/wasm/go_wasip1_wasm_exec runs it under wasmtime
# (the whole filesystem preopened at /, PWD and PATH passed through).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/bin/lucet-run" --dir /::/ --env "PWD=$PWD" --env "PATH=$PATH" --env "HOME=${HOME:-/}" "$1" -- "${@:2}"
