// Command startprof attributes the CPU of short processes from `perf
// script` output: per process of a command name, the samples a run spends
// in (under) each function, for two commands side by side, and the
// difference. scripts/startprof.sh records the profiles; with many runs
// and a high sample rate the per-run counts are steady enough to show
// where lucet-run's start costs more than the urfave/cli hello's, which
// whole-process CPU times (scripts/cpualt) cannot break down.
//
//	startprof A.script COMM_A RUNS_A B.script COMM_B RUNS_B [FRAME] [N]
//
// Without FRAME it compares the top of the stacks (runtime start, package
// initialisation, main, sysmon, ...) and the kind of work (user code,
// page faults, each system call); with FRAME, FRAME's callees. N rows
// (default 30), largest difference first.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

type profile struct {
	runs   float64
	stacks map[string]int // root-first frames joined by ";" -> samples
}

// read parses perf script -F comm,ip,sym output of a profile with call
// chains (-g): a line with the command name per sample, then one frame a
// line (a tab, the address, the symbol), innermost first, then a blank
// line.
func read(path, comm string, runs int) profile {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	p := profile{runs: float64(runs), stacks: map[string]int{}}
	var frames []string
	keep := false
	flush := func() {
		if keep && len(frames) > 0 {
			for i, j := 0, len(frames)-1; i < j; i, j = i+1, j-1 {
				frames[i], frames[j] = frames[j], frames[i]
			}
			p.stacks[strings.Join(frames, ";")]++
		}
		frames, keep = frames[:0], false
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case line[0] != '\t': // frames are indented with a tab
			flush()
			keep = strings.Fields(line)[0] == comm
		default:
			fs := strings.Fields(line)
			if len(fs) < 2 {
				continue
			}
			sym := fs[1]
			if i := strings.LastIndex(sym, "+0x"); i > 0 {
				sym = sym[:i]
			}
			frames = append(frames, sym)
		}
	}
	flush()
	return p
}

// kind is the first kernel entry of a stack: a system call, a page fault,
// an interrupt, or user code.
func kind(fr []string) string {
	for _, x := range fr {
		if strings.HasPrefix(x, "__x64_sys_") || x == "asm_exc_page_fault" || strings.HasPrefix(x, "asm_sysvec") {
			return x
		}
	}
	for _, x := range fr {
		if strings.HasPrefix(x, "entry_SYSCALL") || strings.HasPrefix(x, "ret_from_fork") {
			return "other kernel"
		}
	}
	if len(fr) > 0 && strings.Contains(fr[0], "execve") {
		return "execve"
	}
	return "user"
}

func (p profile) count(frame string) map[string]float64 {
	out := map[string]float64{}
	for s, n := range p.stacks {
		fr := strings.Split(s, ";")
		if frame == "" {
			top := fr[0]
			for _, f := range []string{"runtime.doInit1", "main.main", "runtime.schedinit", "runtime.sysmon", "runtime.mstart1", "runtime.main", "runtime.rt0_go.abi0"} {
				if strings.Contains(s, f) {
					top = f
					break
				}
			}
			out["stack: "+top] += float64(n) / p.runs
			out["kind: "+kind(fr)] += float64(n) / p.runs
			out["total"] += float64(n) / p.runs
			continue
		}
		for i, f := range fr {
			if f == frame {
				callee := "<self>"
				if i+1 < len(fr) {
					callee = fr[i+1]
				}
				out[callee] += float64(n) / p.runs
				out["= "+frame] += float64(n) / p.runs
				break
			}
		}
	}
	return out
}

func main() {
	if len(os.Args) < 7 {
		fmt.Fprintln(os.Stderr, "usage: startprof A.script COMM_A RUNS_A B.script COMM_B RUNS_B [FRAME] [N]")
		os.Exit(2)
	}
	ra, _ := strconv.Atoi(os.Args[3])
	rb, _ := strconv.Atoi(os.Args[6])
	frame, rows := "", 30
	if len(os.Args) > 7 {
		frame = os.Args[7]
	}
	if len(os.Args) > 8 {
		rows, _ = strconv.Atoi(os.Args[8])
	}
	a := read(os.Args[1], os.Args[2], ra).count(frame)
	b := read(os.Args[4], os.Args[5], rb).count(frame)
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		di, dj := a[keys[i]]-b[keys[i]], a[keys[j]]-b[keys[j]]
		if di < 0 {
			di = -di
		}
		if dj < 0 {
			dj = -dj
		}
		return di > dj
	})
	fmt.Printf("samples a run: %s | %s | difference\n", os.Args[2], os.Args[5])
	for i, k := range keys {
		if i == rows {
			break
		}
		fmt.Printf("%7.2f %7.2f %+7.2f  %s\n", a[k], b[k], a[k]-b[k], k)
	}
}
