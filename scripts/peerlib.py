"""Shared by scripts/native.sh, scripts/wider.sh and scripts/real.sh: one
way to time a benchmark run, to interleave engines and to print the table
of medians and ratios, so the three scripts cannot drift apart.

Timing, per run:
  run_ms(cmd)  the time inside _start that lucet-bench and peerbench both
               report on stderr (a PEERBENCH JSON line);
  cpu_ms(cmd)  user+system CPU time of the process, which a loaded machine
               disturbs less than wall time, less the compile_cpu_ms its
               PEERBENCH line reports (lucet-bench and peerbench run
               compile in the process): a compilation's CPU time varies
               by hundreds of ms run to run (brotli: 2.2-2.7 s), more
               than some whole runs take, and taking size 1's time from
               the size's cancelled it out only on average;
  wall_ms(cmd) wall time of the process (native binaries report nothing).
Each returns NaN for a failed run, and medians skip NaNs.
"""
import json, math, resource, statistics, subprocess, sys, time

NAN = float("nan")


def run_ms(cmd):
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if line.startswith("PEERBENCH"):
            r = json.loads(line.split(None, 1)[1])
            if r.get("exit_code", 0) == 0:
                return r["run_ms"]
    return NAN


def cpu_ms(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3
    for line in p.stderr.splitlines():
        if line.startswith("PEERBENCH"):
            r = json.loads(line.split(None, 1)[1])
            if "compile_cpu_ms" in r:
                t -= r["compile_cpu_ms"]
            elif cmd[0] not in _warned:
                _warned.add(cmd[0])
                print(f"warning: {cmd[0]} reports no compile_cpu_ms (a lucet-bench before it did):"
                      " its CPU times keep the compilation's", file=sys.stderr)
    return t if p.returncode == 0 else NAN


_warned = set()


def wall_ms(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = (time.perf_counter() - t) * 1e3
    return t if p.returncode == 0 else NAN


def output(cmd):
    """stdout of a run, or "exit N: stdout" when it failed."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p.stdout if p.returncode == 0 else f"exit {p.returncode}: {p.stdout}"


def interleave(reps, benches, engines, measure):
    """Medians of reps runs of measure(engine, bench); the engines' order
    rotates every repetition so none always runs right after another."""
    raw = {}
    for r in range(reps):
        for b in benches:
            for e in engines[r % len(engines):] + engines[:r % len(engines)]:
                raw.setdefault((b, e), []).append(measure(e, b))
    return {k: statistics.median([x for x in v if x == x] or [NAN]) for k, v in raw.items()}


def geomean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else NAN


def table(title, benches, engines, cols, med, failed=()):
    """Prints a markdown table: the medians per engine, then each column
    "x/y" as med[x]/med[y], and a geomean row over the finite ratios."""
    print(title)
    print("| bench | " + " | ".join(f"{e} ms" for e in engines) + " | " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * (len(engines) + len(cols)))
    ratios = {c: [] for c in cols}
    for b in benches:
        row = []
        for c in cols:
            x, y = c.split("/")
            v = med[b, x] / med[b, y]
            if v == v:
                ratios[c].append(v)
            row.append(f"{v:.2f}")
        mark = " FAIL" if b in failed else ""
        print(f"| {b}{mark} | " + " | ".join(f"{med[b, e]:.0f}" for e in engines) + " | " + " | ".join(row) + " |")
    print("| geomean |" + " |" * len(engines) + " " + " | ".join(f"{geomean(ratios[c]):.2f}" for c in cols) + " |")
