package codegen_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// memOutcome is what one call of a function whose first argument is a
// guest address did: its results (up to two), or the wasm offset of the
// out-of-bounds trap it ended in. Comparable, so two builds' outcomes
// compare with !=.
type memOutcome struct {
	res  [2]uint64
	trap bool
	off  uint32
}

// fillMemory stores a*0x9e3779b97f4a7c15^xor at every 8th address a of
// the first 64 KiB through the module's export poke(addr, value), so
// loads read varied, address-dependent values.
func fillMemory(t *testing.T, inst *execute.Instance, xor uint64) {
	t.Helper()
	for a := uint64(0); a < 65536; a += 8 {
		if _, err := inst.Func("poke").Call(a, a*0x9e3779b97f4a7c15^xor); err != nil {
			t.Fatal(err)
		}
	}
}

// callAll calls every named function with every address followed by
// every argument set, keyed "name(addr, args)". A trap other than an
// out-of-bounds access fails the test.
func callAll(t *testing.T, inst *execute.Instance, names []string, addrs []uint64, args [][]uint64) map[string]memOutcome {
	t.Helper()
	out := map[string]memOutcome{}
	for _, name := range names {
		for _, a := range addrs {
			for _, x := range args {
				r, err := inst.Func(name).Call(append([]uint64{a}, x...)...)
				key := fmt.Sprintf("%s(%#x, %#x)", name, a, x)
				var trap *execute.Trap
				switch {
				case errors.As(err, &trap):
					if trap.Code != abi.TrapMemoryOutOfBounds {
						t.Errorf("%s: %v", key, err)
					}
					out[key] = memOutcome{trap: true, off: trap.WasmOffset}
				case err != nil:
					t.Fatalf("%s: %v", key, err)
				default:
					var o memOutcome
					copy(o.res[:], r)
					out[key] = o
				}
			}
		}
	}
	return out
}

// boundsModes are the two ways memory accesses are checked, each with
// the options it needs (guard pages need a reservation), named for
// subtests.
var boundsModes = []struct {
	name string
	opts codegen.Options
}{
	{"explicit", codegen.Options{Bounds: object.BoundsExplicit}},
	{"guard", codegen.Options{Bounds: object.BoundsGuard, MemReserve: codegen.DefaultMemReserve, MemGuard: codegen.DefaultMemGuard}},
}

// accessModule exports one function (param) -> i64 per body, under its
// name, over a one-page memory, and the "poke" function fillMemory
// stores with.
func accessModule(param wasm.ValType, names []string, bodies [][]byte) *wasm.Module {
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{param}, Results: []wasm.ValType{wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
		},
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	for i, body := range bodies {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: names[i], Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	m.Funcs = append(m.Funcs, 1)
	m.Codes = append(m.Codes, wasm.Code{Body: []byte{0x20, 0, 0x20, 1, 0x37, 3, 0, 0x0b}})
	m.Exports = append(m.Exports, wasm.Export{Name: "poke", Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	return m
}

// matchBaseline compiles accessModule's functions (names, bodies; one
// i32 parameter x) at -O 0 and -O 2 in every bounds mode, calls each at
// every x in xs over memory filled by fillMemory, and requires -O 2's
// outcomes (results, traps with their offsets, memory) to be the
// baseline tier's.
func matchBaseline(t *testing.T, names []string, bodies [][]byte, xs []uint64) {
	t.Helper()
	matchBaselineOn(t, accessModule(wasm.I32, names, bodies), names, xs)
}

// matchBaselineOn is matchBaseline for a module of accessModule's shape
// (functions names, one i32 parameter x, a memory filled by fillMemory).
func matchBaselineOn(t *testing.T, m *wasm.Module, names []string, xs []uint64) {
	t.Helper()
	for _, bm := range boundsModes {
		var ref map[string]memOutcome
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", bm.name, opt), func(t *testing.T) {
				opts := bm.opts
				opts.OptLevel = opt
				inst := compileInstance(t, m, opts)
				fillMemory(t, inst, 0)
				got := callAll(t, inst, names, xs, [][]uint64{{}})
				if ref == nil {
					ref = got
					return
				}
				for k, v := range got {
					if ref[k] != v {
						t.Errorf("%s: %+v, the baseline tier %+v", k, v, ref[k])
					}
				}
			})
		}
	}
}

// i32Const is the code of i32.const v.
func i32Const(v int32) []byte { return append([]byte{0x41}, sleb32(v)...) }

// catCode concatenates pieces of code.
func catCode(bs ...[]byte) (r []byte) {
	for _, b := range bs {
		r = append(r, b...)
	}
	return r
}
