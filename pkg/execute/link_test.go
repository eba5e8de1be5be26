package execute

import (
	"errors"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func lim(min, max uint64, hasMax bool) wasm.Limits {
	return wasm.Limits{Min: min, Max: max, HasMax: hasMax}
}

func TestLinkErrors(t *testing.T) {
	hostMem, err := NewMemory(wasm.MemType{Limits: lim(1, 2, true)})
	if err != nil {
		t.Fatal(err)
	}
	hostTab, err := NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: lim(10, 20, true)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	env := ImportMap{"spectest": {
		"f":      NewHostFunc(tI64, func(*Caller, []uint64) error { return nil }),
		"g":      NewGlobal(wasm.GlobalType{Type: wasm.I32}, 1),
		"gmut":   NewGlobal(wasm.GlobalType{Type: wasm.I32, Mutable: true}, 1),
		"memory": hostMem,
		"table":  hostTab,
	}}
	tests := []struct {
		name   string
		imp    wasm.Import
		reason string // "" = links
	}{
		{"func ok", wasm.Import{Kind: wasm.ExternFunc, Type: 0}, ""},
		{"unknown module", wasm.Import{Module: "nope", Kind: wasm.ExternFunc}, "unknown import"},
		{"func sig", wasm.Import{Kind: wasm.ExternFunc, Type: 1}, "incompatible import type"},
		{"func is global", wasm.Import{Name: "g", Kind: wasm.ExternFunc}, "incompatible import type"},
		{"global ok", wasm.Import{Name: "g", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.I32}}, ""},
		{"global mutability", wasm.Import{Name: "g", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.I32, Mutable: true}}, "incompatible import type"},
		{"global immutable of mutable", wasm.Import{Name: "gmut", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.I32}}, "incompatible import type"},
		{"global type", wasm.Import{Name: "g", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.I64}}, "incompatible import type"},
		{"memory ok", wasm.Import{Name: "memory", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: lim(1, 3, true)}}, ""},
		{"memory no max ok", wasm.Import{Name: "memory", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: lim(0, 0, false)}}, ""},
		{"memory min too big", wasm.Import{Name: "memory", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: lim(2, 3, true)}}, "incompatible import type"},
		{"memory max too small", wasm.Import{Name: "memory", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: lim(1, 1, true)}}, "incompatible import type"},
		{"table ok", wasm.Import{Name: "table", Kind: wasm.ExternTable, Table: wasm.TableType{Elem: wasm.FuncRef, Limits: lim(10, 20, true)}}, ""},
		{"table elem", wasm.Import{Name: "table", Kind: wasm.ExternTable, Table: wasm.TableType{Elem: wasm.ExternRef, Limits: lim(10, 20, true)}}, "incompatible import type"},
		{"table min", wasm.Import{Name: "table", Kind: wasm.ExternTable, Table: wasm.TableType{Elem: wasm.FuncRef, Limits: lim(11, 20, true)}}, "incompatible import type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.imp.Module == "" {
				tc.imp.Module = "spectest"
			}
			if tc.imp.Name == "" {
				tc.imp.Name = "f"
			}
			m := newTestModule([]wasm.FuncType{tI64, tI64x2}, []wasm.Import{tc.imp})
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = s.InstantiateObject(m.finish(t), env)
			var le *LinkError
			switch {
			case tc.reason == "" && err != nil:
				t.Errorf("got %v, want success", err)
			case tc.reason != "" && (!errors.As(err, &le) || le.Reason != tc.reason):
				t.Errorf("got %v, want a link error %q", err, tc.reason)
			}
		})
	}
}

// A trapping data segment leaves the writes before it in an imported
// memory, and the instantiation error is a *Trap.
func TestInstantiationTrapKeepsEarlierWrites(t *testing.T) {
	mem, err := NewMemory(wasm.MemType{Limits: lim(1, 0, false)})
	if err != nil {
		t.Fatal(err)
	}
	m := newTestModule(nil, []wasm.Import{{Module: "env", Name: "mem", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: lim(1, 0, false)}}})
	i32 := func(v uint64) object.Const { return object.Const{Op: wasm.OpI32Const, Value: v} }
	m.meta.Datas = []object.Data{
		{Mode: wasm.SegmentActive, Offset: i32(10), Init: []byte("hello")},
		{Mode: wasm.SegmentActive, Offset: i32(wasm.PageSize - 2), Init: []byte("overflow")},
	}
	s, err := NewStore(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.InstantiateObject(m.finish(t), ImportMap{"env": {"mem": mem}})
	if !IsTrap(err, abi.TrapMemoryOutOfBounds) {
		t.Fatalf("got %v, want an out of bounds memory trap", err)
	}
	if got := string(mem.Bytes()[10:15]); got != "hello" {
		t.Errorf("memory[10:15] = %q, want the first segment's write", got)
	}
	if mem.Bytes()[wasm.PageSize-2] != 0 {
		t.Errorf("the trapping segment wrote part of itself")
	}
}

func TestMemoryLimits(t *testing.T) {
	tests := []struct {
		name    string
		typ     wasm.MemType
		cap     uint32
		grow    []uint32
		want    []int64 // old size, or -1
		guarded bool
	}{
		{"max", wasm.MemType{Limits: lim(1, 3, true)}, 0, []uint32{1, 1, 1, 0}, []int64{1, 2, -1, 3}, false},
		{"store cap", wasm.MemType{Limits: lim(0, 0, false)}, 2, []uint32{2, 1, 0}, []int64{0, -1, 2}, false},
		// abi.MaxMemPages: never the 65536th page, which compiled code
		// relies on (see TestMemoryAtMostMaxMemPages).
		{"huge delta", wasm.MemType{Limits: lim(0, 0, false)}, 0, []uint32{65537, 65536, 65535, 1}, []int64{-1, -1, 0, -1}, false},
		{"huge delta, store cap 65536", wasm.MemType{Limits: lim(0, 0, false)}, 65536, []uint32{65536, 65535, 1}, []int64{-1, 0, -1}, false},
		{"guard reservation", wasm.MemType{Limits: lim(1, 0, false)}, 4, []uint32{3, 1}, []int64{1, -1}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestModule(nil, nil)
			m.meta.Mems = []wasm.MemType{tc.typ}
			if tc.guarded {
				m.meta.Bounds = object.BoundsGuard
				m.meta.MemReserve, m.meta.MemGuard = 1<<32, 1<<31
			}
			_, inst := newInstance(t, Config{MaxMemoryPages: tc.cap}, m.finish(t), nil)
			mem := inst.Memory()
			for i, d := range tc.grow {
				old, ok := mem.Grow(d)
				got := int64(old)
				if !ok {
					got = -1
				}
				if got != tc.want[i] {
					t.Errorf("grow %d: got %d, want %d", d, got, tc.want[i])
				}
			}
			// Every committed byte is writable.
			b := mem.Bytes()
			if len(b) > 0 {
				b[len(b)-1] = 1
			}
		})
	}
}

// TestMemoryAtMostMaxMemPages: no memory the runtime makes, an
// instance's or the host's, has abi.MaxMemPages + 1 = 65536 pages, which
// the spec allows for: code folds x + c into an access's offset after an
// access at x on that promise (with 4 GiB, x + c could wrap to a valid
// address the folded access would miss).
func TestMemoryAtMostMaxMemPages(t *testing.T) {
	if abi.MaxMemPages != wasm.MaxPages-1 {
		t.Fatalf("abi.MaxMemPages = %d", abi.MaxMemPages)
	}
	for _, tc := range []struct {
		name string
		typ  wasm.MemType
	}{
		{"min 65536", wasm.MemType{Limits: lim(65536, 0, false)}},
		{"min and max 65536", wasm.MemType{Limits: lim(65536, 65536, true)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewMemory(tc.typ); err == nil {
				t.Errorf("NewMemory made a memory of 65536 pages")
			}
			m := newTestModule(nil, nil)
			m.meta.Mems = []wasm.MemType{tc.typ}
			s, err := NewStore(Config{MaxMemoryPages: 65536})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.InstantiateObject(m.finish(t), nil); err == nil {
				t.Errorf("instantiated a memory of 65536 pages")
			}
		})
	}
	mem, err := NewMemory(wasm.MemType{Limits: lim(0, 0, false)})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := mem.Grow(65536); ok {
		t.Errorf("a host memory grew to 65536 pages")
	}
}

func TestTableGrowAndBounds(t *testing.T) {
	tb, err := NewTable(wasm.TableType{Elem: wasm.ExternRef, Limits: lim(2, 5000, true)}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := tb.Get(1); !ok || v != 7 {
		t.Errorf("Get(1) = %d, %v", v, ok)
	}
	if _, ok := tb.Get(2); ok {
		t.Errorf("Get(2) in range of a 2-element table")
	}
	// Crossing several pages of elements.
	if old, ok := tb.Grow(4000, 9); !ok || old != 2 {
		t.Fatalf("Grow(4000) = %d, %v", old, ok)
	}
	if v, _ := tb.Get(4001); v != 9 || tb.Len() != 4002 {
		t.Errorf("after grow: Get(4001) = %d, Len = %d", v, tb.Len())
	}
	if _, ok := tb.Grow(999, 0); ok {
		t.Errorf("grew past the maximum")
	}
	if !tb.Set(4001, 3) || tb.Set(4002, 3) {
		t.Errorf("Set bounds wrong")
	}
}

// Externs a store created die with it, so another store may not import
// them.
func TestCrossStoreImportRefused(t *testing.T) {
	exp := newTestModule(nil, nil)
	exp.meta.Mems = []wasm.MemType{{Limits: lim(1, 0, false)}}
	exp.meta.Exports = []wasm.Export{{Name: "mem", Kind: wasm.ExternMemory, Index: 0}}
	a, ia := newInstance(t, Config{}, exp.finish(t), nil)
	mem, _ := ia.Export("mem")
	imp := newTestModule(nil, []wasm.Import{{Module: "a", Name: "mem", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: lim(1, 0, false)}}})
	obj := imp.finish(t)
	b, err := NewStore(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var le *LinkError
	if _, err := b.InstantiateObject(obj, ImportMap{"a": {"mem": mem}}); !errors.As(err, &le) {
		t.Errorf("cross-store import: got %v, want a link error", err)
	}
	if _, err := a.InstantiateObject(obj, ImportMap{"a": {"mem": mem}}); err != nil {
		t.Errorf("same-store import: %v", err)
	}
}
