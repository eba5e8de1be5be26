package execute

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// funcsTableModule defines n functions (() -> i32, each returning its
// index) and a funcref table of n elements exported as "t", element i
// referring to function i: an instance's table holds a reference to each
// of its FuncRef records.
func funcsTableModule(n int) *wasm.Module {
	m := &wasm.Module{
		Types:   []wasm.FuncType{{Results: []wasm.ValType{wasm.I32}}},
		Tables:  []wasm.TableType{{Elem: wasm.FuncRef, Limits: lim(uint64(n), uint64(n), true)}},
		Exports: []wasm.Export{{Name: "t", Kind: wasm.ExternTable, Index: 0}},
	}
	init := make([]wasm.ConstExpr, n)
	for i := range n {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Body: []byte{0x41, byte(i & 0x3f), 0x0b}})
		init[i] = wasm.ConstExpr{Op: wasm.OpRefFunc, Index: uint32(i), NumInstrs: 1}
	}
	m.Elems = []wasm.Elem{{Mode: wasm.SegmentActive, Offset: wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 1},
		Type: wasm.FuncRef, Init: init}}
	return m
}

// instanceTables makes a store (closed when the test ends) with n
// instances of mod and returns their exported tables "t".
func instanceTables(tb testing.TB, mod *load.Module, n int) (*Store, []*Table) {
	tb.Helper()
	s := newStore(tb, Config{})
	tabs := make([]*Table, n)
	for i := range tabs {
		tabs[i] = mustExport(tb, instantiate(tb, s, mod, nil), "t").(*Table)
	}
	return s, tabs
}

// Table.Set accepts the function references of every instance of its
// store, and only those, whether the store scans its few instances or
// indexes its many (refScanMax); with 300 functions an instance's
// records span pages, each of which must lead to it.
func TestTableSetManyInstances(t *testing.T) {
	const nf = 300 // 7200 bytes of FuncRef records
	mod := loadWasm(t, funcsTableModule(nf))
	_, others := instanceTables(t, mod, refScanMax+4)
	for _, n := range []int{1, refScanMax, refScanMax + 1, 3 * refScanMax} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			_, tabs := instanceTables(t, mod, n)
			dst := tabs[0]
			for i, tab := range tabs {
				for _, f := range []uint32{0, 1, nf / 2, nf - 1} {
					ref, ok := tab.Get(f)
					if !ok || ref == 0 {
						t.Fatalf("instance %d element %d: %#x %v", i, f, ref, ok)
					}
					if !dst.Set(1, ref) {
						t.Errorf("instance %d function %d: own store's ref refused", i, f)
					}
					for _, bad := range []uint64{ref + 8, ref - 8, ref + 1} {
						if dst.Set(1, bad) {
							t.Errorf("instance %d function %d: %#x (ref %+d) accepted", i, f, bad, int64(bad-ref))
						}
					}
				}
				// Past the last record and before the first.
				first, _ := tab.Get(0)
				last, _ := tab.Get(nf - 1)
				for _, bad := range []uint64{first - 24, last + 24} {
					if dst.Set(1, bad) {
						t.Errorf("instance %d: %#x just outside its records accepted", i, bad)
					}
				}
			}
			for i, tab := range others {
				ref, _ := tab.Get(nf - 1)
				if dst.Set(1, ref) {
					t.Errorf("another store's instance %d: ref accepted", i)
				}
				if tab.Set(1, ref) != true {
					t.Errorf("another store's instance %d: its own store refused its ref", i)
				}
			}
		})
	}
}

// BenchmarkTableSet sets into the first instance's table function
// references of each instance of the store in turn: the cost of the check
// that a reference is the store's, by how many instances it has.
func BenchmarkTableSet(b *testing.B) {
	mod := loadWasm(b, funcsTableModule(2))
	for _, n := range []int{1, 10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			_, tabs := instanceTables(b, mod, n)
			refs := make([]uint64, n)
			for i, tab := range tabs {
				refs[i], _ = tab.Get(1)
			}
			dst := tabs[0]
			b.ResetTimer()
			for i := range b.N {
				if !dst.Set(0, refs[i%n]) {
					b.Fatal("Set refused")
				}
			}
		})
	}
}
