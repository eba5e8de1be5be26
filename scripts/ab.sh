#!/usr/bin/env bash
# A/B of two lucet-bench builds on one WASI program: REPS interleaved
# runs (the order alternates), CPU time (user+system) of the process at
# SIZE minus at size 1 so compilation and start-up cancel out, medians
# and the ratio B/A. On this shared machine CPU time is steadier than
# wall time; compare only within a run.
#   scripts/ab.sh A_BIN B_BIN REPS MODULE.wasm SIZE
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: $0 A_BIN B_BIN REPS MODULE.wasm SIZE" >&2; exit 2; }
exec python3 - "$@" <<'PY'
import resource, statistics, subprocess, sys
a, b, reps, mod, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
def cpu(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{cmd} exited {p.returncode}")
    return (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3
t = {a: [], b: []}
for r in range(reps):
    for x in ((a, b) if r % 2 == 0 else (b, a)):
        t[x].append(cpu([x, "run", mod, size]) - cpu([x, "run", mod, "1"]))
ma, mb = statistics.median(t[a]), statistics.median(t[b])
print(f"A {ma:.1f} ms  B {mb:.1f} ms  B/A {mb/ma:.3f}  ({reps} runs, CPU ms at {size} minus at 1)")
print("A", " ".join(f"{x:.0f}" for x in t[a]))
print("B", " ".join(f"{x:.0f}" for x in t[b]))
PY
