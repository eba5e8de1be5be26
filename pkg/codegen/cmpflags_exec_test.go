package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestComparatorIdiom runs (x > y) - (x < y) and its relatives, whose
// second comparison reuses the first's flags when both compare the same
// operands right after each other, and near misses that must not: other
// operands, swapped operands, a constant operand, an arithmetic value in
// between; in registers and under register pressure, at both tiers.
func TestComparatorIdiom(t *testing.T) {
	b2u := func(c bool) uint64 {
		if c {
			return 1
		}
		return 0
	}
	type tcase struct {
		name string
		i64  bool
		body func(x, y byte) []byte
		want func(a, b uint64) uint64
	}
	cases := []tcase{
		{"i32 gt_s-lt_s", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x4a, 0x20, x, 0x20, y, 0x48, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > int32(b)) - b2u(int32(a) < int32(b)) }},
		{"i32 lt_u-gt_u", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x49, 0x20, x, 0x20, y, 0x4b, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(uint32(a) < uint32(b)) - b2u(uint32(a) > uint32(b)) }},
		{"i32 eq+ne+ge_s", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x46, 0x20, x, 0x20, y, 0x47, 0x6a, 0x20, x, 0x20, y, 0x4e, 0x6a}
		}, func(a, b uint64) uint64 { return b2u(a == b) + b2u(a != b) + b2u(int32(a) >= int32(b)) }},
		{"i32 swapped operands", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x4a, 0x20, y, 0x20, x, 0x4a, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > int32(b)) - b2u(int32(b) > int32(a)) }},
		{"i32 with a constant", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x41, 5, 0x4a, 0x20, x, 0x41, 5, 0x48, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > 5) - b2u(int32(a) < 5) }},
		{"i32 an add between", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x4a, 0x20, x, 0x20, y, 0x6a, 0x20, x, 0x20, y, 0x48, 0x6a, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > int32(b)) - (a + b + b2u(int32(a) < int32(b))) }},
		{"i64 gt_s-lt_s", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x55, 0x20, x, 0x20, y, 0x53, 0x6b, 0xac}
		}, func(a, b uint64) uint64 { return b2u(int64(a) > int64(b)) - b2u(int64(a) < int64(b)) }},
		{"i64 le_u-ge_u", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x58, 0x20, x, 0x20, y, 0x5a, 0x6b, 0xac}
		}, func(a, b uint64) uint64 { return b2u(a <= b) - b2u(a >= b) }},
	}
	var all []tcase
	for _, c := range cases {
		all = append(all, c)
		all = append(all, tcase{c.name + "/pressure", c.i64, func(x, y byte) []byte { return pressure(c.body(2, 3), c.i64) },
			func(a, b uint64) uint64 {
				r := c.want(a*3+b, a*4+b)
				if c.i64 {
					r = uint64(int64(int32(r)))
				}
				for k := uint64(0); k < 16; k++ {
					r += a*(k+3) + b
				}
				return r
			}})
	}
	t32 := wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I32}, Results: []wasm.ValType{wasm.I32}}
	t64 := wasm.FuncType{Params: []wasm.ValType{wasm.I64, wasm.I64}, Results: []wasm.ValType{wasm.I64}}
	m := &wasm.Module{Types: []wasm.FuncType{t32, t64}}
	for i, c := range all {
		typ, vt := uint32(0), wasm.I32
		if c.i64 {
			typ, vt = 1, wasm.I64
		}
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Locals: []wasm.LocalEntry{{Count: 16, Type: vt}}, NumLocals: 16, Body: append(c.body(0, 1), 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: c.name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	vals := []uint64{0, 1, 5, 6, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 63, 1<<63 - 1}
	for _, opt := range []int{0, 2} {
		t.Run(fmt.Sprintf("opt=%d", opt), func(t *testing.T) {
			obj, err := codegen.Compile(m, codegen.Options{OptLevel: opt})
			if err != nil {
				t.Fatal(err)
			}
			inst := instantiate(t, obj)
			for _, c := range all {
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
						} else if !isPressure(c.name) {
							w = uint64(int64(int32(w)))
						}
						if got[0] != w {
							t.Errorf("%s(%#x, %#x) = %#x, want %#x", c.name, a, b, got[0], w)
						}
					}
				}
			}
		})
	}
}

func isPressure(name string) bool { return len(name) > 9 && name[len(name)-9:] == "/pressure" }
