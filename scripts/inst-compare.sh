#!/usr/bin/env bash
# Instantiation side by side, as ../shared/peers measures it (instantiate with
# WASI, not run; resident memory with 10,000 live): lucet-bench in the guard
# and dense layouts against peerbench inst for wasmtime-pool and wazero, on
# the peers' hello.wasm, three interleaved rounds, medians; then lucet's
# resident memory per live instance once each has run _start too. Run
# scripts/peers.sh once first (it builds peerbench), and make build.
set -u
cd "$(dirname "$0")/.."
work=${PEERS_WORK:-/tmp/lucet-peers}
LB=${LB:-bin/lucet-bench}
PB=$work/bin/peerbench
W=$work/corpus/build/wasm/hello.wasm
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in 1 2 3; do
  $LB --json -n 10000 --warmup 200 --live 10000 $W 2>/dev/null | sed 's/^/lucet-guard /' >> $out
  $LB --json --layout dense -n 10000 --warmup 200 --live 10000 $W 2>/dev/null | sed 's/^/lucet-dense /' >> $out
  for l in guard dense; do
    $LB --json --layout $l -n 1000 --warmup 200 --live 10000 --call _start $W 2>/dev/null | sed "s/^/run-$l /" >> $out
  done
  for e in wasmtime-pool wazero; do
    $PB inst --engine $e --n 10000 --warmup 200 --live 10000 $W 2>&1 >/dev/null | grep '^PEERBENCH' | sed "s/^PEERBENCH/$e/" >> $out
  done
done
python3 - $out <<'PY'
import sys, json, statistics as st
rows={}
for l in open(sys.argv[1]):
    name, js = l.split(' ',1)
    try: d=json.loads(js)
    except Exception: continue
    rows.setdefault(name,[]).append(d)
def g(d,*k):
    for x in k:
        d=d[x] if isinstance(d,dict) else d[0][x]
    return d
print("| engine | inst median µs | p99 µs | close median µs | RSS KiB/inst @10k | VM KiB/inst | maps/inst | Go heap B/inst |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
base=None
for n,ds in rows.items():
    if n.startswith('run-'):
        continue
    med=st.median(g(d,'instantiate_us','median') for d in ds)
    p99=st.median(g(d,'instantiate_us','p99') for d in ds)
    cl=[d['close_us']['median'] for d in ds if isinstance(d.get('close_us'),dict)]
    cl=f"{st.median(cl):.2f}" if cl else "-"
    live=[d['live'][-1] for d in ds]
    rss=st.median(x['rss_kib_per_inst'] for x in live)
    vm=st.median(x['vm_kib_per_inst'] for x in live)
    mp=st.median(x['maps_per_inst'] for x in live)
    hp=st.median(x.get('go_heap_bytes_per_inst',0) for x in live)
    print(f"| {n} | {med:.2f} | {p99:.1f} | {cl} | {rss:.1f} | {vm:.0f} | {mp:.2f} | {hp:.0f} |")
for n,ds in rows.items():
    if not n.startswith('run-'):
        continue
    live=[d['live'][-1] for d in ds]
    print(f"lucet {n[4:]}: RSS KiB per live instance after _start: {st.median(x['rss_kib_per_inst_after_call'] for x in live):.1f} (after instantiate: {st.median(x['rss_kib_per_inst'] for x in live):.1f}); close after _start median {st.median(d['close_us']['median'] for d in ds):.2f} µs")
PY
