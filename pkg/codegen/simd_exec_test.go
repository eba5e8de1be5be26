package codegen_test

import (
	"encoding/binary"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
)

type i32x4 [4]int32

func (v i32x4) slots() []uint64 {
	var b [16]byte
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
	return []uint64{binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])}
}

func fromSlots(s []uint64) (v i32x4) {
	for i := range v {
		v[i] = int32(uint32(s[i/2] >> (32 * (i % 2))))
	}
	return v
}

func (v i32x4) add(w i32x4) (r i32x4) {
	for i := range v {
		r[i] = v[i] + w[i]
	}
	return r
}

func (v i32x4) mul(w i32x4) (r i32x4) {
	for i := range v {
		r[i] = v[i] * w[i]
	}
	return r
}

func splat(x int32) i32x4 { return i32x4{x, x, x, x} }

// TestSIMDConvention runs testdata/simd_abi.wat (see its comments) in both
// bounds modes against a Go model.
func TestSIMDConvention(t *testing.T) {
	m := loadWasm(t, "testdata/simd_abi.wasm")
	for _, opts := range []codegen.Options{{}, {Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 2 << 30}} {
		obj, err := codegen.Compile(m, opts)
		if err != nil {
			t.Fatal(err)
		}
		if obj.Meta.Features&object.FeatureSSE41 == 0 {
			t.Errorf("a SIMD object does not record SSE4.1 (features %s)", object.FeatureString(obj.Meta.Features))
		}
		inst := instantiate(t, obj)
		call := func(name string, args ...uint64) []uint64 {
			t.Helper()
			res, err := inst.Func(name).Call(args...)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return res
		}
		g := i32x4{1, 2, 3, 4}
		for _, x := range []i32x4{{5, -6, 7, 1 << 30}, {-1, 0, 1, 99}} {
			a := x.add(g)
			s := a.mul(splat(4)).add(x.mul(splat(3)))
			s[0] = a[3]
			g = g.add(x)
			want := s.add(a).add(g)
			if got := fromSlots(call("calls", x.slots()...)); got != want {
				t.Errorf("calls(%v) = %v, want %v", x, got, want)
			}
			if got := fromSlots(call("get_g")); got != g {
				t.Errorf("global = %v, want %v", got, g)
			}
		}
		x := i32x4{3, -8, 1000, 1 << 20}
		var acc i32x4
		for it := 0; it < 3; it++ {
			for k := int32(0); k < 10; k++ {
				acc = acc.add(x.add(splat(k)).mul(x.add(splat(19 - k))))
			}
		}
		if got := fromSlots(call("pressure", x.slots()...)); got != acc {
			t.Errorf("pressure(%v) = %v, want %v", x, got, acc)
		}
		tests := []struct {
			v                              [2]uint64
			any, all8, all16, all32, all64 uint64
		}{
			{[2]uint64{0, 0}, 0, 0, 0, 0, 0},
			{[2]uint64{0, 1 << 63}, 1, 0, 0, 0, 0},
			{[2]uint64{0x0101010101010101, 0x0101010101010101}, 1, 1, 1, 1, 1},
			{[2]uint64{0x0100010001000100, 0x0100010001000100}, 1, 0, 1, 1, 1},
			{[2]uint64{0x0000000100000001, 0x0000000100000001}, 1, 0, 0, 1, 1},
			{[2]uint64{0x0000000000000001, 0x1000000000000000}, 1, 0, 0, 0, 1},
			{[2]uint64{0x0000000000000001, 0}, 1, 0, 0, 0, 0},
		}
		for _, tc := range tests {
			for name, want := range map[string]uint64{"any": tc.any, "all8": tc.all8, "all16": tc.all16, "all32": tc.all32, "all64": tc.all64,
				"none": 1 - tc.any, "notall32": 1 - tc.all32} {
				if got := call(name, tc.v[0], tc.v[1])[0]; got != want {
					t.Errorf("%s(%#x) = %d, want %d", name, tc.v, got, want)
				}
			}
		}
	}
}
