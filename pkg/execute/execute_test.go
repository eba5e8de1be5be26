package execute

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// buildTestObject is a module importing env.host : [i64] -> [i64] with
// functions exercising every kind of exit.
func buildTestObject(t testing.TB) *object.Object {
	m := newTestModule([]wasm.FuncType{tI64, tI64x2, tVoid}, []wasm.Import{{Module: "env", Name: "host", Kind: wasm.ExternFunc, Type: 0}})
	m.meta.Mems = []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 3, HasMax: true}}}
	grow := m.exitStub(abi.ExitBuiltin, uint32(abi.BuiltinMemoryGrow))
	m.fn("add", 1, func(a *asm.Assembler) { // func 1
		a.MovRM(64, asm.RAX, asm.M(asm.RDI, 0))
		a.AddRM(64, asm.RAX, asm.M(asm.RDI, 8))
		a.MovMR(64, asm.M(asm.RDI, 0), asm.RAX)
		a.Ret()
	})
	m.fn("callhost", 0, func(a *asm.Assembler) { // func 2: host(x) + 100
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		a.Push(asm.RDI)
		a.SubRI(64, asm.RSP, 8)
		a.MovRR(64, asm.RSI, asm.RDI)
		m.call(0)
		a.MovRM(64, asm.RDI, asm.M(asm.RBP, -8))
		a.AddMI(64, asm.M(asm.RDI, 0), 100)
		a.MovRR(64, asm.RSP, asm.RBP)
		a.Pop(asm.RBP)
		a.Ret()
	})
	m.fn("divzero", 2, func(a *asm.Assembler) { // func 3
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		m.trap(abi.TrapIntegerDivideByZero, 0x42)
	})
	m.fn("deep", 2, func(a *asm.Assembler) { // func 4: calls divzero
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		m.call(3)
		a.Pop(asm.RBP)
		a.Ret()
	})
	m.fn("spin", 2, func(a *asm.Assembler) { // func 5: loops forever, checking interrupts
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		loop := a.NewLabel()
		a.Bind(loop)
		a.CmpMI(32, asm.M(asm.R15, abi.VMInterrupt), 0)
		a.Jcc(asm.CondE, loop)
		m.exit(abi.ExitInterrupt, 0, false)
		a.Jmp(loop)
	})
	m.fn("wait", 0, func(a *asm.Assembler) { // func 6: waits for one interrupt, returns 42
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		a.Push(asm.RDI)
		a.SubRI(64, asm.RSP, 8)
		loop := a.NewLabel()
		a.Bind(loop)
		a.CmpMI(32, asm.M(asm.R15, abi.VMInterrupt), 0)
		a.Jcc(asm.CondE, loop)
		m.exit(abi.ExitInterrupt, 0, false)
		a.MovRM(64, asm.RDI, asm.M(asm.RBP, -8))
		a.MovMI(64, asm.M(asm.RDI, 0), 42)
		a.MovRR(64, asm.RSP, asm.RBP)
		a.Pop(asm.RBP)
		a.Ret()
	})
	m.fn("grow", 0, func(a *asm.Assembler) { // func 7: memory.grow(x)
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		a.MovRR(64, asm.RSI, asm.RDI)
		a.CallLabel(grow)
		a.Pop(asm.RBP)
		a.Ret()
	})
	m.fn("loophost", 0, func(a *asm.Assembler) { // func 8: calls host x times
		// Only RSP/RBP/R15 survive an exit, so the counter lives in the frame.
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		a.Push(asm.RDI)
		a.Push(asm.RDI)
		a.SubRI(64, asm.RSP, 16)
		loop, done := a.NewLabel(), a.NewLabel()
		a.Bind(loop)
		a.MovRM(64, asm.RDI, asm.M(asm.RBP, -8))
		a.CmpMI(64, asm.M(asm.RDI, 0), 0)
		a.Jcc(asm.CondE, done)
		a.SubMI(64, asm.M(asm.RDI, 0), 1)
		a.MovRR(64, asm.RSI, asm.RSP)
		m.call(0)
		a.Jmp(loop)
		a.Bind(done)
		a.MovMI(64, asm.M(asm.RDI, 0), 1)
		a.MovRR(64, asm.RSP, asm.RBP)
		a.Pop(asm.RBP)
		a.Ret()
	})
	m.fn("empty", 2, func(a *asm.Assembler) { a.Ret() }) // func 9
	// func 10 traps through a call whose return address (the recorded
	// TrapPC) is the first byte after it, which is where func 11 starts.
	var endSite asm.Label
	m.fn("endtrap", 2, func(a *asm.Assembler) {
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		a.Nop(16 - (a.Len()+5)%16) // the call ends on a 16-byte boundary
		stub := a.NewLabel()
		a.CallLabel(stub)
		endSite = a.NewLabel()
		a.Bind(endSite)
		m.stubAfter = stub
	})
	m.fnNoAlign("after", 2, func(a *asm.Assembler) {
		a.Bind(m.stubAfter)
		a.Pop(asm.RCX) // TrapPC: the return address
		a.MovRM(64, asm.RAX, asm.M(asm.R15, abi.VMExec))
		a.MovMR(64, asm.M(asm.RAX, abi.ExecTrapPC), asm.RCX)
		a.MovRI(64, asm.RCX, int64(abi.ExitTrap)|int64(abi.TrapUnreachable)<<8)
		a.MovMR(64, asm.M(asm.RAX, abi.ExecExitCode), asm.RCX)
		a.MovMR(64, asm.M(asm.RAX, abi.ExecFrameBP), asm.RBP)
		a.MovRM(64, asm.RSP, asm.M(asm.RAX, abi.ExecGoSP))
		a.MovRM(64, asm.RBP, asm.M(asm.RAX, abi.ExecGoBP))
		a.Ret()
	})
	m.extraSites = append(m.extraSites, extraSite{endSite, abi.TrapUnreachable, 10, 0x99})
	return m.finish(t)
}

// instantiateTest instantiates buildTestObject's module with host (nil:
// one that adds 1) as env.host, in a store made with cfg (newInstance).
func instantiateTest(t testing.TB, cfg Config, host func(c *Caller, stack []uint64) error) (*Store, *Instance) {
	t.Helper()
	if host == nil {
		host = func(c *Caller, stack []uint64) error { stack[0]++; return nil }
	}
	return newInstance(t, cfg, buildTestObject(t), ImportMap{"env": {"host": NewHostFunc(tI64, host)}})
}

// newInstance makes a store with cfg, closed when the test ends, and an
// instance of obj linked with imports in it.
func newInstance(t testing.TB, cfg Config, obj *object.Object, imports ImportMap) (*Store, *Instance) {
	t.Helper()
	s := newStore(t, cfg)
	return s, instantiateObject(t, s, obj, imports)
}

// newStore makes a store with cfg, closed when the test ends (after the
// modules loaded before it: cleanups run last first).
func newStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := NewStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// instantiate makes an instance of mod linked with imports in s, ending
// the test if it fails.
func instantiate(t testing.TB, s *Store, mod *load.Module, imports ImportMap) *Instance {
	t.Helper()
	inst, err := s.Instantiate(mod, imports)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// instantiateObject is instantiate for an object.
func instantiateObject(t testing.TB, s *Store, obj *object.Object, imports ImportMap) *Instance {
	t.Helper()
	inst, err := s.InstantiateObject(obj, imports)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// hostMemory makes a host memory of 1 page with no maximum.
func hostMemory(t testing.TB) *Memory {
	t.Helper()
	m, err := NewMemory(wasm.MemType{Limits: lim(1, 0, false)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// hostTable makes a host funcref table of min null elements with no
// maximum.
func hostTable(t testing.TB, min uint64) *Table {
	t.Helper()
	tb, err := NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: lim(min, 0, false)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// instances makes n instances of obj (no imports) in s.
func instances(t testing.TB, s *Store, obj *object.Object, n int) []*Instance {
	t.Helper()
	insts := make([]*Instance, n)
	for i := range insts {
		insts[i] = instantiateObject(t, s, obj, nil)
	}
	return insts
}

func TestCallAndHostCall(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, nil)
	tests := []struct {
		fn   string
		args []uint64
		want uint64
	}{
		{"add", []uint64{40, 2}, 42},
		{"add", []uint64{^uint64(0), 2}, 1},
		{"callhost", []uint64{1}, 102},
		{"grow", []uint64{1}, 1},
		{"grow", []uint64{1}, 2},
		{"grow", []uint64{1}, 0xFFFFFFFF},
		{"grow", []uint64{0}, 3},
		{"loophost", []uint64{1000}, 1},
	}
	for _, tc := range tests {
		res, err := inst.Func(tc.fn).Call(tc.args...)
		if err != nil {
			t.Fatalf("%s%v: %v", tc.fn, tc.args, err)
		}
		if len(res) != 1 || res[0] != tc.want {
			t.Errorf("%s%v = %v, want %d", tc.fn, tc.args, res, tc.want)
		}
	}
	if got := inst.Memory().Pages(); got != 3 {
		t.Errorf("memory has %d pages after growing, want 3", got)
	}
}

func TestCallInto(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, nil)
	stack := []uint64{40, 2}
	if err := inst.Func("add").CallInto(stack); err != nil || stack[0] != 42 {
		t.Errorf("CallInto add = %v, %v", stack, err)
	}
	if err := inst.Func("add").CallInto(stack[:1]); err == nil {
		t.Errorf("CallInto accepted a short stack")
	}
	allocs := testing.AllocsPerRun(100, func() {
		stack[0], stack[1] = 1, 2
		inst.Func("add").CallInto(stack)
	})
	if allocs != 0 {
		t.Errorf("CallInto allocates %v times per call", allocs)
	}
}

func TestManySequentialCalls(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, nil)
	add, div := inst.Func("add"), inst.Func("divzero")
	for i := uint64(0); i < 10000; i++ {
		if i%100 == 0 {
			if _, err := div.Call(); !IsTrap(err, abi.TrapIntegerDivideByZero) {
				t.Fatalf("call %d: divzero gave %v", i, err)
			}
			continue
		}
		res, err := add.Call(i, i)
		if err != nil || res[0] != 2*i {
			t.Fatalf("call %d: add = %v, %v", i, res, err)
		}
	}
}

func TestTrapBacktrace(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, nil)
	_, err := inst.Func("deep").Call()
	var tr *Trap
	if !errors.As(err, &tr) {
		t.Fatalf("deep: got %v, want a trap", err)
	}
	if tr.Code != abi.TrapIntegerDivideByZero || tr.Func != "divzero" || tr.FuncIndex != 3 || tr.WasmOffset != 0x42 {
		t.Errorf("trap = %+v", tr)
	}
	var names []string
	for _, f := range tr.Frames {
		names = append(names, f.Func)
	}
	if strings.Join(names, ",") != "divzero,deep" {
		t.Errorf("frames = %v, want divzero,deep", names)
	}
	if !errors.Is(err, &Trap{Code: abi.TrapIntegerDivideByZero}) {
		t.Errorf("errors.Is by code failed")
	}
	want := "wasm trap: integer divide by zero\n  at divzero @0x42\n  at deep"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	// The store keeps working after a trap.
	if res, err := inst.Func("add").Call(1, 2); err != nil || res[0] != 3 {
		t.Errorf("add after trap = %v, %v", res, err)
	}
}

func TestTrapSiteAtFunctionEnd(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, nil)
	_, err := inst.Func("endtrap").Call()
	var tr *Trap
	if !errors.As(err, &tr) || tr.Func != "endtrap" || tr.WasmOffset != 0x99 || len(tr.Frames) != 1 {
		t.Fatalf("endtrap: %v (%+v), want the trap in endtrap at 0x99", err, tr)
	}
}

func TestNestedHostCalls(t *testing.T) {
	var inst *Instance
	depth := 0
	_, inst = instantiateTest(t, Config{}, func(c *Caller, stack []uint64) error {
		if c.Instance() != inst || c.Memory() == nil {
			t.Errorf("caller does not describe the calling instance")
		}
		depth++
		defer func() { depth-- }()
		if stack[0] > 0 && depth < 5 {
			// guest -> host -> guest -> host ...
			res, err := inst.Func("callhost").Call(stack[0] - 1)
			if err != nil {
				return err
			}
			stack[0] = res[0] + 1
			return nil
		}
		stack[0] = 1000
		return nil
	})
	// callhost(3): host(3)+100 = (callhost(2)+1)+100 ...
	res, err := inst.Func("callhost").Call(3)
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(1000 + 4*100 + 3); res[0] != want {
		t.Errorf("nested = %d, want %d", res[0], want)
	}
}

func TestTrapInsideHostCalledPath(t *testing.T) {
	var inst *Instance
	sentinel := errors.New("host says stop")
	mode := 0
	_, inst = instantiateTest(t, Config{}, func(c *Caller, stack []uint64) error {
		switch mode {
		case 0:
			_, err := inst.Func("deep").Call()
			return err
		case 1:
			return sentinel
		}
		stack[0] = 7
		return nil
	})
	_, err := inst.Func("callhost").Call(1)
	if !IsTrap(err, abi.TrapIntegerDivideByZero) {
		t.Fatalf("got %v, want the nested trap", err)
	}
	mode = 1
	if _, err := inst.Func("callhost").Call(1); err != sentinel {
		t.Fatalf("got %v, want the host's error unwrapped", err)
	}
	mode = 2
	if res, err := inst.Func("callhost").Call(1); err != nil || res[0] != 107 {
		t.Fatalf("after errors: %v, %v", res, err)
	}
}

// No Timeout, no Kill: only Go's preemption signal, through the handler,
// sets the interrupt word "wait" polls for.
func TestInterruptResume(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, nil)
	res, err := inst.Func("wait").Call(0)
	if err != nil || res[0] != 42 {
		t.Fatalf("wait = %v, %v", res, err)
	}
}

// While a guest spins, the collector completes cycles (it stops the world,
// which needs the guest's thread to yield) and the guest is then ended by
// its timeout; afterwards the instance answers calls. Nothing depends on
// how fast the machine is: the spin is ended by a kill once two
// collections have completed during it (the timeout is only a watchdog
// there), and the timeout case checks the call ran at least its timeout,
// which the monotonic deadline guarantees, never an upper bound.
func TestTimeoutKeepsGoRunning(t *testing.T) {
	t.Run("gc", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		s, inst := instantiateTest(t, Config{Timeout: 2 * time.Minute}, nil)
		var gcs atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for !s.running.Load() {
				runtime.Gosched()
			}
			// With one P this goroutine runs only when the guest yields.
			for range 2 {
				runtime.GC()
				gcs.Add(1)
			}
			s.Kill()
		}()
		_, err := inst.Func("spin").Call()
		<-done
		if !IsTrap(err, abi.TrapInterrupt) {
			t.Fatalf("spin: got %v, want an interrupt trap", err)
		}
		if gcs.Load() < 2 {
			t.Errorf("%d collections completed while the guest spun for up to its 2-minute timeout", gcs.Load())
		}
		if res, err := inst.Func("add").Call(1, 2); err != nil || res[0] != 3 {
			t.Errorf("add after the kill = %v, %v", res, err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		const timeout = 50 * time.Millisecond
		_, inst := instantiateTest(t, Config{Timeout: timeout}, nil)
		start := time.Now()
		_, err := inst.Func("spin").Call()
		el := time.Since(start)
		if !IsTrap(err, abi.TrapInterrupt) {
			t.Fatalf("spin: got %v, want an interrupt trap", err)
		}
		if el < timeout {
			t.Errorf("the call ended after %v, before its %v timeout", el, timeout)
		}
		if res, err := inst.Func("add").Call(1, 2); err != nil || res[0] != 3 {
			t.Errorf("add after the timeout = %v, %v", res, err)
		}
	})
}

func BenchmarkCallEmpty(b *testing.B) {
	_, inst := instantiateTest(b, Config{}, nil)
	f := inst.Func("empty")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Call(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallTimeout is BenchmarkCallEmpty with a timeout armed for the
// call (a timer, and everything a kill needs to reach the thread): it
// must stay close to the unarmed call, since a server arms every request.
func BenchmarkCallTimeout(b *testing.B) {
	_, inst := instantiateTest(b, Config{Timeout: time.Minute}, nil)
	f := inst.Func("empty")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Call(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHostCall(b *testing.B) {
	_, inst := instantiateTest(b, Config{}, func(c *Caller, stack []uint64) error { return nil })
	f := inst.Func("loophost")
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := f.Call(uint64(b.N)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInstantiate is one instance of a small module with a memory
// into an existing store (code already mapped). The store is replaced
// every 1000 instances: each memory is a mapping, and a process has at
// most vm.max_map_count (65530) of them.
func BenchmarkInstantiate(b *testing.B) {
	s, err := NewStore(Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { s.Close() }()
	n := 0
	obj := buildTestObject(b)
	code, err := mapCode(obj.Text)
	if err != nil {
		b.Fatal(err)
	}
	defer code.free()
	imports := ImportMap{"env": {"host": NewHostFunc(tI64, func(c *Caller, stack []uint64) error { return nil })}}
	b.ReportAllocs()
	for b.Loop() {
		if n++; n%1000 == 0 {
			b.StopTimer()
			s.Close()
			if s, err = NewStore(Config{}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		if _, err := s.InstantiateCode(&obj.Meta, code.addr(), uintptr(len(obj.Text)), imports); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoreInstantiateClose is a fresh store per instance, the
// per-request pattern.
func BenchmarkStoreInstantiateClose(b *testing.B) {
	obj := buildTestObject(b)
	code, err := mapCode(obj.Text)
	if err != nil {
		b.Fatal(err)
	}
	defer code.free()
	imports := ImportMap{"env": {"host": NewHostFunc(tI64, func(c *Caller, stack []uint64) error { return nil })}}
	b.ReportAllocs()
	for b.Loop() {
		s, err := NewStore(Config{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.InstantiateCode(&obj.Meta, code.addr(), uintptr(len(obj.Text)), imports); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func TestCallContextCancel(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := inst.Func("spin").CallContext(ctx)
	if !IsTrap(err, abi.TrapInterrupt) {
		t.Fatalf("spin: got %v, want an interrupt trap", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("cancel took %v", el)
	}
	// The kill does not leak into the next call.
	if res, err := inst.Func("wait").CallContext(context.Background(), 0); err != nil || res[0] != 42 {
		t.Errorf("wait after cancel = %v, %v", res, err)
	}
}

// Stores on several goroutines run at once, with traps, host calls,
// guard-page faults and a collector running; each must see only its own
// results.
func TestConcurrentStores(t *testing.T) {
	obj := buildTestObject(t)
	gobj := guardObject(t)
	const workers = 6
	errc := make(chan error, workers)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	defer close(stop)
	for w := 0; w < workers; w++ {
		go func(w uint64) {
			errc <- func() error {
				s, err := NewStore(Config{})
				if err != nil {
					return err
				}
				defer s.Close()
				inst, err := s.InstantiateObject(obj, ImportMap{"env": {"host": NewHostFunc(tI64, func(c *Caller, st []uint64) error { st[0] += w; return nil })}})
				if err != nil {
					return err
				}
				ginst, err := s.InstantiateObject(gobj, nil)
				if err != nil {
					return err
				}
				for i := uint64(0); i < 2000; i++ {
					res, err := inst.Func("callhost").Call(i)
					if err != nil || res[0] != i+w+100 {
						return fmt.Errorf("worker %d: callhost(%d) = %v, %v", w, i, res, err)
					}
					if i%50 == 0 {
						if _, err := inst.Func("deep").Call(); !IsTrap(err, abi.TrapIntegerDivideByZero) {
							return fmt.Errorf("worker %d: deep = %v", w, err)
						}
						if _, err := ginst.Func("load").Call(1 << 32); !IsTrap(err, abi.TrapMemoryOutOfBounds) {
							return fmt.Errorf("worker %d: load = %v", w, err)
						}
					}
				}
				return nil
			}()
		}(uint64(w))
	}
	for w := 0; w < workers; w++ {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}

// A host function blocked outside guest code is cancelled through
// Caller.Done, by the timeout and by a context.
func TestTimeoutReachesBlockedHost(t *testing.T) {
	block := func(c *Caller, stack []uint64) error {
		select {
		case <-c.Done():
			return c.Err()
		case <-time.After(10 * time.Second):
			return errors.New("never cancelled")
		}
	}
	_, inst := instantiateTest(t, Config{Timeout: 40 * time.Millisecond}, block)
	start := time.Now()
	_, err := inst.Func("callhost").Call(1)
	if !IsTrap(err, abi.TrapInterrupt) || time.Since(start) > 5*time.Second {
		t.Fatalf("timeout: got %v after %v", err, time.Since(start))
	}
	// The next call gets a fresh deadline.
	if res, err := inst.Func("add").Call(1, 2); err != nil || res[0] != 3 {
		t.Fatalf("add after timeout = %v, %v", res, err)
	}

	_, inst2 := instantiateTest(t, Config{}, block)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel()
	if _, err := inst2.Func("callhost").CallContext(ctx, 1); !IsTrap(err, abi.TrapInterrupt) {
		t.Fatalf("context: got %v", err)
	}
	if c := (&Caller{}); c.Done() != nil || c.Err() != nil {
		t.Errorf("a Caller outside a call is cancellable")
	}
}

// A stack goes back to the pool after every outermost call; another store
// taking it must find it empty, and the store that used it may find it
// as it left it (no reset between calls of one tenant).
func TestPooledStackIsClean(t *testing.T) {
	s1, inst := instantiateTest(t, Config{}, nil)
	if _, err := inst.Func("loophost").Call(3); err != nil {
		t.Fatal(err)
	}
	if s1.stack != nil {
		t.Fatal("an idle store holds a stack")
	}
	size := uintptr(s1.cfg.StackSize)
	st, err := getStack(size, s1.id)
	if err != nil {
		t.Fatal(err)
	}
	dirty := false
	for _, b := range bytesAt(st.low, int(st.top()-st.low)) {
		if b != 0 {
			dirty = true
			break
		}
	}
	putStack(st)
	if !dirty {
		t.Skip("the pool handed out another stack (a parallel test took it); nothing to check")
	}
	st2, err := getStack(size, s1.id+1<<40)
	if err != nil {
		t.Fatal(err)
	}
	defer putStack(st2)
	if st2 != st {
		t.Skip("the pool handed out another stack (a parallel test took it); nothing to check")
	}
	for i, b := range bytesAt(st2.low, int(st2.top()-st2.low)) {
		if b != 0 {
			t.Fatalf("byte %#x of a reused stack is %#x", i, b)
		}
	}
}

func TestKillWhileIdle(t *testing.T) {
	s, inst := instantiateTest(t, Config{}, nil)
	s.Kill()
	if _, err := inst.Func("add").Call(1, 2); !IsTrap(err, abi.TrapInterrupt) {
		t.Fatalf("call after Kill = %v, want an interrupt trap", err)
	}
	if res, err := inst.Func("add").Call(1, 2); err != nil || res[0] != 3 {
		t.Fatalf("the call after that = %v, %v", res, err)
	}
}

// Kill reaches a host function blocked in a call that has neither a
// timeout nor a context, in every way a kill can meet it; and the next
// call is not affected.
func TestKillReachesBlockedHost(t *testing.T) {
	var s *Store
	entered := make(chan struct{}, 1)
	mode := ""
	block := func(c *Caller, stack []uint64) error {
		switch mode {
		case "kill first":
			// The kill lands before the host function asks for Done:
			// the channel it gets is already closed.
			s.Kill()
		case "nested":
			// The kill ends the outer call while a nested one blocks.
			mode = "block"
			_, err := c.Instance().Func("callhost").Call(1)
			return err
		case "ok":
			stack[0] = 7
			return nil
		}
		entered <- struct{}{}
		select {
		case <-c.Done():
			return c.Err()
		case <-time.After(10 * time.Second):
			return errors.New("never cancelled")
		}
	}
	s, inst := instantiateTest(t, Config{}, block)
	for _, m := range []string{"block", "kill first", "nested", "block"} {
		t.Run(m, func(t *testing.T) {
			mode = m
			if m != "kill first" {
				go func() {
					<-entered
					s.Kill()
				}()
			}
			start := time.Now()
			_, err := inst.Func("callhost").Call(1)
			if !IsTrap(err, abi.TrapInterrupt) {
				t.Fatalf("got %v, want an interrupt trap", err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("kill took %v", el)
			}
			select {
			case <-entered: // "kill first" leaves its token
			default:
			}
			mode = "ok"
			if res, err := inst.Func("callhost").Call(1); err != nil || res[0] != 107 {
				t.Fatalf("call after the kill = %v, %v", res, err)
			}
		})
	}
}

// Asking for Done costs no allocation once the store has its channel, and
// a call that was not killed leaves it for the next.
func TestDoneNoAlloc(t *testing.T) {
	var got []<-chan struct{}
	s, inst := instantiateTest(t, Config{}, func(c *Caller, stack []uint64) error {
		if d := c.Done(); d != nil && len(got) < 2 {
			got = append(got, d)
		}
		return c.Err()
	})
	f := inst.Func("callhost")
	if _, err := f.Call(1); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { f.Call(1) }); n > 1 { // Call allocates its result slice
		t.Errorf("a host call asking for Done allocates %v times", n)
	}
	if len(got) != 2 || got[0] != got[1] || got[0] == nil {
		t.Fatalf("Done across calls: %v", got)
	}
	s.Kill()
	if _, err := f.Call(1); !IsTrap(err, abi.TrapInterrupt) {
		t.Fatalf("after Kill: %v", err)
	}
	got = got[:1]
	if _, err := f.Call(1); err != nil {
		t.Fatal(err)
	}
	if got[1] == got[0] {
		t.Error("the closed channel of a killed store was handed to the next call")
	}
	select {
	case <-got[1]:
		t.Error("the next call's Done is closed")
	default:
	}
}

// compileFile compiles the .wasm at path with the given bounds checks (a
// guard-mode memory reserves 4 GiB and a 2 GiB guard).
func compileFile(t testing.TB, path string, bounds object.BoundsChecks) *object.Object {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := codegen.Compile(m, compileOptions(0, bounds))
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// compileOptions is codegen's options for opt and bounds, with the
// reservation and guard the guard layout needs.
func compileOptions(opt int, bounds object.BoundsChecks) codegen.Options {
	opts := codegen.Options{OptLevel: opt, Bounds: bounds}
	if bounds == object.BoundsGuard {
		opts.MemReserve, opts.MemGuard = 4<<30, 2<<30
	}
	return opts
}

// loadWasm compiles m with explicit bounds checks and loads it, closed
// when the test ends.
func loadWasm(t testing.TB, m *wasm.Module) *load.Module {
	t.Helper()
	obj, err := codegen.Compile(m, codegen.Options{Bounds: object.BoundsExplicit})
	if err != nil {
		t.Fatal(err)
	}
	mod, err := load.FromObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}
