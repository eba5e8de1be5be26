package execute

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// preemptInstance compiles testdata/preempt.wasm (see preempt.wat): loops
// with no call, whose only way out to Go is a preemption the signal
// handler injects (codegen puts no interrupt check in loops without fuel).
func preemptInstance(t testing.TB, cfg Config) (*Store, *Instance) {
	return preemptInstanceBounds(t, cfg, object.BoundsGuard)
}

func preemptInstanceBounds(t testing.TB, cfg Config, bounds object.BoundsChecks) (*Store, *Instance) {
	t.Helper()
	obj := compileFile(t, "testdata/preempt.wasm", bounds)
	s, err := NewStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	inst, err := s.InstantiateObject(obj, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, inst
}

// An infinite `loop br 0` is stopped by a deadline, a context and a kill,
// and while it spins on the only P, another goroutine keeps ticking and the
// collector completes cycles. Nothing assumes how fast a loaded machine
// is: the context is cancelled, and the kill sent, only once the ticker
// has run 3 times and a collection has completed during the spin (which
// needs the guest to be preempted; a watchdog fails the run with a state
// dump if it never is), and
// the deadline case checks that the call ran at least its timeout.
func TestPreemptInfiniteLoop(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	tests := []struct {
		name    string
		timeout time.Duration
		cancel  bool // CallContext with a context cancelled once Go made progress
		kill    bool // Store.Kill from another goroutine once Go made progress
	}{
		{name: "timeout", timeout: 150 * time.Millisecond},
		{name: "context", timeout: 2 * time.Minute, cancel: true},
		{name: "kill", timeout: 2 * time.Minute, kill: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, inst := preemptInstance(t, Config{Timeout: tc.timeout})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var ticks, gcs atomic.Int64
			stop := make(chan struct{})
			done := make(chan struct{}, 2)
			go func() {
				tk := time.NewTicker(time.Millisecond)
				defer tk.Stop()
				ended := false
				for {
					select {
					case <-stop:
						done <- struct{}{}
						return
					case <-tk.C:
						// Counted only while the guest spins.
						if !s.running.Load() {
							continue
						}
						if ticks.Add(1) >= 3 && gcs.Load() >= 1 && !ended {
							ended = true
							switch {
							case tc.cancel:
								cancel()
							case tc.kill:
								s.Kill()
							}
						}
					}
				}
			}()
			go func() {
				for {
					select {
					case <-stop:
						done <- struct{}{}
						return
					default:
					}
					if s.running.Load() {
						runtime.GC()
						gcs.Add(1)
					} else {
						runtime.Gosched()
					}
				}
			}()
			before := Preemptions()
			start := time.Now()
			stopWD := watchdog(t, 3*time.Minute, "spin (never preempted?)", s)
			_, err := inst.Func("spin").CallContext(ctx)
			stopWD()
			el := time.Since(start)
			close(stop)
			<-done
			<-done
			if !IsTrap(err, abi.TrapInterrupt) {
				t.Fatalf("spin: got %v, want an interrupt trap", err)
			}
			if el < tc.timeout && !tc.cancel && !tc.kill {
				t.Errorf("stopped after %v, before its %v timeout", el, tc.timeout)
			}
			if (tc.cancel || tc.kill) && (ticks.Load() < 3 || gcs.Load() < 1) {
				t.Errorf("in %v of guest spinning on the only P the ticker ran %d times and %d collections completed", el, ticks.Load(), gcs.Load())
			}
			if n := Preemptions() - before; n < 1 {
				t.Errorf("%d preemptions injected, want some", n)
			}
		})
	}
}

// regsRef is regs of preempt.wat in Go.
func regsRef(n uint64) uint64 {
	a, b, c, d, e, f, g, h := uint64(1), uint64(2), uint64(3), uint64(4), uint64(5), uint64(6), uint64(7), uint64(8)
	x, y, z, u, v, w := 0.5, 1.5, 2.5, 3.5, 4.5, 5.5
	p := [4]int32{1, 2, 3, 4}
	q := [2]float64{0.25, 0.75}
	for {
		a += b
		b ^= c
		c += 3
		d -= a
		e = bits.RotateLeft64(e, 1)
		f += e
		g *= 3
		h += n
		x += 1
		y *= 0.999
		z += x
		u -= 0.5
		v += y
		w = math.Max(w, z)
		p[0], p[1], p[2], p[3] = p[0]+1, p[1]-1, p[2]+3, p[3]+5
		q[0], q[1] = q[0]+1, q[1]+2
		if n--; n == 0 {
			break
		}
	}
	r := bits.RotateLeft64
	fb := math.Float64bits
	lane := func(lo, hi int32) uint64 { return uint64(uint32(lo)) | uint64(uint32(hi))<<32 }
	return a ^ r(b, 1) ^ r(c, 2) ^ r(d, 3) ^ r(e, 4) ^ r(f, 5) ^ r(g, 6) ^ r(h, 7) ^
		fb(x) ^ r(fb(y), 8) ^ r(fb(z), 9) ^ r(fb(u), 10) ^ r(fb(v), 11) ^ r(fb(w), 12) ^
		lane(p[0], p[1]) ^ r(lane(p[2], p[3]), 13) ^ fb(q[0]) ^ r(fb(q[1]), 14)
}

// memRef is mem of preempt.wat in Go, on mem (the instance's memory as
// earlier calls left it).
func memRef(mem *[1 << 14]uint32, n uint32) uint32 {
	var s uint32
	for i := uint32(0); ; {
		mem[(i*4)&0xfffc/4] = i
		s += mem[(i*12)&0xfffc/4]
		if i++; i >= n {
			return s
		}
	}
}

// preemptStorm makes preemption land often wherever a guest is: the
// collector runs flat out and SIGURG, Go's preemption signal, is sent to
// the process without pause, until the returned function is called.
func preemptStorm() (stop func()) {
	quit := make(chan struct{})
	done := make(chan struct{}, 2)
	go func() {
		for {
			select {
			case <-quit:
				done <- struct{}{}
				return
			default:
			}
			runtime.GC()
		}
	}()
	go func() {
		pid := unix.Getpid()
		for {
			select {
			case <-quit:
				done <- struct{}{}
				return
			default:
			}
			_ = unix.Kill(pid, unix.SIGURG)
			time.Sleep(20 * time.Microsecond)
		}
	}()
	return func() { close(quit); <-done; <-done }
}

// Loops holding 8 i64, 6 f64 and 2 v128 values in registers, and loops
// whose bounds checks keep compare results in the flags, are preempted
// many times (preemptStorm) and still compute what
// Go computes: the injected exit saves and restores every register and
// the flags, wherever it lands.
func TestPreemptKeepsRegisters(t *testing.T) {
	defer preemptStorm()()
	for _, tc := range []struct {
		name   string
		bounds object.BoundsChecks
	}{{"guard", object.BoundsGuard}, {"explicit", object.BoundsExplicit}} {
		t.Run(tc.name, func(t *testing.T) {
			_, inst := preemptInstanceBounds(t, Config{}, tc.bounds)
			var got uint64
			var mem [1 << 14]uint32
			for _, n := range []uint64{1, 2, 1000, 30_000_000, 30_000_000} {
				before := Preemptions()
				res, err := inst.Func("regs").Call(n)
				if err != nil {
					t.Fatalf("regs(%d): %v", n, err)
				}
				if ref := regsRef(n); res[0] != ref {
					t.Fatalf("regs(%d) = %#x, want %#x (after %d preemptions)", n, res[0], ref, Preemptions()-before)
				}
				if res, err = inst.Func("mem").Call(n); err != nil {
					t.Fatalf("mem(%d): %v", n, err)
				}
				if ref := memRef(&mem, uint32(n)); uint32(res[0]) != ref {
					t.Fatalf("mem(%d) = %#x, want %#x (after %d preemptions)", n, res[0], ref, Preemptions()-before)
				}
				got += Preemptions() - before
			}
			// Not a failure: on a machine this slow or this fast nothing
			// may have landed in the loops, and the results were right.
			if got < 20 {
				t.Logf("only %d preemptions were injected", got)
			}
		})
	}
}

// A guest loop running just above the accessible low of its stack, where
// sigPreempt's frame (PreemptFrame bytes below RSP) would reach into the
// not-yet-accessible part, is still preempted: the handler makes the stack
// accessible first, as a fault there would. The test places the loop there
// for real: deep(n) recurses until the loop's RSP lies in the first
// 128-384 bytes of a page, and the host function it calls just before
// spinning gives back every stack page below that page (MADV_DONTNEED and
// PROT_NONE, as a stack reset does, so the pages read zero when made
// accessible again) and records the page as the low. The spin is then
// killed; a handler that declined to inject would leave it spinning until
// the watchdog timeout.
func TestPreemptGrowsStack(t *testing.T) {
	obj := compileFile(t, "testdata/pgrow.wasm", object.BoundsGuard)
	s, err := NewStore(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var (
		spin     bool
		resumeSP uintptr // the guest's RSP at its last probe
		page     uintptr // the low the probe set, 0 if none
		probeErr error
		ready    = make(chan struct{}) // closed by the spinning probe
	)
	probe := NewHostFunc(wasm.FuncType{Results: []wasm.ValType{wasm.I32}}, func(c *Caller, stack []uint64) error {
		resumeSP = loadPtr(s.exec + abi.ExecResumeSP)
		stack[0] = 0
		if !spin {
			return nil
		}
		defer close(ready)
		page = resumeSP &^ (pageSize - 1)
		low := loadPtr(s.exec + execStackLow)
		if low >= page {
			probeErr = fmt.Errorf("stack low %#x is not below the loop's page %#x", low, page)
			return nil
		}
		below := bytesAt(low, int(page-low))
		if err := unix.Madvise(below, unix.MADV_DONTNEED); err != nil {
			probeErr = err
			return nil
		}
		if err := unix.Mprotect(below, unix.PROT_NONE); err != nil {
			probeErr = err
			return nil
		}
		storePtr(s.exec+execStackLow, page)
		stack[0] = 1
		return nil
	})
	inst, err := s.InstantiateObject(obj, ImportMap{"t": {"probe": probe}})
	if err != nil {
		t.Fatal(err)
	}
	deep := inst.Func("deep")
	// The loop's RSP is the probe's resume RSP plus a few words (the
	// return address of the call): aim for 128-384 bytes into a page, so
	// that RSP-PreemptFrame (768) falls in the page below.
	n := -1
	for d := range 1024 {
		if _, err := deep.Call(uint64(d)); err != nil {
			t.Fatalf("deep(%d) probing: %v", d, err)
		}
		if off := resumeSP & (pageSize - 1); off >= 128 && off <= 384 {
			n = d
			break
		}
	}
	if n < 0 {
		t.Fatal("no recursion depth below 1024 puts the loop 128-384 bytes into a page")
	}
	spin = true
	errc := make(chan error, 1)
	before := Preemptions()
	go func() {
		_, err := deep.Call(uint64(n))
		errc <- err
	}()
	<-ready
	time.Sleep(time.Millisecond) // into the loop
	// A kill that cannot land would leave the guest spinning for good.
	wd := time.AfterFunc(2*time.Minute, func() {
		panic("TestPreemptGrowsStack: the spin was still running 2 minutes after Kill: no preemption was injected")
	})
	defer wd.Stop()
	s.Kill()
	err = <-errc
	if probeErr != nil {
		t.Fatal(probeErr)
	}
	if !IsTrap(err, abi.TrapInterrupt) {
		t.Fatalf("deep(%d) spinning: got %v, want an interrupt trap", n, err)
	}
	if Preemptions() == before {
		t.Error("no preemption was injected")
	}
	if low := loadPtr(s.exec + execStackLow); low >= page || low&(stackGrow-1) != 0 {
		t.Errorf("stack low after the preemption %#x, want below %#x at the growth granularity: the handler did not grow the stack", low, page)
	}
	spin = false
	if _, err := deep.Call(uint64(n)); err != nil {
		t.Fatalf("deep after the kill: %v", err)
	}
}

// nestedInstance compiles testdata/nested.wasm (see nested.wat) with host
// as its import t.host.
func nestedInstance(t *testing.T, cfg Config, host func(c *Caller, stack []uint64) error) (*Store, *Instance) {
	t.Helper()
	obj := compileFile(t, "testdata/nested.wasm", object.BoundsExplicit)
	s, err := NewStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	inst, err := s.InstantiateObject(obj, ImportMap{"t": {"host": NewHostFunc(wasm.FuncType{}, host)}})
	if err != nil {
		t.Fatal(err)
	}
	return s, inst
}

// A guest that made re-entrant calls (guest -> host -> guest -> back) and
// then loops is still preempted and stopped, by a kill and by its
// timeout: each nested call's own stack top, which the signal handler
// compares RSP with, is given back when it returns. Kept, it was below
// the outer guest's frames, so the handler took the loop for something
// other than the running call and refused every SIGURG: the loop could
// be neither preempted nor killed.
func TestPreemptAfterNestedCall(t *testing.T) {
	for _, tc := range []struct {
		name    string
		nested  int // calls of inner the host function makes
		timeout time.Duration
	}{
		{name: "kill/1", nested: 1},
		{name: "kill/3", nested: 3},
		{name: "timeout/1", nested: 1, timeout: 50 * time.Millisecond},
		{name: "timeout/3", nested: 3, timeout: 50 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var inst *Instance
			back := make(chan error, 1) // the nested calls are over
			s, inst := nestedInstance(t, Config{Timeout: tc.timeout}, func(c *Caller, _ []uint64) error {
				var err error
				for range tc.nested {
					var res []uint64
					if res, err = inst.Func("inner").Call(); err == nil && res[0] != 7 {
						err = fmt.Errorf("inner returned %d, want 7", res[0])
					}
				}
				back <- err
				return nil
			})
			errc := make(chan error, 1)
			stop := watchdog(t, time.Minute, "outer after nested calls", s)
			defer stop()
			go func() {
				_, err := inst.Func("outer").Call()
				errc <- err
			}()
			if err := <-back; err != nil {
				t.Fatalf("nested call: %v", err)
			}
			if tc.timeout == 0 {
				time.Sleep(time.Millisecond) // into the loop
				s.Kill()
			}
			if err := <-errc; !IsTrap(err, abi.TrapInterrupt) {
				t.Fatalf("outer: got %v, want an interrupt trap", err)
			}
		})
	}
}

// Endless loops of every shape in testdata/loops.wat (an empty loop, a
// counter, nested loops, memory accesses with either kind of bounds
// check, branches and a br_table, float and vector values, direct and
// indirect calls, a loop 200 calls deep) are stopped by a kill and by a
// timeout: wherever a loop's code is, a preemption can be injected.
func TestPreemptLoopShapes(t *testing.T) {
	loops := []struct {
		name string
		args []uint64
	}{
		{"empty", nil}, {"count", nil}, {"nested", nil}, {"memory", nil},
		{"branches", nil}, {"float", nil}, {"calls", nil}, {"deep", []uint64{200}},
	}
	for _, bc := range []struct {
		name   string
		bounds object.BoundsChecks
	}{{"guard", object.BoundsGuard}, {"explicit", object.BoundsExplicit}} {
		obj := compileFile(t, "testdata/loops.wasm", bc.bounds)
		for _, stop := range []string{"kill", "timeout"} {
			cfg := Config{}
			if stop == "timeout" {
				cfg.Timeout = 20 * time.Millisecond
			}
			s, inst := newInstance(t, cfg, obj, nil)
			for _, l := range loops {
				t.Run(bc.name+"/"+stop+"/"+l.name, func(t *testing.T) {
					defer watchdog(t, time.Minute, l.name+" loop", s)()
					errc := make(chan error, 1)
					go func() {
						_, err := inst.Func(l.name).Call(l.args...)
						errc <- err
					}()
					if stop == "kill" {
						waitRunning(s)
						s.Kill()
					}
					if err := <-errc; !IsTrap(err, abi.TrapInterrupt) {
						t.Fatalf("%s: got %v, want an interrupt trap", l.name, err)
					}
				})
			}
		}
	}
}
