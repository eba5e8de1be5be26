#!/usr/bin/env bash
# Go's own standard-library tests, built for wasip1, run under lucet-run.
# Slow (each test binary is a multi-megabyte module compiled by lucetc), so
# it is not part of `make test`. Prints one line per package and a summary.
set -uo pipefail
cd "$(dirname "$0")/.."
# A cross-section of the library: 64-bit and float arithmetic (math/big,
# crypto), compressors, parsers, reflection, the runtime and the WASI-facing
# os/time/io packages. Every package in std passes under lucet with -short
# (the whole of `go list std` was run once); these are the ones worth the
# time on every run.
pkgs=${GO_WASIP1_PKGS:-"strconv strings sort bytes unicode/utf8 unicode/utf16 encoding/json encoding/base64
 math math/big math/bits math/rand/v2 os path/filepath io bufio time context sync errors
 regexp fmt reflect runtime slices maps container/heap container/list container/ring
 compress/flate compress/gzip compress/zlib compress/bzip2 compress/lzw archive/tar archive/zip
 crypto/sha256 crypto/sha512 crypto/md5 crypto/aes crypto/cipher crypto/hmac crypto/ed25519
 crypto/ecdsa crypto/rsa hash/crc32 hash/crc64
 encoding/binary encoding/hex encoding/csv encoding/xml encoding/gob encoding/pem encoding/asn1
 text/template html/template go/parser go/format"}
# No wrapper: lucet-run's defaults (an 8 MiB stack) run Go test binaries,
# and everything after the module goes to the test verbatim. The tests see
# the whole filesystem and the host's environment (PWD tells Go's wasip1
# runtime its working directory), as Go's own go_wasip1_wasm_exec gives them.
exec="$PWD/bin/lucet-run --dir=/ --inherit-env"
export LUCET_CACHE_DIR=${LUCET_CACHE_DIR:-$(mktemp -d)}
pass=0 fail=0
for p in $pkgs; do
	if out=$(GOOS=wasip1 GOARCH=wasm go test -count=1 -short -exec "$exec" "$p" 2>&1); then
		pass=$((pass+1)); echo "ok    $p"
	else
		fail=$((fail+1)); echo "FAIL  $p"; echo "$out" | tail -15 | sed 's/^/      /'
	fi
done
echo "go-wasip1: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
