package codegen_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
	"golang.org/x/arch/x86/x86asm"
)

// Bodies over an i64 parameter (local 0) for the scalar float ops that
// write only the low element of their result register (sqrt, rounding,
// promote/demote, int-to-float): the emitter breaks their dependency on
// the register's previous value (xorps first, or the AVX form reading
// only the source). The source float stays live after the op (it is
// used again), so the result lands in another register.
var (
	f64Of = []byte{0x20, 0, 0xbf}       // f64.reinterpret_i64 (local 0)
	f32Of = []byte{0x20, 0, 0xa7, 0xbe} // f32.reinterpret_i32 (i32.wrap_i64 (local 0))
	i64F  = []byte{0xbd}                // i64.reinterpret_f64
	i64F3 = []byte{0xbc, 0xad}          // i64.extend_i32_u (i32.reinterpret_f32)
	cat   = func(bs ...[]byte) (r []byte) {
		for _, b := range bs {
			r = append(r, b...)
		}
		return r
	}
)

// falseDepCase computes want from the parameter; ok is false where the
// result is a NaN whose payload only the two builds are compared on.
type falseDepCase struct {
	name string
	body []byte
	want func(a uint64) (r uint64, ok bool)
}

func f64Unary(name string, op byte, f func(float64) float64) falseDepCase {
	// i64.reinterpret(op(x) + x)
	return falseDepCase{name, cat(f64Of, []byte{op}, f64Of, []byte{0xa0}, i64F), func(a uint64) (uint64, bool) {
		x := math.Float64frombits(a)
		r := f(x) + x
		return math.Float64bits(r), !math.IsNaN(r)
	}}
}

func f32Unary(name string, op byte, f func(float64) float64) falseDepCase {
	return falseDepCase{name, cat(f32Of, []byte{op}, f32Of, []byte{0x92}, i64F3), func(a uint64) (uint64, bool) {
		x := math.Float32frombits(uint32(a))
		r := float32(f(float64(x))) + x
		return uint64(math.Float32bits(r)), !math.IsNaN(float64(r))
	}}
}

var falseDepCases = []falseDepCase{
	f64Unary("f64.sqrt", 0x9f, math.Sqrt),
	f32Unary("f32.sqrt", 0x91, math.Sqrt),
	f64Unary("f64.floor", 0x9c, math.Floor),
	f32Unary("f32.ceil", 0x8d, math.Ceil),
	f64Unary("f64.trunc", 0x9d, math.Trunc),
	f32Unary("f32.nearest", 0x90, math.RoundToEven),
	// i64.reinterpret(promote(x)) ^ i64.extend(i32.reinterpret(x + x))
	{"f64.promote_f32", cat(f32Of, []byte{0xbb}, i64F, f32Of, f32Of, []byte{0x92}, i64F3, []byte{0x85}), func(a uint64) (uint64, bool) {
		x := math.Float32frombits(uint32(a))
		return math.Float64bits(float64(x)) ^ uint64(math.Float32bits(x+x)), !math.IsNaN(float64(x))
	}},
	// i64.extend(i32.reinterpret(demote(x))) ^ i64.reinterpret(x + x)
	{"f32.demote_f64", cat(f64Of, []byte{0xb6}, i64F3, f64Of, f64Of, []byte{0xa0}, i64F, []byte{0x85}), func(a uint64) (uint64, bool) {
		x := math.Float64frombits(a)
		return uint64(math.Float32bits(float32(x))) ^ math.Float64bits(x+x), !math.IsNaN(x)
	}},
	{"f64.convert_i64_s", []byte{0x20, 0, 0xb9, 0xbd}, func(a uint64) (uint64, bool) { return math.Float64bits(float64(int64(a))), true }},
	{"f64.convert_i64_u", []byte{0x20, 0, 0xba, 0xbd}, func(a uint64) (uint64, bool) { return math.Float64bits(float64(a)), true }},
	{"f64.convert_i32_s", []byte{0x20, 0, 0xa7, 0xb7, 0xbd}, func(a uint64) (uint64, bool) { return math.Float64bits(float64(int32(a))), true }},
	{"f32.convert_i32_u", []byte{0x20, 0, 0xa7, 0xb3, 0xbc, 0xad}, func(a uint64) (uint64, bool) {
		return uint64(math.Float32bits(float32(uint32(a)))), true
	}},
	{"f32.convert_i64_u", []byte{0x20, 0, 0xb5, 0xbc, 0xad}, func(a uint64) (uint64, bool) {
		return uint64(math.Float32bits(float32(a))), true
	}},
}

// TestFloatFalseDeps runs sqrt, rounding, promote/demote and int-to-float
// conversions whose result register differs from their source, at both
// tiers, with SSE only and (on a host with it) with AVX, whose forms read
// the source for the rest of the register: results must match Go's and,
// for NaN results, each other.
func TestFloatFalseDeps(t *testing.T) {
	i64 := wasm.FuncType{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}}
	m := &wasm.Module{Types: []wasm.FuncType{i64}}
	for i, c := range falseDepCases {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Body: append(c.body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: c.name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	vals := []uint64{0, 1, 1 << 63, 0x3ff8000000000000, 0xbff8000000000000, 0x4004000000000000, 0xc00c000000000000,
		math.Float64bits(2.5), math.Float64bits(-0.5), math.Float64bits(1e300), math.Float64bits(math.Inf(-1)),
		0x7ff8000000000001, 0xfff4000000000000, uint64(math.Float32bits(2.5)), uint64(math.Float32bits(-3.5)),
		uint64(math.Float32bits(float32(math.Inf(1)))), 0x7fc00001, 0xff800001, 0xffffffff, 0x8000000000000001, math.MaxUint64}
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	feats := map[string]uint64{"sse": base}
	if load.HostFeatures()&object.FeatureAVX != 0 {
		feats["avx"] = base | object.FeatureAVX
	} else {
		t.Log("no AVX on this host: the VEX forms are not run")
	}
	results := map[string]uint64{}
	for fname, feat := range feats {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", fname, opt), func(t *testing.T) {
				obj, err := codegen.Compile(m, codegen.Options{OptLevel: opt, Features: feat})
				if err != nil {
					t.Fatal(err)
				}
				if feat&object.FeatureAVX == 0 {
					checkZeroedFirst(t, obj)
				}
				inst := instantiate(t, obj)
				for _, c := range falseDepCases {
					for _, a := range vals {
						got, err := inst.Func(c.name).Call(a)
						if err != nil {
							t.Fatalf("%s: %v", c.name, err)
						}
						if w, ok := c.want(a); ok && got[0] != w {
							t.Errorf("%s(%#x) = %#x, want %#x", c.name, a, got[0], w)
						}
						key := fmt.Sprintf("%s(%#x)", c.name, a)
						if r, seen := results[key]; seen && r != got[0] {
							t.Errorf("%s = %#x, another build gave %#x", key, got[0], r)
						}
						results[key] = got[0]
					}
				}
			})
		}
	}
}

// lowOnly are the SSE instructions that write only the low element of
// their destination and so depend on its previous value.
var lowOnly = map[x86asm.Op]bool{x86asm.SQRTSD: true, x86asm.SQRTSS: true, x86asm.ROUNDSD: true, x86asm.ROUNDSS: true,
	x86asm.CVTSS2SD: true, x86asm.CVTSD2SS: true, x86asm.CVTSI2SD: true, x86asm.CVTSI2SS: true}

// checkZeroedFirst checks, in straight-line order, that every lowOnly
// instruction of obj's functions whose destination is not its source
// writes a register zeroed (xorps r, r) since it was last written.
func checkZeroedFirst(t *testing.T, obj *object.Object) {
	t.Helper()
	for _, f := range obj.Meta.Funcs {
		code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
		zeroed := map[x86asm.Arg]bool{}
		for pc := 0; pc < len(code); {
			in, err := x86asm.Decode(code[pc:], 64)
			if err != nil {
				t.Fatalf("%s+%#x: %v", f.Name, pc, err)
			}
			pc += in.Len
			d := in.Args[0]
			switch {
			case in.Op == x86asm.XORPS && in.Args[1] == d:
				zeroed[d] = true
			case lowOnly[in.Op]:
				if in.Args[1] != d && !zeroed[d] {
					t.Errorf("%s+%#x: %s waits for %v's last writer", f.Name, pc-in.Len, x86asm.IntelSyntax(in, 0, nil), d)
				}
			default:
				if _, ok := d.(x86asm.Reg); ok {
					delete(zeroed, d)
				}
			}
		}
	}
}
