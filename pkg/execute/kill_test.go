package execute

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/abi"
)

// killChildEnv marks the re-executed test binary of TestKillWithoutArming.
const killChildEnv = "LUCET_KILL_CHILD"

// A Kill from another goroutine stops a guest loop (no interrupt check)
// whose call has neither a timeout nor a context, without help from Go's
// own preemption signals: the test re-runs itself with
// GODEBUG=asyncpreemptoff=1, under which the runtime sends no SIGURG at
// all (sysmon's every-10ms signal included), so the only way out of the
// loop is the signal Kill itself sends. Nothing is timed: a kill that did
// not land would leave the child spinning until its watchdog fails it.
func TestKillWithoutArming(t *testing.T) {
	if os.Getenv(killChildEnv) == "1" {
		killChild(t)
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary; -short skips it")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestKillWithoutArming$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), killChildEnv+"=1", "GODEBUG=asyncpreemptoff=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestKillWithoutArming") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// killChild runs in the child process: several unarmed spins, each killed
// from another goroutine once it is running.
func killChild(t *testing.T) {
	// With asynchronous preemption off a collection would wait for the
	// spinning guest (and the goroutine that kills it, for the
	// collection): keep the collector out of the way.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	s, inst := preemptInstance(t, Config{})
	defer watchdog(t, time.Minute, "a killed guest loop (Kill did not reach its thread?)", s)()
	spin := inst.Func("spin")
	for i := range 5 {
		errc := make(chan error, 1)
		go func() {
			_, err := spin.Call()
			errc <- err
		}()
		waitRunning(s)
		s.Kill()
		if err := <-errc; !IsTrap(err, abi.TrapInterrupt) {
			t.Fatalf("spin %d: got %v, want an interrupt trap", i, err)
		}
	}
	// The store is usable after kills.
	if _, err := inst.Func("regs").Call(1000); err != nil {
		t.Fatalf("regs after the kills: %v", err)
	}
	// A kill whose signal reaches the thread in Go code, between two
	// exits (here: sent by the host function the guest called, which
	// then returns into a loop), still ends the call: the call checks
	// for a kill before it resumes guest code. Before, the signal was
	// spent on Go code and the loop ran on for good.
	var ns *Store
	ns, nested := nestedInstance(t, Config{}, func(*Caller, []uint64) error {
		ns.Kill()
		return nil
	})
	for i := range 3 {
		before := Preemptions()
		if _, err := nested.Func("outer").Call(); !IsTrap(err, abi.TrapInterrupt) {
			t.Fatalf("outer %d killed by its host call: got %v, want an interrupt trap", i, err)
		}
		// Not left to Kill's resending of the signal (see resignal).
		if n := Preemptions() - before; n != 0 {
			t.Errorf("outer %d: ended by %d preemptions, want none: the guest was resumed after the kill", i, n)
		}
	}
}

// waitRunning returns once s has a call in progress (and then a little
// later, so that the guest is likely in its loop rather than at the
// function entry, where the interrupt word alone would stop it).
func waitRunning(s *Store) {
	for !s.running.Load() {
		runtime.Gosched()
	}
	time.Sleep(time.Millisecond)
}

// BenchmarkKillLatency: a guest spinning in a loop with no interrupt
// check, in a call with no timeout or context, killed from another
// goroutine; ns/kill is from Kill to the call's return.
func BenchmarkKillLatency(b *testing.B) {
	s, inst := preemptInstance(b, Config{})
	spin := inst.Func("spin")
	errc := make(chan error, 1)
	var total time.Duration
	for b.Loop() {
		go func() {
			_, err := spin.Call()
			errc <- err
		}()
		waitRunning(s)
		t0 := time.Now()
		s.Kill()
		err := <-errc
		total += time.Since(t0)
		var tr *Trap
		if !errors.As(err, &tr) || tr.Code != abi.TrapInterrupt {
			b.Fatalf("spin: got %v, want an interrupt trap", err)
		}
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/kill")
}
