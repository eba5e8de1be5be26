package codegen_test

import (
	"fmt"
	"math"
	"testing"
)

// TestFlagsBlockSelect runs testdata/flags_block_select.wat: a select
// first in its block on a comparison that the block before ended with,
// branching on it. The flags the select finds are the br_if's, not the
// comparison's, so it must test the condition again; both tiers took
// them as the comparison's and picked the wrong arm (found by
// scripts/difftest against wasmtime). Every result is checked against
// what the spec says, in both tiers and both bounds modes.
func TestFlagsBlockSelect(t *testing.T) {
	m := loadWasm(t, "testdata/flags_block_select.wasm")
	f64 := func(v float64) uint64 { return math.Float64bits(v) }
	f32 := func(v float32) uint64 { return uint64(math.Float32bits(v)) }
	tests := []struct {
		fn   string
		x    int64
		want uint64
	}{
		// eqz: x == 0 leaves through the br_if, else select(10, 20, 0).
		{"eqz_f64", 0, f64(-1)},
		{"eqz_f64", 246, f64(20)},
		{"eqz_f64", -1, f64(20)},
		{"eqz_f32", 0, f32(-1)},
		{"eqz_f32", 246, f32(20)},
		{"eqz_i32", 0, math.MaxUint32},
		{"eqz_i32", 246, 20},
		{"eqz_i64", 0, math.MaxUint64},
		{"eqz_i64", 1 << 40, 20},
		// lt: x < 5 leaves, else select(10, 20, 0).
		{"lt_f64", 4, f64(-1)},
		{"lt_f64", 5, f64(20)},
		{"lt_f64", 1 << 40, f64(20)},
		{"lt_i32", -7, math.MaxUint32},
		{"lt_i32", 5, 20},
		{"lt_i32", 6, 20},
	}
	for _, bm := range boundsModes {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", bm.name, opt), func(t *testing.T) {
				opts := bm.opts
				opts.OptLevel = opt
				inst := compileInstance(t, m, opts)
				for _, tc := range tests {
					res, err := inst.Func(tc.fn).Call(uint64(tc.x))
					if err != nil {
						t.Errorf("%s(%d): %v", tc.fn, tc.x, err)
						continue
					}
					if res[0] != tc.want {
						t.Errorf("%s(%d) = %#x, want %#x", tc.fn, tc.x, res[0], tc.want)
					}
				}
			})
		}
	}
}
