package execute

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/abi"
)

// watchdog guards a test step that would hang for good if a guest could
// not be stopped (a preemption or a kill that never lands): unless the
// returned stop is called within d, it writes what the runtime knows to
// stderr (the handler's counters, the registered code ranges and whether
// they are still mapped, the stores' call state, each thread's signal
// masks) and panics (printing every goroutine), which fails the test binary at once
// instead of leaving it to go test's 10-minute timeout and a dump that
// says nothing of the guest's side. A hung guest cannot be unwound: the
// panic is the only way out.
func watchdog(tb testing.TB, d time.Duration, what string, stores ...*Store) (stop func()) {
	tb.Helper()
	start := readSigStats()
	t := time.AfterFunc(d, func() {
		fmt.Fprintf(os.Stderr, "\n=== watchdog: %s: %s still running after %v\n", tb.Name(), what, d)
		fmt.Fprint(os.Stderr, stateDump(start, stores...))
		// Not runtime.Stack(all): it stops the world, which waits for
		// the very guest that cannot be preempted. The crash of an
		// unrecovered panic prints every goroutine without waiting.
		debug.SetTraceback("all")
		panic(fmt.Sprintf("watchdog: %s: %s still running after %v (state above)", tb.Name(), what, d))
	})
	return func() { t.Stop() }
}

// stateDump describes what decides whether a guest can be stopped, since
// start (counters) and now (everything else). It reads the stores' fields
// without their locks: it is for a run that is already lost.
func stateDump(start sigStats, stores ...*Store) string {
	var b strings.Builder
	st := readSigStats()
	fmt.Fprintf(&b, "--- signal handler since the step began: %+v\n    in all: %+v\n", st.sub(start), st)
	stale := staleCodeRanges()
	fmt.Fprintf(&b, "--- registered code ranges: %d, not mapped: %d %x\n", len(codeRanges()), len(stale), stale)
	for i, s := range stores {
		e := s.exec
		fmt.Fprintf(&b, "--- store %d: running=%v killed=%v depth=%d exit=%#x stackTop=%#x stackLow=%#x resumeSP=%#x resumePC=%#x\n",
			i, s.running.Load(), s.killed.Load(), s.depth, load64(e+abi.ExecExitCode), loadPtr(e+abi.ExecStackTop),
			loadPtr(e+execStackLow), loadPtr(e+abi.ExecResumeSP), loadPtr(e+abi.ExecResumePC))
	}
	b.WriteString("--- threads (SIGURG is bit 22 of the masks)\n")
	tasks, _ := filepath.Glob("/proc/self/task/*")
	for _, task := range tasks {
		fmt.Fprintf(&b, "    %s:", filepath.Base(task))
		f, err := os.Open(filepath.Join(task, "status"))
		if err != nil {
			fmt.Fprintf(&b, " %v\n", err)
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			switch k {
			case "State", "SigPnd", "ShdPnd", "SigBlk", "SigCgt":
				fmt.Fprintf(&b, " %s=%s", k, strings.TrimSpace(v))
			}
		}
		f.Close()
		b.WriteByte('\n')
	}
	return b.String()
}

// staleCodeRanges returns the registered code ranges that are not wholly
// mapped: a range whose code was unmapped while still registered.
func staleCodeRanges() [][2]uintptr {
	maps := procMaps()
	var stale [][2]uintptr
	for _, r := range codeRanges() {
		a := r[0]
		for _, m := range maps {
			if m[0] <= a && a < m[1] {
				a = m[1]
			}
			if a >= r[1] {
				break
			}
		}
		if a < r[1] {
			stale = append(stale, r)
		}
	}
	return stale
}

// procMaps returns the process's mappings, sorted by address, as
// /proc/self/maps lists them (nil without /proc).
func procMaps() [][2]uintptr {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil
	}
	defer f.Close()
	var ms [][2]uintptr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rng, _, _ := strings.Cut(sc.Text(), " ")
		lo, hi, _ := strings.Cut(rng, "-")
		l, err1 := strconv.ParseUint(lo, 16, 64)
		h, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil {
			ms = append(ms, [2]uintptr{uintptr(l), uintptr(h)})
		}
	}
	return ms
}
