package execute

import (
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// guardObject has a BoundsGuard memory and functions that fault: an
// unchecked load past the committed pages, and unbounded recursion with no
// prologue check.
func guardObject(t *testing.T) *object.Object {
	m := newTestModule([]wasm.FuncType{tI64, tVoid}, nil)
	m.meta.Bounds = object.BoundsGuard
	m.meta.MemReserve = 1 << 32
	m.meta.MemGuard = 1 << 31
	m.meta.Mems = []wasm.MemType{{Limits: wasm.Limits{Min: 1}}}
	var loadSite asm.Label
	m.fn("load", 0, func(a *asm.Assembler) { // func 0: i64.load [x]
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		a.MovRM(64, asm.RAX, asm.M(asm.R15, abi.VMMemBase))
		a.MovRM(64, asm.RCX, asm.M(asm.RDI, 0))
		loadSite = a.NewLabel()
		a.Bind(loadSite)
		a.MovRM(64, asm.RAX, asm.MI(asm.RAX, asm.RCX, 1, 0))
		a.MovMR(64, asm.M(asm.RDI, 0), asm.RAX)
		a.Pop(asm.RBP)
		a.Ret()
	})
	m.fn("recurse", 1, func(a *asm.Assembler) { // func 1
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		m.call(1)
		a.Pop(asm.RBP)
		a.Ret()
	})
	o := m.finish(t)
	o.Meta.Sites = append(o.Meta.Sites, object.Site{CodeOffset: uint32(m.a.LabelOffset(loadSite)), Code: abi.TrapMemoryOutOfBounds, Func: 0, WasmOffset: 0x77})
	return o
}

func TestGuardPageTraps(t *testing.T) {
	_, inst := newInstance(t, Config{}, guardObject(t), nil)
	load, rec := inst.Func("load"), inst.Func("recurse")
	inst.Memory().Bytes()[8] = 5
	for i := 0; i < 3; i++ {
		if res, err := load.Call(8); err != nil || res[0] != 5 {
			t.Fatalf("load(8) = %v, %v", res, err)
		}
		_, err := load.Call(3 << 30)
		var tr *Trap
		if !errors.As(err, &tr) || tr.Code != abi.TrapMemoryOutOfBounds || tr.WasmOffset != 0x77 || tr.Func != "load" {
			t.Fatalf("load(3 GiB) = %v (%+v), want an out of bounds trap at 0x77", err, tr)
		}
		_, err = rec.Call()
		if !IsTrap(err, abi.TrapStackOverflow) {
			t.Fatalf("recurse = %v, want stack exhaustion", err)
		}
		if !strings.HasPrefix(err.Error(), "wasm trap: call stack exhausted\n  at recurse") {
			t.Errorf("recurse error = %q", err.Error())
		}
	}
	// After growing, the same address is in bounds.
	if _, ok := inst.Memory().Grow(1); !ok {
		t.Fatal("grow failed")
	}
	if res, err := load.Call(wasm.PageSize + 8); err != nil || res[0] != 0 {
		t.Fatalf("load after grow = %v, %v", res, err)
	}
}

// Go's own faults must still reach Go's handler through the chain.
func TestGoFaultsStillPanic(t *testing.T) {
	s, err := NewStore(Config{}) // installs the handler
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 3; i++ {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmtAny(r), "nil pointer") {
					t.Errorf("recover() = %v, want a nil pointer panic", r)
				}
			}()
			var p *Store
			_ = p.cfg.StackSize
		}()
	}
}

func fmtAny(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	return ""
}

// Memory reservations are pooled across stores: a reused one must read as
// zeros and fault past its new length again.
func TestPooledMemoryIsClean(t *testing.T) {
	obj := guardObject(t)
	var bases []uintptr
	for round := 0; round < 3; round++ {
		s, err := NewStore(Config{})
		if err != nil {
			t.Fatal(err)
		}
		inst, err := s.InstantiateObject(obj, nil)
		if err != nil {
			t.Fatal(err)
		}
		mem := inst.Memory()
		bases = append(bases, mem.res.addr())
		if mem.Pages() != 1 {
			t.Fatalf("round %d: memory has %d pages, want 1", round, mem.Pages())
		}
		load := inst.Func("load")
		if _, err := load.Call(2*wasm.PageSize + 8); !IsTrap(err, abi.TrapMemoryOutOfBounds) {
			t.Fatalf("round %d: load past the length = %v, want a trap", round, err)
		}
		if _, ok := mem.Grow(2); !ok {
			t.Fatal("grow failed")
		}
		for i, b := range mem.Bytes() {
			if b != 0 {
				t.Fatalf("round %d: byte %#x of a fresh memory is %#x", round, i, b)
			}
		}
		b := mem.Bytes()
		for i := range b {
			b[i] = 0xAA
		}
		s.Close()
	}
	if bases[0] != bases[1] || bases[1] != bases[2] {
		t.Errorf("reservations were not reused (%#x): the test did not exercise the pool", bases)
	}
}

// Go's own asynchronous preemption (SIGURG) must still reach Go's handler
// through ours: a goroutine in a loop without calls can only be stopped
// for a collection that way.
func TestGoPreemptionStillWorks(t *testing.T) {
	s, err := NewStore(Config{}) // installs the handler
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var stop atomic.Bool
	var spins atomic.Int64
	go func() {
		n := int64(0)
		for !stop.Load() {
			n++
		}
		spins.Store(n)
	}()
	done := make(chan struct{})
	go func() {
		runtime.GC()
		runtime.GC()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("GC could not stop a spinning goroutine: preemption signals are not reaching Go")
	}
	stop.Store(true)
}
