package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestDivByConstPass checks which divisions by a constant -O 2 turns into
// multiplications and shifts (pass_divconst.go) and which keep their
// division: by 0 (it traps) and div_s by -1 (INT_MIN / -1 traps).
// TestDivByConst in package codegen checks the values.
func TestDivByConstPass(t *testing.T) {
	i64s := []wasm.ValType{wasm.I64}
	divs := []ssa.Op{ssa.OpDivS, ssa.OpDivU, ssa.OpRemS, ssa.OpRemU}
	tests := []struct {
		name string
		i64  bool
		body []byte
		// want[op] is the number of values with op after optimize.
		want map[ssa.Op]int
	}{
		{"i32 rem_u 7 multiplies", false, []byte{0x20, 0, 0x41, 7, 0x70},
			map[ssa.Op]int{ssa.OpRemU: 0, ssa.OpMul: 2, ssa.OpSub: 1}},
		{"i32 div_u 10 multiplies", false, []byte{0x20, 0, 0x41, 10, 0x6e},
			map[ssa.Op]int{ssa.OpDivU: 0, ssa.OpMul: 1}},
		{"i32 div_s -3 multiplies", false, []byte{0x20, 0, 0x41, 0x7d, 0x6d},
			map[ssa.Op]int{ssa.OpDivS: 0, ssa.OpMul: 1}},
		{"i32 div_u 16 shifts", false, []byte{0x20, 0, 0x41, 16, 0x6e},
			map[ssa.Op]int{ssa.OpDivU: 0, ssa.OpShrU: 1, ssa.OpMul: 0}},
		{"i32 rem_u 16 masks", false, []byte{0x20, 0, 0x41, 16, 0x70},
			map[ssa.Op]int{ssa.OpRemU: 0, ssa.OpAnd: 1, ssa.OpMul: 0}},
		{"i32 div_s 4 shifts", false, []byte{0x20, 0, 0x41, 4, 0x6d},
			map[ssa.Op]int{ssa.OpDivS: 0, ssa.OpShrS: 2, ssa.OpMul: 0}},
		{"i32 div_u 0x80000001 compares", false, []byte{0x20, 0, 0x41, 0x81, 0x80, 0x80, 0x80, 0x78, 0x6e},
			map[ssa.Op]int{ssa.OpDivU: 0, ssa.OpGeU: 1}},
		{"i64 div_u 1000 takes the high half", true, []byte{0x20, 0, 0x42, 0xe8, 0x07, 0x80},
			map[ssa.Op]int{ssa.OpDivU: 0, ssa.OpMulHiU: 1}},
		{"i64 rem_s 7 takes the signed high half", true, []byte{0x20, 0, 0x42, 7, 0x81},
			map[ssa.Op]int{ssa.OpRemS: 0, ssa.OpMulHiS: 1}},
		{"div_u by 1 is x", false, []byte{0x20, 0, 0x41, 1, 0x6e}, map[ssa.Op]int{ssa.OpDivU: 0, ssa.OpMul: 0}},
		{"rem_s by -1 is 0", false, []byte{0x20, 0, 0x41, 0x7f, 0x6f}, map[ssa.Op]int{ssa.OpRemS: 0, ssa.OpMul: 0}},
		{"div_u by 0 traps", false, []byte{0x20, 0, 0x41, 0, 0x6e}, map[ssa.Op]int{ssa.OpDivU: 1}},
		{"rem_s by 0 traps", true, []byte{0x20, 0, 0x42, 0, 0x81}, map[ssa.Op]int{ssa.OpRemS: 1}},
		{"div_s by -1 may overflow", false, []byte{0x20, 0, 0x41, 0x7f, 0x6d}, map[ssa.Op]int{ssa.OpDivS: 1}},
		{"i64 div_s by -1 may overflow", true, []byte{0x20, 0, 0x42, 0x7f, 0x7f}, map[ssa.Op]int{ssa.OpDivS: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := ssatest.I32s
			if tt.i64 {
				sig = i64s
			}
			f := ssatest.Build(t, ssatest.Module1(sig, sig, nil, tt.body...))
			for _, op := range divs {
				if _, ok := tt.want[op]; !ok {
					tt.want[op] = 0
				}
			}
			for op, n := range tt.want {
				if got := ssatest.CountOps(f, op); got != n {
					t.Errorf("%d %s values, want %d:\n%s", got, op, n, f)
				}
			}
		})
	}
}
