package execute

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// MaxTableElements bounds a store's tables together: a module may define
// up to 100,000 tables of 10 million elements each, and a limit per table
// alone let a 6 KB module of 1,000 such tables commit 80 GB.
func TestTableBudget(t *testing.T) {
	three := wasm.TableType{Elem: wasm.FuncRef, Limits: lim(3, 0, false)}
	mod := loadWasm(t, growWasm(three, three))
	const fail = 0xFFFFFFFF
	for _, tc := range []struct {
		name      string
		max       uint32
		instances int      // how many instantiate in one store
		refused   string   // the last instantiation's error
		grows     []uint64 // what grow(1) returns, call after call, in the last instance
	}{
		{"exactly fits", 7, 1, "", []uint64{fail}},
		{"room for one more", 8, 1, "", []uint64{3, fail}},
		{"one short", 6, 1, "the store's tables would hold more than the limit of 6", nil},
		{"two instances share it", 15, 2, "", []uint64{3, fail}},
		{"the second does not fit", 13, 2, "the store's tables would hold more than the limit of 13", nil},
		{"one table too large", 2, 1, "exceeds the limit of 2", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewStore(Config{MaxTableElements: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var inst *Instance
			for i := 0; i < tc.instances; i++ {
				inst, err = s.Instantiate(mod, nil)
			}
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("Instantiate = %v, want an error containing %q", err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tc.grows {
				res, err := inst.Func("grow").Call(1)
				if err != nil || res[0] != want {
					t.Fatalf("grow(1) #%d = %v, %v; want %#x", i, res, err, want)
				}
			}
		})
	}
}

// A dense store's tables are bounded like its memory slot: by default
// MaxTableElements is the slot's bytes in 8-byte elements (256 pages,
// 16 MiB: 2,097,152 elements), not the 16M elements (128 MiB) of the guard
// layout, which let each dense store's guests commit eight times the
// memory its slot holds. Several stores, eight instances each growing a
// table of its own: together they reach the budget exactly, and then
// table.grow returns -1 in every instance, counted per store (each store
// reaches it alike). A limit given explicitly still holds.
func TestDenseTableBudget(t *testing.T) {
	mod := loadWasm(t, growWasm(wasm.TableType{Elem: wasm.FuncRef, Limits: lim(1, 0, false)}))
	const fail = 0xFFFFFFFF
	const instances = 8
	for _, tc := range []struct {
		name string
		cfg  Config
		want uint64 // the store's budget
	}{
		{"default", Config{Layout: LayoutDense}, 256 << 16 / 8},
		{"smaller slots", Config{Layout: LayoutDense, MaxMemoryPages: 16}, 16 << 16 / 8},
		{"given", Config{Layout: LayoutDense, MaxTableElements: 3 << 20}, 3 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for store := range 3 {
				s, err := NewStore(tc.cfg)
				if err != nil {
					t.Fatal(err)
				}
				var insts []*Instance
				for range instances {
					inst, err := s.Instantiate(mod, nil)
					if err != nil {
						s.Close()
						t.Fatal(err)
					}
					insts = append(insts, inst)
				}
				// Two tables of one element an instance to start with.
				each := (tc.want - 2*instances) / instances
				last := tc.want - 2*instances - each*(instances-1)
				for i, inst := range insts {
					n := each
					if i == instances-1 {
						n = last
					}
					if res, err := inst.Func("grow").Call(n); err != nil || res[0] != 1 {
						s.Close()
						t.Fatalf("store %d instance %d: grow(%d) = %v, %v; want 1", store, i, n, res, err)
					}
				}
				for i, inst := range insts {
					if res, err := inst.Func("grow").Call(1); err != nil || res[0] != fail {
						s.Close()
						t.Fatalf("store %d instance %d: grow(1) at the budget of %d = %v, %v; want -1", store, i, tc.want, res, err)
					}
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// growWasm is trapsWasm (one table of 1 element) with tables added and
// an export grow(n) that grows the last of them by n null elements.
func growWasm(tables ...wasm.TableType) *wasm.Module {
	m := trapsWasm()
	// Exported, the tables may change size (object.Meta.FixedTables
	// would otherwise size them exactly, in the arena).
	for i := range tables {
		m.Exports = append(m.Exports, wasm.Export{Name: fmt.Sprintf("t%d", len(m.Tables)+i), Kind: wasm.ExternTable, Index: uint32(len(m.Tables) + i)})
	}
	m.Tables = append(m.Tables, tables...)
	m.Types = append(m.Types, wasm.FuncType{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}})
	m.Funcs = append(m.Funcs, uint32(len(m.Types)-1))
	last := byte(len(m.Tables) - 1)
	m.Codes = append(m.Codes, wasm.Code{Body: []byte{0xd0, 0x70, 0x20, 0x00, 0xfc, 0x0f, last, 0x0b}})
	m.Exports = append(m.Exports, wasm.Export{Name: "grow", Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	return m
}
