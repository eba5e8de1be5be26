#!/usr/bin/env bash
# go test -exec wrapper: runs a GOOS=wasip1 test binary under lucet-run,
# the way Go's own lib/wasm/go_wasip1_wasm_exec runs it under wasmtime
# (the whole filesystem preopened at /, PWD and PATH passed through, and an
# 8 MiB wasm stack: Go calls are wasm calls, and tests such as encoding/asn1's
# and encoding/xml's deep-nesting ones recurse past the default 1 MiB before
# Go's own depth limits stop them).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/bin/lucet-run" --stack-size 8MiB --dir /::/ --env "PWD=$PWD" --env "PATH=$PATH" --env "HOME=${HOME:-/}" "$1" -- "${@:2}"
