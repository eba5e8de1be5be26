package execute

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A function with a stack check has no interrupt check of its own: the
// runtime raises its stack limit to ask for an exit, and the check's slow
// path tells that from an overflow (abi.StackLimitInterrupt). These tests
// run testdata/limit.wat in both tiers (-O 0 is the baseline compiler for
// all but mix, whose v128 parameter it leaves to the optimizing pipeline)
// and both bounds modes.

// limitTiers are the compilations every test runs.
var limitTiers = func() (out []struct {
	name   string
	opt    int
	bounds object.BoundsChecks
}) {
	for _, opt := range []int{0, 2} {
		for i, b := range []object.BoundsChecks{object.BoundsGuard, object.BoundsExplicit} {
			out = append(out, struct {
				name   string
				opt    int
				bounds object.BoundsChecks
			}{fmt.Sprintf("O%d/%s", opt, [2]string{"guard", "explicit"}[i]), opt, b})
		}
	}
	return out
}()

// limitModule decodes testdata/limit.wasm.
func limitModule(t testing.TB) *wasm.Module {
	t.Helper()
	b, err := os.ReadFile("testdata/limit.wasm")
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// limitStore instantiates limit.wasm twice in one store, sharing a table
// whose slot 0 holds a's ping and slot 1 b's; both import hook, which
// runs *hook when it is not nil.
func limitStore(t testing.TB, opt int, bounds object.BoundsChecks, cfg Config, hook *func(*Store)) (s *Store, a, b *Instance) {
	t.Helper()
	opts := compileOptions(opt, bounds)
	obj, err := codegen.Compile(limitModule(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err = NewStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tab, err := NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 2}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHostFunc(wasm.FuncType{}, func(*Caller, []uint64) error {
		if hook != nil && *hook != nil {
			(*hook)(s)
		}
		return nil
	})
	var insts [2]*Instance
	for i := range insts {
		slot := NewGlobal(wasm.GlobalType{Type: wasm.I32}, uint64(i))
		insts[i], err = s.InstantiateObject(obj, ImportMap{"t": {"hook": h, "tab": tab, "slot": slot}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s, insts[0], insts[1]
}

// raiseLimits fails every stack check of s's instances without asking
// for an interrupt, as a stale raise would (a request cleared between
// the runtime's two stores).
func raiseLimits(s *Store) {
	for _, vm := range *s.vmctxs.Load() {
		atomic.StoreUintptr(limitWord(vm), abi.StackLimitInterrupt)
	}
}

// fibRef is fib(n).
func fibRef(n int) uint64 {
	a, b := uint64(0), uint64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

// An interrupt requested while no call runs is taken at the first
// function entry of the next call, here fib's, whose only check is its
// stack check, and the call then completes; the same through the two
// instances' ping-pong, whose entries are checked with the callee's
// vmctx. Without the raised limit (Store.interrupt storing the word only)
// there was no exit at all.
func TestStackLimitPendingInterrupt(t *testing.T) {
	// A collection's stop-the-world preempts the calling goroutine with a
	// signal, which inside guest code is one interrupt exit: with other
	// tests' garbage about, two or three came during one fib(20) and the
	// no-interrupt count below failed now and then. No collection starts
	// while the calls are counted.
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for _, tc := range limitTiers {
		t.Run(tc.name, func(t *testing.T) {
			s, a, b := limitStore(t, tc.opt, tc.bounds, Config{}, nil)
			for _, c := range []struct {
				f    *Func
				n    int
				want uint64
			}{{a.Func("fib"), 20, fibRef(20)}, {a.Func("ping"), 20, fibRef(20)}, {b.Func("ping"), 15, fibRef(15)}} {
				before := s.interruptExits
				s.Interrupt()
				res, err := c.f.Call(uint64(c.n))
				if err != nil || res[0] != c.want {
					t.Fatalf("after Interrupt: %v(%d) = %v, %v; want %d", c.f.describe(), c.n, res, err, c.want)
				}
				if n := s.interruptExits - before; n < 1 {
					t.Errorf("%s(%d) after Interrupt: no interrupt exit", c.f.describe(), c.n)
				}
				// Cleared by the exit: the next call runs without one.
				before = s.interruptExits
				if res, err := c.f.Call(uint64(c.n)); err != nil || res[0] != c.want {
					t.Fatalf("%s(%d) = %v, %v; want %d", c.f.describe(), c.n, res, err, c.want)
				}
				if n := s.interruptExits - before; n > 1 { // 1: a SIGURG may have come
					t.Errorf("%s(%d) with no interrupt: %d interrupt exits", c.f.describe(), c.n, n)
				}
			}
		})
	}
}

// A stack limit raised with no interrupt pending costs exits and
// retries, nothing else: mix raises it before each of its 40 recursive
// calls, whose entries then exit with every parameter live (six in
// integer registers, two on the stack, four in XMM registers, one a
// v128), and the result is the same as without the raises, and the same
// in every tier. Before, a raised limit meant StackOverflow.
func TestStackLimitSpuriousRaise(t *testing.T) {
	const depth = 40
	args := []uint64{depth, 0x0123456789abcdef, uint64(math.Float32bits(2.5)), math.Float64bits(-3.75),
		0x1111, 0x2222, 0xfedcba98, 0xffff_fff0_0000_0001, 77, 0xdead_beef_cafe_f00d, 5, 9, math.Float64bits(1e6)}
	// v128 takes two slots: lanes 0x1111 and 0x2222.
	var ref uint64
	for i, tc := range limitTiers {
		t.Run(tc.name, func(t *testing.T) {
			var hook func(*Store)
			s, a, _ := limitStore(t, tc.opt, tc.bounds, Config{}, &hook)
			mix := a.Func("mix")
			plain, err := mix.Call(args...)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				ref = plain[0]
			} else if plain[0] != ref {
				t.Fatalf("mix = %#x, want %#x (the first tier's)", plain[0], ref)
			}
			hook = raiseLimits
			before := s.interruptExits
			got, err := mix.Call(args...)
			if err != nil {
				t.Fatalf("mix with raised limits: %v", err)
			}
			if got[0] != plain[0] {
				t.Errorf("mix with raised limits = %#x, want %#x", got[0], plain[0])
			}
			if n := s.interruptExits - before; n < depth {
				t.Errorf("mix with raised limits: %d interrupt exits, want at least %d", n, depth)
			}
		})
	}
}

// A real overflow traps StackOverflow at deep's entry (its function
// index and wasm offset) whether the limit it met was the real one, or
// raised by an interrupt requested before every level (the slow path
// compares with the real limit), or raised with no interrupt: the same
// trap as without the raises, in every tier.
func TestStackLimitOverflow(t *testing.T) {
	m := limitModule(t)
	var deepIdx uint32
	for _, e := range m.Exports {
		if e.Name == "deep" {
			deepIdx = e.Index
		}
	}
	wantOff := uint32(m.Codes[deepIdx-m.NumImportedFuncs].BodyOffset)
	for _, tc := range limitTiers {
		t.Run(tc.name, func(t *testing.T) {
			var hook func(*Store)
			s, a, _ := limitStore(t, tc.opt, tc.bounds, Config{StackSize: 256 << 10}, &hook)
			deep := a.Func("deep")
			for _, h := range []struct {
				name string
				arg  uint64
				f    func(*Store)
			}{
				{"plain", 0, nil},
				{"hook", 1, nil},
				{"interrupt", 1, (*Store).Interrupt},
				{"raise", 1, raiseLimits},
			} {
				hook = h.f
				before := s.interruptExits
				_, err := deep.Call(h.arg)
				tr, ok := err.(*Trap)
				if !ok || tr.Code != abi.TrapStackOverflow {
					t.Fatalf("%s: deep: got %v, want a stack overflow", h.name, err)
				}
				if tr.FuncIndex != deepIdx || tr.WasmOffset != wantOff {
					t.Errorf("%s: trapped in function %d at %#x, want %d at %#x (deep's entry)", h.name, tr.FuncIndex, tr.WasmOffset, deepIdx, wantOff)
				}
				if h.f != nil && s.interruptExits-before < 100 {
					t.Errorf("%s: %d interrupt exits, want one per level", h.name, s.interruptExits-before)
				}
			}
			// The store still runs calls, and the last request is gone.
			if res, err := a.Func("fib").Call(10); err != nil || res[0] != fibRef(10) {
				t.Fatalf("fib after the overflows: %v, %v", res, err)
			}
		})
	}
}

// A timeout, a cancelled context and a kill stop deep recursion that has
// no loop (fib(40)), a loop with no call (spin) and recursion that goes
// back and forth between two instances (ping(40)), in every tier.
func TestStackLimitStops(t *testing.T) {
	for _, tc := range limitTiers {
		for _, stop := range []string{"timeout", "context", "kill"} {
			for _, fn := range []string{"fib", "spin", "ping"} {
				t.Run(tc.name+"/"+stop+"/"+fn, func(t *testing.T) {
					cfg := Config{}
					if stop == "timeout" {
						cfg.Timeout = 20 * time.Millisecond
					}
					s, a, _ := limitStore(t, tc.opt, tc.bounds, cfg, nil)
					defer watchdog(t, time.Minute, fn, s)()
					f := a.Func(fn)
					var args []uint64
					if fn != "spin" {
						args = []uint64{40}
					}
					errc := make(chan error, 1)
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					go func() {
						var err error
						if stop == "context" {
							_, err = f.CallContext(ctx, args...)
						} else {
							_, err = f.Call(args...)
						}
						errc <- err
					}()
					switch stop {
					case "context":
						waitRunning(s)
						cancel()
					case "kill":
						waitRunning(s)
						s.Kill()
					}
					if err := <-errc; !IsTrap(err, abi.TrapInterrupt) {
						t.Fatalf("got %v, want an interrupt trap", err)
					}
				})
			}
		}
	}
}

// A call ended at a function entry by an interrupt (here: the deadline
// has passed when the exit is taken) traps TrapInterrupt at the entry of
// the function whose stack check exited, with the wasm offset the
// interrupt check at its entry had: deep's body offset. The hook makes
// it deterministic: it requests the interrupt and moves the deadline
// into the past, and the next entry is deep's.
func TestStackLimitInterruptTrapSite(t *testing.T) {
	m := limitModule(t)
	idx := map[string]uint32{}
	for _, e := range m.Exports {
		idx[e.Name] = e.Index
	}
	for _, tc := range limitTiers {
		t.Run(tc.name, func(t *testing.T) {
			hook := func(s *Store) {
				s.deadline = 1 // monoNow() is always later
				s.Interrupt()
			}
			s, a, _ := limitStore(t, tc.opt, tc.bounds, Config{}, &hook)
			defer func() { s.deadline = 0 }()
			for _, fn := range []string{"deep", "mix"} {
				args := []uint64{1}
				if fn == "mix" {
					args = make([]uint64, 13)
					args[0] = 3
				}
				_, err := a.Func(fn).Call(args...)
				tr, ok := err.(*Trap)
				if !ok || tr.Code != abi.TrapInterrupt {
					t.Fatalf("%s: got %v, want an interrupt trap", fn, err)
				}
				want := uint32(m.Codes[idx[fn]-m.NumImportedFuncs].BodyOffset)
				if tr.FuncIndex != idx[fn] || tr.WasmOffset != want {
					t.Errorf("%s: trapped in function %d at %#x, want %d at %#x (its entry)", fn, tr.FuncIndex, tr.WasmOffset, idx[fn], want)
				}
				s.deadline = 0
			}
		})
	}
}

// A guest asked to exit again and again, faster than it can exit and come
// back, still gets on: each exit at a function entry lets that function
// run, as the interrupt check at its entry did (the slow path resumes past
// the stack check, not at it), so there are no more exits than calls.
// Resumed at the check, fib(20) took 30-50 thousand exits for its 21891
// calls.
func TestStackLimitInterruptStorm(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	for _, tc := range limitTiers {
		t.Run(tc.name, func(t *testing.T) {
			s, a, _ := limitStore(t, tc.opt, tc.bounds, Config{}, nil)
			defer watchdog(t, time.Minute, "fib under an interrupt storm", s)()
			var stop atomic.Bool
			started, done := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				s.Interrupt()
				close(started)
				for !stop.Load() {
					s.Interrupt()
				}
			}()
			<-started
			before := s.interruptExits
			res, err := a.Func("fib").Call(20)
			stop.Store(true)
			<-done
			if err != nil || res[0] != fibRef(20) {
				t.Fatalf("fib(20) = %v, %v; want %d", res, err, fibRef(20))
			}
			exits := s.interruptExits - before
			calls, err := a.Func("calls").Call()
			if err != nil {
				t.Fatal(err)
			}
			// At most one exit per entry: each lets its function in.
			if exits > calls[0] {
				t.Errorf("%d interrupt exits for %d calls of fib", exits, calls[0])
			}
		})
	}
}
