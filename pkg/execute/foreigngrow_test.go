package execute

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// foreignGrowModule imports a memory and a funcref table (env.m, env.t)
// and exports growm(n) = memory.grow n and growt(n) = table.grow 0 by n
// null elements.
func foreignGrowModule(t *testing.T) *wasm.Module {
	t.Helper()
	return &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}}},
		Imports: []wasm.Import{
			{Module: "env", Name: "m", Kind: wasm.ExternMemory, Mem: wasm.MemType{Limits: lim(1, 0, false)}},
			{Module: "env", Name: "t", Kind: wasm.ExternTable, Table: wasm.TableType{Elem: wasm.FuncRef, Limits: lim(1, 0, false)}},
		},
		Funcs: []uint32{0, 0},
		Codes: []wasm.Code{
			{Body: []byte{0x20, 0x00, 0x40, 0x00, 0x0b}},                   // local.get 0; memory.grow 0
			{Body: []byte{0xd0, 0x70, 0x20, 0x00, 0xfc, 0x0f, 0x00, 0x0b}}, // ref.null func; local.get 0; table.grow 0
		},
		Exports: []wasm.Export{{Name: "growm", Kind: wasm.ExternFunc, Index: 0}, {Name: "growt", Kind: wasm.ExternFunc, Index: 1}},
	}
}

// A store's caps hold for the externs its guests grow that it does not
// own: a host memory without a maximum could be grown to 4 GiB and a host
// table to 16M elements past MaxMemoryPages and MaxTableElements, which
// applied only to the store's own memories and tables. The host itself
// may still grow its externs past them.
func TestCapsHoldForForeignExterns(t *testing.T) {
	mod := loadWasm(t, foreignGrowModule(t))
	mem, tab := hostMemory(t), hostTable(t, 1)
	imports := ImportMap{"env": {"m": mem, "t": tab}}
	s := newStore(t, Config{MaxMemoryPages: 4, MaxTableElements: 10})
	inst := instantiate(t, s, mod, imports)
	const fail = 0xFFFFFFFF
	call := func(name string, n uint64, want uint64) {
		t.Helper()
		res, err := inst.Func(name).Call(n)
		if err != nil || res[0] != want {
			t.Fatalf("%s(%d) = %v, %v; want %#x", name, n, res, err, want)
		}
	}
	call("growm", 3, 1)    // 1 -> 4 pages: at the cap
	call("growm", 1, fail) // 5 > 4
	call("growm", 0, 4)
	if mem.Pages() != 4 {
		t.Fatalf("host memory has %d pages, want 4", mem.Pages())
	}
	// The host may grow its memory past the store's cap; the guest still
	// cannot grow it further, but asking for 0 pages answers the size.
	if _, ok := mem.Grow(2); !ok {
		t.Fatal("host Grow(2) failed")
	}
	call("growm", 1, fail)
	call("growm", 0, 6)

	// Table growth by the store's guests counts against the store's
	// budget of 10 elements, which its own tables would share.
	call("growt", 6, 1)    // 1 -> 7 elements, 6 counted
	call("growt", 4, 7)    // 10 counted
	call("growt", 1, fail) // 11 > 10
	call("growt", 0, 11)
	if tab.Len() != 11 {
		t.Fatalf("host table has %d elements, want 11", tab.Len())
	}
	if _, ok := tab.Grow(100, 0); !ok {
		t.Fatal("host Grow(100) failed")
	}
	call("growt", 1, fail)

	// Another store with room grows the same memory within its own caps
	// (and a table of its own: a funcref host table serves one store).
	tab2 := hostTable(t, 1)
	s2 := newStore(t, Config{MaxMemoryPages: 8, MaxTableElements: 1000})
	inst2 := instantiate(t, s2, mod, ImportMap{"env": {"m": mem, "t": tab2}})
	res, err := inst2.Func("growm").Call(2)
	if err != nil || res[0] != 6 {
		t.Fatalf("growm(2) in a store capped at 8 pages = %v, %v; want 6", res, err)
	}
	res, err = inst2.Func("growm").Call(1)
	if err != nil || res[0] != fail {
		t.Fatalf("growm(1) in a store capped at 8 pages, at 8 = %v, %v; want -1", res, err)
	}
	res, err = inst2.Func("growt").Call(1000)
	if err != nil || res[0] != 1 {
		t.Fatalf("growt(1000) in a store budgeted 1000 = %v, %v; want 1", res, err)
	}
	res, err = inst2.Func("growt").Call(1)
	if err != nil || res[0] != fail {
		t.Fatalf("growt(1) past a store's budget = %v, %v; want -1", res, err)
	}
}
