package codegen_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSIMDMinMaxAbs runs f32x4/f64x2 min and max and i64x2.abs, whose SSE
// and AVX sequences differ, on the lanes that need their fix-ups (NaNs
// with and without payload and of either sign, zeros of both signs,
// infinities, the most negative i64) against Go models of the spec: min
// and max return a NaN when either lane is one, canonical (only the quiet
// bit of the payload; the sign is free) as every input here is one or
// the sequences canonicalize anyway, and order -0 below +0. SSE and the
// host's features, -O 0 and -O 2.
func TestSIMDMinMaxAbs(t *testing.T) {
	v128 := wasm.V128
	m := &wasm.Module{Types: []wasm.FuncType{
		{Params: []wasm.ValType{v128, v128}, Results: []wasm.ValType{v128}},
		{Params: []wasm.ValType{v128}, Results: []wasm.ValType{v128}},
	}}
	add := func(name string, typ uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	ops := map[string]uint32{"f32x4.min": 0xe8, "f32x4.max": 0xe9, "f64x2.min": 0xf4, "f64x2.max": 0xf5}
	for name, sub := range ops {
		add(name, 0, simdInstr([]byte{0x20, 0, 0x20, 1}, sub))
	}
	add("i64x2.abs", 1, simdInstr([]byte{0x20, 0}, 0xc0))

	f32s := []uint32{0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
		0x7fc00001, 0x7f800001, 0xffbfffff, 0x00000001, 0x80000001, 0x7f7fffff}
	f64s := []uint64{0, 1 << 63, math.Float64bits(1), math.Float64bits(-1), math.Float64bits(math.Inf(1)),
		math.Float64bits(math.Inf(-1)), 0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001,
		0x7ff0000000000001, 0xfff7ffffffffffff, 1, 1<<63 | 1, math.Float64bits(math.MaxFloat64)}
	i64s := []uint64{0, 1, ^uint64(0), 1 << 63, 1<<63 - 1, 1<<63 + 1, 0xFFFFFFFF, 0xFFFFFFFF00000000, 0x80000000}

	// min/max of one lane; nan reports that the result must be a NaN.
	fminmax := func(isMax bool, x, y float64) (r float64, nan bool) {
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			return 0, true
		case x == y && x == 0: // ±0: the sign bits decide
			sx, sy := math.Signbit(x), math.Signbit(y)
			if isMax && sx && sy || !isMax && (sx || sy) {
				return math.Copysign(0, -1), false
			}
			return 0, false
		case isMax:
			return math.Max(x, y), false
		}
		return math.Min(x, y), false
	}
	features := []uint64{0}
	if host := load.HostFeatures(); host&object.FeatureSSE41 != 0 {
		features = append(features, host)
	}
	for _, feat := range features {
		for _, level := range []int{0, 2} {
			t.Run(fmt.Sprintf("features=%#x/O%d", feat, level), func(t *testing.T) {
				inst := compileInstance(t, m, codegen.Options{OptLevel: level, Features: feat})
				call := func(name string, args ...uint64) [2]uint64 {
					t.Helper()
					r, err := inst.Func(name).Call(args...)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					return [2]uint64{r[0], r[1]}
				}
				for _, isMax := range []bool{false, true} {
					op := map[bool]string{false: "min", true: "max"}[isMax]
					// f32x4: lanes x0 x1 x0 x1 against y0 y1 y1 y0.
					for i, x0 := range f32s {
						x1 := f32s[(i+5)%len(f32s)]
						for j, y0 := range f32s {
							y1 := f32s[(j+3)%len(f32s)]
							xs, ys := [4]uint32{x0, x1, x0, x1}, [4]uint32{y0, y1, y1, y0}
							r := call("f32x4."+op, uint64(xs[1])<<32|uint64(xs[0]), uint64(xs[3])<<32|uint64(xs[2]),
								uint64(ys[1])<<32|uint64(ys[0]), uint64(ys[3])<<32|uint64(ys[2]))
							for l := 0; l < 4; l++ {
								got := uint32(r[l/2] >> (32 * (l % 2)))
								want, nan := fminmax(isMax, float64(math.Float32frombits(xs[l])), float64(math.Float32frombits(ys[l])))
								switch {
								case nan && got&0x7fffffff != 0x7fc00000:
									t.Errorf("f32x4.%s(%#x, %#x) lane %d = %#x, want a canonical NaN", op, xs[l], ys[l], l, got)
								case !nan && got != math.Float32bits(float32(want)):
									t.Errorf("f32x4.%s(%#x, %#x) lane %d = %#x, want %#x", op, xs[l], ys[l], l, got, math.Float32bits(float32(want)))
								}
							}
						}
					}
					for i, x0 := range f64s {
						x1 := f64s[(i+5)%len(f64s)]
						for _, y0 := range f64s {
							xs, ys := [2]uint64{x0, x1}, [2]uint64{y0, x0}
							r := call("f64x2."+op, xs[0], xs[1], ys[0], ys[1])
							for l := 0; l < 2; l++ {
								want, nan := fminmax(isMax, math.Float64frombits(xs[l]), math.Float64frombits(ys[l]))
								switch {
								case nan && r[l]&^(1<<63) != 0x7ff8000000000000:
									t.Errorf("f64x2.%s(%#x, %#x) lane %d = %#x, want a canonical NaN", op, xs[l], ys[l], l, r[l])
								case !nan && r[l] != math.Float64bits(want):
									t.Errorf("f64x2.%s(%#x, %#x) lane %d = %#x, want %#x", op, xs[l], ys[l], l, r[l], math.Float64bits(want))
								}
							}
						}
					}
				}
				for i, x0 := range i64s {
					x1 := i64s[(i+1)%len(i64s)]
					r := call("i64x2.abs", x0, x1)
					for l, x := range [2]uint64{x0, x1} {
						want := x
						if int64(x) < 0 {
							want = -x
						}
						if r[l] != want {
							t.Errorf("i64x2.abs lane %d of %#x = %#x, want %#x", l, x, r[l], want)
						}
					}
				}
			})
		}
	}
}
