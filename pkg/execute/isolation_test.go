package execute

import (
	"bytes"
	"os"
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// trapsModule is compiled by codegen with guard-page bounds checks (a
// 4 GiB reservation and a 64 KiB guard, so 20,000 memories fit the
// address space) and exports
//
//	ok() -> i32        42
//	oob() -> i32       i32.load at 128 KiB: past the one page, inside the
//	                   reservation, so only the signal handler catches it
//	recurse()          unbounded recursion (the prologue check traps)
//	div0() -> i32      1 / 0
//	unreach()          unreachable
//	badcall()          call_indirect of ok() as () -> ()
func trapsModule(t testing.TB) *object.Object {
	t.Helper()
	obj, err := codegen.Compile(trapsWasm(), codegen.Options{Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

func trapsWasm() *wasm.Module {
	i32 := wasm.I32
	one := wasm.Limits{Min: 1, Max: 1, HasMax: true}
	m := &wasm.Module{
		Types:  []wasm.FuncType{{Results: []wasm.ValType{i32}}, {}},
		Funcs:  []uint32{0, 0, 1, 0, 1, 1},
		Tables: []wasm.TableType{{Elem: wasm.FuncRef, Limits: one}},
		Mems:   []wasm.MemType{{Limits: one}},
		Elems: []wasm.Elem{{Mode: wasm.SegmentActive, Type: wasm.FuncRef,
			Offset: wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 1},
			Init:   []wasm.ConstExpr{{Op: wasm.OpRefFunc, Index: 0, NumInstrs: 1}}}},
		Codes: []wasm.Code{
			{Body: []byte{0x41, 42, 0x0b}},
			{Body: []byte{0x41, 0x80, 0x80, 0x08, 0x28, 0x02, 0x00, 0x0b}},
			{Body: []byte{0x10, 0x02, 0x0b}},
			{Body: []byte{0x41, 1, 0x41, 0, 0x6d, 0x0b}},
			{Body: []byte{0x00, 0x0b}},
			{Body: []byte{0x41, 0, 0x11, 0x01, 0x00, 0x0b}},
		},
	}
	for i, name := range []string{"ok", "oob", "recurse", "div0", "unreach", "badcall"} {
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	return m
}

// probeModule recurses without any prologue check, so only the guard page
// below the guest stack (and the signal handler) stops it.
func probeModule(t testing.TB) *object.Object {
	m := newTestModule([]wasm.FuncType{tVoid}, nil)
	m.fn("probe", 0, func(a *asm.Assembler) {
		a.Push(asm.RBP)
		a.MovRR(64, asm.RBP, asm.RSP)
		m.call(0)
		a.Pop(asm.RBP)
		a.Ret()
	})
	return m.finish(t)
}

func mapCount(t testing.TB) int {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte{'\n'})
}

// Faults stay isolated at any instance count: 20,000 stores alive at once,
// each made to trap in turn, every kind of trap (the hardware faults
// through the signal handler) comes back as its *Trap, and every store
// still answers afterwards.
func TestTrapsAtScale(t *testing.T) {
	n := 20000
	if raceEnabled {
		n = 1000
	}
	traps, err := load.FromObject(trapsModule(t))
	if err != nil {
		t.Fatal(err)
	}
	defer traps.Close()
	probe, err := load.FromObject(probeModule(t))
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()

	maps0 := mapCount(t)
	type live struct {
		s           *Store
		traps, prob *Instance
	}
	stores := make([]live, n)
	defer func() {
		for _, l := range stores {
			if l.s != nil {
				l.s.Close()
			}
		}
	}()
	for i := range stores {
		s, err := NewStore(Config{StackSize: 8 << 10})
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		stores[i].s = s
		if stores[i].traps, err = s.Instantiate(traps, nil); err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		if stores[i].prob, err = s.Instantiate(probe, nil); err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
	}
	t.Logf("%d stores: %.2f mappings each", n, float64(mapCount(t)-maps0)/float64(n))

	kinds := []struct {
		fn   string
		code abi.TrapCode
	}{
		{"oob", abi.TrapMemoryOutOfBounds},
		{"recurse", abi.TrapStackOverflow},
		{"probe", abi.TrapStackOverflow},
		{"div0", abi.TrapIntegerDivideByZero},
		{"unreach", abi.TrapUnreachable},
		{"badcall", abi.TrapBadSignature},
	}
	faults0 := GuardTraps()
	wantFaults := uint64(0)
	for i, l := range stores {
		k := kinds[i%len(kinds)]
		inst := l.traps
		if k.fn == "probe" {
			inst = l.prob
		}
		_, err := inst.Func(k.fn).Call()
		tr, ok := err.(*Trap)
		if !ok || tr.Code != k.code {
			t.Fatalf("store %d: %s() = %v, want a %v trap", i, k.fn, err, k.code)
		}
		if k.fn == "oob" || k.fn == "probe" {
			wantFaults++
		}
	}
	if got := GuardTraps() - faults0; got < wantFaults {
		t.Errorf("%d faults became traps, want at least %d: the hardware paths were not taken", got, wantFaults)
	}
	for i, l := range stores {
		if res, err := l.traps.Func("ok").Call(); err != nil || res[0] != 42 {
			t.Fatalf("store %d after the traps: ok() = %v, %v", i, res, err)
		}
	}
}
