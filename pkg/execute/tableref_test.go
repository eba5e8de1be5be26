package execute

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// tableRefModule defines a funcref table of 2 elements, exported as "t",
// with function 0 (() -> i32, 42) at index 0, and imports a funcref table
// h.t of at least 1 element and a mutable funcref global h.g.
func tableRefModule() *wasm.Module {
	return &wasm.Module{
		Types: []wasm.FuncType{{Results: []wasm.ValType{wasm.I32}}},
		Imports: []wasm.Import{
			{Module: "h", Name: "t", Kind: wasm.ExternTable, Table: wasm.TableType{Elem: wasm.FuncRef, Limits: lim(1, 0, false)}},
			{Module: "h", Name: "g", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.FuncRef, Mutable: true}},
		},
		NumImportedGlobals: 1,
		Funcs:              []uint32{0},
		Codes:              []wasm.Code{{Body: []byte{0x41, 42, 0x0b}}},
		Tables:             []wasm.TableType{{Elem: wasm.FuncRef, Limits: lim(2, 2, true)}},
		Elems: []wasm.Elem{{Mode: wasm.SegmentActive, Table: 1, Offset: wasm.ConstExpr{Op: wasm.OpI32Const, Value: 0, NumInstrs: 1},
			Type: wasm.FuncRef, Init: []wasm.ConstExpr{{Op: wasm.OpRefFunc, Index: 0, NumInstrs: 1}}}},
		NumImportedTables: 1,
		Exports:           []wasm.Export{{Name: "t", Kind: wasm.ExternTable, Index: 1}},
	}
}

// Table.Set (and Grow's init) take a funcref table's elements from the
// host only as null or function references of the table's own store: a
// raw value from another store let this store's guests call into that
// store's instance, and once it closed, into its freed arena.
func TestTableSetRefusesOtherStoresRefs(t *testing.T) {
	mod := loadWasm(t, tableRefModule())
	gB := NewGlobal(wasm.GlobalType{Type: wasm.FuncRef, Mutable: true}, 0)
	inst := func(s *Store, host *Table, g *Global) *Table {
		t.Helper()
		return mustExport(t, instantiate(t, s, mod, ImportMap{"h": {"t": host, "g": g}}), "t").(*Table)
	}
	a, b := newStore(t, Config{}), newStore(t, Config{})
	hostA, hostB := hostTable(t, 2), hostTable(t, 2)
	unbound := hostTable(t, 2)
	ta, tb := inst(a, hostA, NewGlobal(wasm.GlobalType{Type: wasm.FuncRef, Mutable: true}, 0)), inst(b, hostB, gB)
	refA, _ := ta.Get(0)
	refB, _ := tb.Get(0)
	if refA == 0 || refB == 0 {
		t.Fatalf("element 0 is null: %#x %#x", refA, refB)
	}
	for _, c := range []struct {
		name string
		tab  *Table
		v    uint64
		ok   bool
	}{
		{"own ref in own table", tb, refB, true},
		{"null", tb, 0, true},
		{"another store's ref", tb, refA, false},
		{"a ref off by 8", tb, refB + 8, false},
		{"an address nowhere", tb, 0xdead0, false},
		{"own ref in the host table it imports", hostB, refB, true},
		{"another store's ref in a host table", hostB, refA, false},
		{"any ref in a host table no store imports", unbound, refA, false},
		{"null in a host table no store imports", unbound, 0, true},
	} {
		if got := c.tab.Set(1%c.tab.Len(), c.v); got != c.ok {
			t.Errorf("%s: Set = %v, want %v", c.name, got, c.ok)
		}
	}
	if _, ok := ta.Grow(0, refB); ok {
		t.Error("Grow with another store's ref as init succeeded")
	}
	if _, err := NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: lim(1, 0, false)}, refA); err == nil {
		t.Error("NewTable of a funcref table with a non-null init succeeded")
	}
	// The same for funcref globals, whose Set panics.
	gB.Set(refB)
	if gB.Get() != refB {
		t.Errorf("global Set(own ref) left %#x", gB.Get())
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Set of another store's ref", func() { gB.Set(refA) }},
		{"Set of a ref on a host global no store imports", func() {
			NewGlobal(wasm.GlobalType{Type: wasm.FuncRef, Mutable: true}, 0).Set(refB)
		}},
		{"NewGlobal with a ref", func() { NewGlobal(wasm.GlobalType{Type: wasm.FuncRef}, refA) }},
	} {
		func() {
			defer func() {
				if r := recover(); r != errForeignRef {
					t.Errorf("%s: recovered %v, want the errForeignRef panic", c.name, r)
				}
			}()
			c.f()
		}()
	}
	if gB.Get() != refB {
		t.Errorf("global holds %#x after refused Sets, want %#x", gB.Get(), refB)
	}
	// An externref table holds whatever the host gives it.
	ext, err := NewTable(wasm.TableType{Elem: wasm.ExternRef, Limits: lim(1, 0, false)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !ext.Set(0, refA) {
		t.Error("externref Set refused")
	}
}
