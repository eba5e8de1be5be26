package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// binCase is a function of two integer parameters a and b: body computes
// its result from operands in locals x and y (it has 16 more locals of
// the same type), want is what it must return.
type binCase struct {
	name string
	i64  bool
	body func(x, y byte) []byte
	want func(a, b uint64) uint64
}

// withPressure returns cases, each followed by a copy run under register
// pressure (see pressure), where operands and results in stack slots take
// the emitter's memory-operand paths.
func withPressure(cases []binCase) []binCase {
	var all []binCase
	for _, c := range cases {
		all = append(all, c, binCase{c.name + "/pressure", c.i64,
			func(x, y byte) []byte { return pressure(c.body(2, 3), c.i64) },
			func(a, b uint64) uint64 {
				r := c.want(a*3+b, a*4+b)
				for k := uint64(0); k < 16; k++ {
					r += a*(k+3) + b
				}
				return r
			}})
	}
	return all
}

// binModule exports each case as a function under its name.
func binModule(cases []binCase) *wasm.Module {
	t32 := wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I32}, Results: []wasm.ValType{wasm.I32}}
	t64 := wasm.FuncType{Params: []wasm.ValType{wasm.I64, wasm.I64}, Results: []wasm.ValType{wasm.I64}}
	m := &wasm.Module{Types: []wasm.FuncType{t32, t64}}
	for i, c := range cases {
		typ, vt := uint32(0), wasm.I32
		if c.i64 {
			typ, vt = 1, wasm.I64
		}
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Locals: []wasm.LocalEntry{{Count: 16, Type: vt}}, NumLocals: 16, Body: append(c.body(0, 1), 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: c.name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	return m
}

// runBinCases compiles cases with opts and checks each on every pair of
// vals (cut to 32 bits for an i32 case, whose result is compared in 32
// bits too).
func runBinCases(t *testing.T, cases []binCase, opts codegen.Options, vals []uint64) {
	t.Helper()
	inst := compileInstance(t, binModule(cases), opts)
	for _, c := range cases {
		for _, a := range vals {
			for _, b := range vals {
				if !c.i64 {
					a, b = uint64(uint32(a)), uint64(uint32(b))
				}
				got, err := inst.Func(c.name).Call(a, b)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				w := c.want(a, b)
				if !c.i64 {
					got[0], w = uint64(uint32(got[0])), uint64(uint32(w))
				}
				if got[0] != w {
					t.Errorf("%s(%#x, %#x) = %#x, want %#x", c.name, a, b, got[0], w)
				}
			}
		}
	}
}

// sleb32 encodes v as a signed LEB128 (an i32.const immediate).
func sleb32(v int32) []byte { return sleb64(int64(v)) }

// sleb64 encodes v as a signed LEB128 (an i64.const immediate).
func sleb64(v int64) []byte {
	var out []byte
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v == 0 && b&0x40 == 0 || v == -1 && b&0x40 != 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}
