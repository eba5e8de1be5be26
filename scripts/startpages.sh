#!/usr/bin/env bash
# Distinct 4 KiB pages a process touches from start to exit, for
# lucet-run hello.so and the minimal urfave/cli hello of scripts/startup.sh,
# counted from valgrind's lackey memory trace (every instruction fetch,
# load and store). On this VM the first touch of a page, not an
# instruction, is the unit of start-up cost: a page fault costs 10-45 us,
# and even a page the kernel mapped ahead (fault-around, MAP_POPULATE)
# costs ~6 us on its first access, which no fault counter shows. The
# count is deterministic for the binary's own pages (code, rodata,
# pclntab, data, bss: +-1 between runs); pages elsewhere (the Go heap,
# stacks, the module's mappings) move by +-10 with address randomisation.
#   scripts/startpages.sh [LUCET_RUN [PACKAGES]]
#   LUCET_RUN  the lucet-run to count (default bin/lucet-run, built); the
#              lucetc next to it compiles hello.so
#   PACKAGES   how many packages to list by code pages touched (default 25)
# Needs valgrind and readelf (scripts/binsyms.py reads the binary's sections
# and symbols, as for scripts/startfaults.sh); the urfave/cli hello is
# scripts/clihello, as in startup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${1:-}" ]; then make -s build; fi
lr=${1:-bin/lucet-run}
top=${2:-25}
CGO_ENABLED=0 go build -buildvcs=false -tags urfave_cli_no_docs -o "$tmp/hello-go-cli" ./scripts/clihello
# The object from the same build's lucetc (objects name their compiler).
lucetc=$(dirname "$lr")/lucetc
[ -x "$lucetc" ] || lucetc=bin/lucetc
"$lucetc" testdata/hello.wasm -o "$tmp/hello.so"
cp "$lr" "$tmp/lucet-run"
# valgrind cannot run Go's AVX-512 memmove, and asynchronous preemption
# signals upset it; one P keeps the trace in one order.
export GODEBUG=asyncpreemptoff=1,cpu.avx512f=off GOMAXPROCS=1
valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/cli.trace" "$tmp/hello-go-cli" >/dev/null
valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/lr.trace" "$tmp/lucet-run" "$tmp/hello.so" >/dev/null
PYTHONPATH=scripts python3 - "$tmp" "$top" <<'PY'
import collections, re, sys
import binsyms
tmp, top = sys.argv[1], int(sys.argv[2])
def count(trace, binary):
    text = binsyms.Text(binary)
    end = binsyms.image_end(binsyms.sections(binary))
    code, data, other, pkgs = set(), set(), set(), collections.defaultdict(set)
    for line in open(trace):
        k = line[:2].strip()
        if k not in ("I", "L", "S", "M"):
            continue
        try:
            a = int(line[3:].split(",")[0], 16)
        except ValueError:
            continue
        if a >= end:
            other.add(a >> 12)
        elif k == "I":
            code.add(a >> 12)
            name = text.name(a).split("(")[0]
            m = re.match(r"^([\w./-]*?)\.[^/]*$", name)
            pkgs[m.group(1) if m else name].add(a >> 12)
        else:
            data.add(a >> 12)
    return code, data, other, pkgs
c = count(f"{tmp}/cli.trace", f"{tmp}/hello-go-cli")
l = count(f"{tmp}/lr.trace", f"{tmp}/lucet-run")
print("| pages touched | urfave/cli hello | lucet-run hello.so | difference |")
print("|---|---:|---:|---:|")
for i, name in enumerate(["binary code", "binary data (rodata, pclntab, data, bss)", "elsewhere (Go heap, stacks, module, guest)"]):
    print(f"| {name} | {len(c[i])} | {len(l[i])} | {len(l[i]) - len(c[i]):+d} |")
tc, tl = len(c[0] | c[1] | c[2]), len(l[0] | l[1] | l[2])
print(f"| all | {tc} | {tl} | {tl - tc:+d} |")
print(f"\nlucet-run's code pages by package (a page shared by n packages counts 1/n), top {top}:")
share = collections.Counter()
owners = collections.defaultdict(list)
for p, pages in l[3].items():
    for pg in pages:
        owners[pg].append(p)
for pg, ps in owners.items():
    for p in ps:
        share[p] += 1 / len(ps)
for p, n in share.most_common(top):
    print(f"{n:6.1f} {p}")
PY
