package codegen_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFusedCompareLoads runs integer comparisons whose operand is a load
// that -O 2 reads as cmp's memory operand (ssa.fuseLoads, loadCompare):
// the load second or first, against a register, a stack slot (under
// register pressure) or an immediate, eqz, as a branch and as a value, a
// load before a comparison that does not use it, in and out of bounds, in both bounds modes. Results must match the
// baseline tier's, and an out-of-bounds access must trap at the load's
// wasm offset.
func TestFusedCompareLoads(t *testing.T) {
	type kind struct {
		vt        wasm.ValType
		load, eqz byte
		cnst      byte
		first     byte // opcode of eq; the rest follow in the order of names
		typ       uint32
	}
	names := []string{"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"}
	kinds := []kind{
		{wasm.I32, 0x28, 0x45, 0x41, 0x46, 1},
		{wasm.I64, 0x29, 0x50, 0x42, 0x51, 2},
	}
	ld := func(k kind) []byte { return []byte{0x20, 0, k.load, 2, 4} } // [a+4]
	x := []byte{0x20, 1}
	seven := func(k kind) []byte { return []byte{k.cnst, 7} }
	branch := []byte{0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b} // if (result i32) 1 else 2
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, wasm.I32}, Results: []wasm.ValType{wasm.I32}},
			{Params: []wasm.ValType{wasm.I32, wasm.I64}, Results: []wasm.ValType{wasm.I32}},
		},
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	var fns []string
	add := func(name string, typ uint32, locals uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		var le []wasm.LocalEntry
		if locals > 0 {
			le = []wasm.LocalEntry{{Count: locals, Type: wasm.I32}}
		}
		m.Codes = append(m.Codes, wasm.Code{Locals: le, NumLocals: locals, Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
		if typ != 0 {
			fns = append(fns, name)
		}
	}
	add("poke", 0, 0, []byte{0x20, 0, 0x20, 1, 0x37, 3, 0})
	for _, k := range kinds {
		for i, name := range names {
			op := []byte{k.first + byte(i)}
			shapes := map[string][]byte{
				"branch/second":    cat(x, ld(k), op, branch),
				"branch/first":     cat(ld(k), x, op, branch),
				"branch/imm":       cat(ld(k), seven(k), op, branch),
				"branch/imm-first": cat(seven(k), ld(k), op, branch),
				"value/second":     cat(x, ld(k), op),
				"value/first":      cat(ld(k), x, op),
				"value/imm":        cat(ld(k), seven(k), op),
			}
			for s, body := range shapes {
				add(fmt.Sprintf("%s.%s/%s", k.vt, name, s), k.typ, 0, body)
			}
			if k.vt == wasm.I32 {
				// A load right before a comparison that does not use it:
				// it stays a load (its value is the result).
				add(fmt.Sprintf("%s.%s/unrelated", k.vt, name), k.typ, 1,
					cat(ld(k), []byte{0x21, 2}, x, []byte{0x20, 0}, op, []byte{0x04, 0x7f, 0x20, 2, 0x05, 0x41, 2, 0x0b}))
				// Sixteen live locals push x and the address to slots.
				add(fmt.Sprintf("%s.%s/pressure-branch", k.vt, name), k.typ, 16, pressure(cat(x, ld(k), op, branch), false))
				add(fmt.Sprintf("%s.%s/pressure-value", k.vt, name), k.typ, 16, pressure(cat(ld(k), x, op), false))
			}
		}
		add(fmt.Sprintf("%s.eqz/branch", k.vt), k.typ, 0, cat(ld(k), []byte{k.eqz}, branch))
		add(fmt.Sprintf("%s.eqz/value", k.vt), k.typ, 0, cat(ld(k), []byte{k.eqz}))
	}
	// [12] holds 7, [104] 0x80000000 (and -1 above), [204] 0.
	pokes := [][2]uint64{{12, 7}, {104, 0xffffffff80000000}, {204, 0}}
	addrs := []uint64{0, 8, 100, 200, 65524, 65528, 65532, 1 << 31, math.MaxUint32}
	xs := [][]uint64{{0}, {3}, {7}, {0x7fffffff}, {0x80000000}, {0xffffffff}, {0xffffffff80000000}, {0xdeadbeefcafef00d}}
	run := func(t *testing.T, opts codegen.Options) map[string]memOutcome {
		inst := compileInstance(t, m, opts)
		fillMemory(t, inst, 0)
		for _, p := range pokes {
			if _, err := inst.Func("poke").Call(p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		return callAll(t, inst, fns, addrs, xs)
	}
	// At -O 2 every shape fuses its load (the test would pass vacuously
	// otherwise).
	for _, e := range m.Exports {
		if e.Name == "poke" || strings.HasSuffix(e.Name, "/unrelated") {
			continue
		}
		f, err := frontend.BuildSSA(m, e.Index, &ssa.Options{OptLevel: 2})
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		fused := false
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				fused = fused || v.Op == ssa.OpLoad && v.Fused
			}
		}
		if !fused {
			t.Errorf("%s: the load is not fused:\n%s", e.Name, f)
		}
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			opts := bm.opts
			want := run(t, opts)
			opts.OptLevel = 2
			got := run(t, opts)
			traps, trues := 0, 0
			for key, w := range want {
				if g := got[key]; g != w {
					t.Errorf("%s: opt 2 %+v, baseline %+v", key, g, w)
				}
				if w.trap {
					traps++
				} else if w.res[0] == 1 {
					trues++
				}
			}
			// Both outcomes of the comparisons, and traps, were seen.
			if traps == 0 || trues == 0 || trues+traps == len(want) {
				t.Errorf("%d traps, %d true of %d", traps, trues, len(want))
			}
		})
	}
}
