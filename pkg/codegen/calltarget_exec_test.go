package codegen_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func loadCallTargets(t *testing.T) *wasm.Module { return loadWasm(t, "testdata/calltarget.wasm") }

// TestCallTargets runs testdata/calltarget.wat's call_indirect loops at
// -O 0 (no shared checks) and -O 2, in both bounds modes: results, trap
// codes and trap offsets must be the same, and the memory a loop wrote
// before trapping too. The tables changed inside a loop (table.set,
// table.grow, a host call through the export) must be read again by every
// call: their results are also checked against a model.
func TestCallTargets(t *testing.T) {
	m := loadCallTargets(t)
	// set_loop and host_loop: x = t0(x), then t0 = (n odd ? dbl : inc).
	swapModel := func(n, x uint32) uint64 {
		dbl := false
		for ; n > 0; n-- {
			if dbl {
				x *= 2
			} else {
				x++
			}
			dbl = n&1 != 0
		}
		return uint64(x)
	}
	none := abi.TrapCode(0)
	tests := []struct {
		name string
		args []uint64
		want uint64 // the result when it does not trap
		trap abi.TrapCode
		mem0 uint64 // what the loop stored before returning or trapping
	}{
		{"iter", []uint64{0, 5, 3}, 8, none, 0},
		{"iter", []uint64{1, 5, 3}, 96, none, 0},
		{"iter", []uint64{2, 1, 3}, 0, abi.TrapBadSignature, 0},
		{"iter", []uint64{3, 4, 3}, 0, abi.TrapIndirectCallToNull, 0},
		{"iter", []uint64{4, 4, 3}, 0, abi.TrapUndefinedElement, 0},
		{"iter", []uint64{1 << 31, 4, 3}, 0, abi.TrapUndefinedElement, 0},
		{"iter_store", []uint64{1, 3, 5}, 40, none, 3},
		{"iter_store", []uint64{2, 3, 5}, 0, abi.TrapBadSignature, 1},
		{"iter_store", []uint64{7, 3, 5}, 0, abi.TrapUndefinedElement, 1},
		{"twice", []uint64{0, 1, 10}, 22 + 11 + 12, none, 0},
		{"twice", []uint64{1, 0, 10}, 21 + 20 + 22, none, 0},
		{"twice", []uint64{0, 2, 10}, 0, abi.TrapBadSignature, 0},
		{"twice", []uint64{3, 0, 10}, 0, abi.TrapIndirectCallToNull, 0},
		{"set_loop", []uint64{6, 1}, swapModel(6, 1), none, 0},
		{"grow_loop", []uint64{1, 4, 3}, 3 + 4, none, 0},
		{"grow_loop", []uint64{0, 4, 3}, 3 << 4, none, 0},
		{"grow_loop", []uint64{2, 4, 3}, 0, abi.TrapUndefinedElement, 0}, // element k comes in round k
		{"host_loop", []uint64{6, 1}, swapModel(6, 1), none, 0},
	}
	run := func(t *testing.T, opts codegen.Options, name string, args []uint64) (res uint64, trap *execute.Trap, mem0 uint64) {
		obj, err := codegen.Compile(m, opts)
		if err != nil {
			t.Fatal(err)
		}
		st, err := execute.NewStore(execute.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		swap := execute.NewHostFunc(wasm.FuncType{Params: []wasm.ValType{wasm.I32}}, func(c *execute.Caller, s []uint64) error {
			e, _ := c.Instance().Export("host")
			tab := e.(*execute.Table)
			v, _ := tab.Get(1 + uint32(s[0])&1)
			tab.Set(0, v)
			return nil
		})
		inst, err := st.InstantiateObject(obj, execute.ImportMap{"env": {"swap": swap}})
		if err != nil {
			t.Fatal(err)
		}
		out, err := inst.Func(name).Call(args...)
		if err != nil && !errors.As(err, &trap) {
			t.Fatalf("%s%v: %v", name, args, err)
		}
		if err == nil {
			res = out[0]
		}
		mem, err := inst.Func("mem0").Call()
		if err != nil {
			t.Fatal(err)
		}
		return res, trap, mem[0]
	}
	for _, bounds := range []codegen.Options{{}, {Bounds: object.BoundsGuard, MemReserve: codegen.DefaultMemReserve, MemGuard: codegen.DefaultMemGuard}} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s%v/%v", tc.name, tc.args, bounds.Bounds), func(t *testing.T) {
				o0, o2 := bounds, bounds
				o2.OptLevel = 2
				r0, trap0, mem0 := run(t, o0, tc.name, tc.args)
				r2, trap2, mem2 := run(t, o2, tc.name, tc.args)
				if tc.trap == none {
					if trap0 != nil || trap2 != nil {
						t.Fatalf("traps: -O 0 %v, -O 2 %v", trap0, trap2)
					}
					if r0 != tc.want || r2 != tc.want {
						t.Errorf("-O 0 %d, -O 2 %d, want %d", r0, r2, tc.want)
					}
				} else {
					if trap0 == nil || trap2 == nil || trap0.Code != tc.trap || trap2.Code != tc.trap {
						t.Fatalf("traps: -O 0 %v, -O 2 %v, want %v", trap0, trap2, tc.trap)
					}
					if trap0.WasmOffset != trap2.WasmOffset {
						t.Errorf("trap offsets: -O 0 %#x, -O 2 %#x", trap0.WasmOffset, trap2.WasmOffset)
					}
				}
				if mem0 != tc.mem0 || mem2 != tc.mem0 {
					t.Errorf("memory[0]: -O 0 %d, -O 2 %d, want %d", mem0, mem2, tc.mem0)
				}
			})
		}
	}
}

// TestCallTargetFacts checks which tables frontend.ModuleFacts calls
// constant (testdata/tablefacts.wat has one of each kind of write, and
// immediates holding the bytes of table.set and the 0xfc prefix), and where -O 2 leaves each function's call_indirect checks:
// out of the loop when the header has no effect before the check, in it
// after a store, once for three calls through the same index, and none of
// their own for tables that change.
func TestCallTargetFacts(t *testing.T) {
	m := loadCallTargets(t)
	facts := frontend.ModuleFacts(m)
	if got, want := fmt.Sprint(facts.ConstTable), "[true false false false]"; got != want {
		t.Errorf("calltarget: ConstTable = %s, want %s", got, want)
	}
	// imported, copied from, copied to, filled, initialized, set, read.
	tfm := loadWasm(t, "testdata/tablefacts.wasm")
	tf := frontend.ModuleFacts(tfm)
	if got, want := fmt.Sprint(tf.ConstTable), "[false true false false false false true]"; got != want {
		t.Errorf("tablefacts: ConstTable = %s, want %s", got, want)
	}
	// FixedTable: defined, not exported, never grown (the size the
	// runtime gives it is then exact).
	if got, want := fmt.Sprint(facts.FixedTable), "[true true false false]"; got != want {
		t.Errorf("calltarget: FixedTable = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(tf.FixedTable), "[false true true true true true true]"; got != want {
		t.Errorf("tablefacts: FixedTable = %s, want %s", got, want)
	}
	// The scan that reads only the bodies validation saw write a table
	// (lucetc's and the cache's) must find the same.
	for name, mod := range map[string]*wasm.Module{"calltarget": m, "tablefacts": tfm} {
		info, err := validate.Module(mod, validate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		all, some := frontend.ModuleFacts(mod), frontend.ValidatedFacts(mod, info)
		if fmt.Sprint(some.ConstTable) != fmt.Sprint(all.ConstTable) || fmt.Sprint(some.FixedTable) != fmt.Sprint(all.FixedTable) {
			t.Errorf("%s: ConstTable, FixedTable = %v, %v with the validator's info, %v, %v without", name, some.ConstTable, some.FixedTable, all.ConstTable, all.FixedTable)
		}
	}
	funcs := map[string]uint32{}
	for _, e := range m.Exports {
		if e.Kind == wasm.ExternFunc {
			funcs[e.Name] = e.Index
		}
	}
	tests := []struct {
		name             string
		targets, inBlock int // OpCallTargets, and of them in a block with their call
	}{
		{"iter", 1, 0},
		{"iter_store", 1, 1},
		{"twice", 2, 2}, // f's check serves two calls; f and g differ
		{"set_loop", 0, 0},
		{"grow_loop", 0, 0},
		{"host_loop", 0, 0},
	}
	for _, tc := range tests {
		f, err := frontend.BuildSSAIn(m, funcs[tc.name], &ssa.Options{OptLevel: 2}, nil, facts)
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		targets, inBlock := 0, 0
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == ssa.OpCallTarget {
					targets++
				}
				if v.Op == ssa.OpCallIndirect {
					if x := v.Args[len(v.Args)-1]; x.Op == ssa.OpCallTarget && x.Block == b {
						inBlock++
					}
				}
			}
		}
		if inBlock > targets {
			inBlock = targets
		}
		if targets != tc.targets || inBlock != tc.inBlock {
			t.Errorf("%s: %d checks, %d next to their call; want %d, %d\n%s", tc.name, targets, inBlock, tc.targets, tc.inBlock, f)
		}
	}
}
