package codegen_test

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestRotateByConstant runs rotations by constants (a rorx with BMI2 when
// the operand stays live in its own register, rol/ror otherwise), from a
// register and from a stack slot, at both tiers, with and without BMI2.
func TestRotateByConstant(t *testing.T) {
	type tcase struct {
		name string
		i64  bool
		body func(x, y byte) []byte
		want func(a, b uint64) uint64
	}
	var cases []tcase
	for _, n := range []int{1, 7, 13, 25, 31, 32, 63} {
		// rotl(x, n) ^ rotr(x, n) + x + y: x live after both.
		cases = append(cases, tcase{fmt.Sprintf("i32/%d", n), false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x41, byte(n), 0x77, 0x20, x, 0x41, byte(n), 0x78, 0x73, 0x20, x, 0x6a, 0x20, y, 0x6a}
		}, func(a, b uint64) uint64 {
			x := uint32(a)
			return uint64(bits.RotateLeft32(x, n)^bits.RotateLeft32(x, -n)) + a + b
		}})
		cases = append(cases, tcase{fmt.Sprintf("i64/%d", n), true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x42, byte(n), 0x89, 0x20, x, 0x42, byte(n), 0x8a, 0x85, 0x20, x, 0x7c, 0x20, y, 0x7c}
		}, func(a, b uint64) uint64 {
			return (bits.RotateLeft64(a, n) ^ bits.RotateLeft64(a, -n)) + a + b
		}})
	}
	var all []tcase
	for _, c := range cases {
		all = append(all, c)
		all = append(all, tcase{c.name + "/pressure", c.i64, func(x, y byte) []byte { return pressure(c.body(2, 3), c.i64) },
			func(a, b uint64) uint64 {
				r := c.want(a*3+b, a*4+b)
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
	vals := []uint64{0, 1, 0x80000001, 0x12345678, 0xffffffff, 0xff00ff00ff00ff00, 1 << 63}
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	feats := map[string]uint64{"base": base}
	if load.HostFeatures()&object.FeatureBMI2 != 0 {
		feats["bmi2"] = base | object.FeatureBMI2
	} else {
		t.Log("no BMI2 on this host: rorx is not run")
	}
	for fname, feat := range feats {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", fname, opt), func(t *testing.T) {
				obj, err := codegen.Compile(m, codegen.Options{OptLevel: opt, Features: feat})
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
}
