#!/usr/bin/env bash
# Guest instructions of lucet-bench builds on the ../shared/peers corpus,
# counted by valgrind's callgrind: the instructions executed in anonymous
# executable mappings (the compiled module; the Go runtime and compiler
# have symbols), so compilation and start-up do not count. Deterministic
# where CPU time on this shared machine is ±20%, and it works where
# `perf stat -e instructions` does not (no counters in this VM); it
# counts instructions, not cycles (rep movsb is one, a 32-byte move one).
# GODEBUG turns off what valgrind cannot run (AVX-512 in Go's memmove,
# async preemption signals); GOGC=off keeps the garbage collector, whose
# cputicks uses rdtscp (unknown to valgrind 3.19), from running.
# The SIMD programs of testdata/simd (matmul_simd, bytescan_simd, grey_simd) are
# benchmarks too, named explicitly; they need no corpus. So are the programs
# of the wider set (testdata/bench/wider: base64, bignum, ..., vm).
#   scripts/icount.sh BIN... -- [BENCH...]      (sizes ~1/10 of native.sh's)
set -euo pipefail
cd "$(dirname "$0")/.."
bins=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do bins+=("$1"); shift; done
shift || true
work=${PEERS_WORK:-/tmp/lucet-peers}
simd_only=1; for b in "$@"; do case $b in *_simd) ;; *) [ -f "testdata/bench/wider/$b.wasm" ] || simd_only=0 ;; esac; done
[ $# -gt 0 ] && [ $simd_only = 1 ] || [ -d "$work/corpus/build/wasm" ] || { echo "no corpus under $work (run scripts/native.sh once)" >&2; exit 2; }
exec python3 - "$work" "${bins[@]}" -- "$@" <<'PY'
import os, re, subprocess, sys, tempfile
work = sys.argv[1]; i = sys.argv.index("--")
bins, benches = sys.argv[2:i], sys.argv[i+1:]
size = dict(fib=27, matmul=200, sieve=2000000, nbody=100000, sha256=4, qsort=100000, interp=500000,
            strings=20000, **{"strings-bulk": 20000}, matmul_simd=200, bytescan_simd=8, grey_simd=2,
            # the wider set (testdata/bench/wider), named explicitly
            base64=6, bignum=6000, bintree=13, crc32=5, glob=150000, hashtab=300000, json=20,
            lz77=2, mandel=300, polybench=150, raytrace=200, vm=3000, aes=6)
wider = "testdata/bench/wider"
benches = benches or [b for b in size if not b.endswith("_simd") and not os.path.exists(f"{wider}/{b}.wasm")]
def guest(b, wasm, n):
    env = dict(os.environ, GODEBUG="asyncpreemptoff=1,cpu.avx512f=off", GOGC="off", GOMAXPROCS="1")
    for _ in range(4):  # a stray signal can still end a run under valgrind
        fd, out = tempfile.mkstemp(prefix="icount."); os.close(fd)
        p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", b, "run", wasm, n],
                           env=env, capture_output=True, text=True)
        ann = subprocess.run(["callgrind_annotate", "--threshold=100", out], capture_output=True, text=True).stdout
        os.remove(out)
        if '"exit_code":0' in p.stderr:
            return sum(int(m.group(1).replace(",", "")) for m in
                       re.finditer(r"^\s*([\d,]+) \(.*?\)\s+\?\?\?:0x", ann, re.M))
    sys.exit(f"{b} {wasm} {n}: failed 4 times under valgrind")
print("| bench | " + " | ".join(os.path.basename(b) for b in bins) + " | " +
      " | ".join(f"{os.path.basename(b)}/{os.path.basename(bins[0])}" for b in bins[1:]) + " |")
print("|---|" + "---:|" * (2 * len(bins) - 1))
for bench in benches:
    wasm = (f"testdata/simd/wasm/{bench}.wasm" if bench.endswith("_simd") else
            f"{wider}/{bench}.wasm" if os.path.exists(f"{wider}/{bench}.wasm") else f"{work}/corpus/build/wasm/{bench}.wasm")
    r = [guest(b, wasm, str(size[bench])) for b in bins]
    print(f"| {bench} | " + " | ".join(f"{x/1e6:.1f}M" for x in r) + " | " +
          " | ".join(f"{x/r[0]:.3f}" for x in r[1:]) + " |", flush=True)
PY
