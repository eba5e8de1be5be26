package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// constsWith counts the constants of f holding bits.
func constsWith(f *ssa.Func, bits int64) int {
	n := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpConst && v.Aux == bits {
				n++
			}
		}
	}
	return n
}

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		// want[op] is the number of values with op after optimize.
		want  map[ssa.Op]int
		check func(f *ssa.Func) bool
	}{
		{"eqz of a compare is the inverse compare",
			[]byte{0x20, 0, 0x41, 5, 0x46, 0x45}, // (x == 5) == 0
			map[ssa.Op]int{ssa.OpEqz: 0, ssa.OpEq: 0, ssa.OpNe: 1}, nil},
		{"eqz of eqz of a compare is the compare",
			[]byte{0x20, 0, 0x41, 5, 0x48, 0x45, 0x45}, // lt_s, eqz, eqz
			map[ssa.Op]int{ssa.OpEqz: 0, ssa.OpLtS: 1, ssa.OpGeS: 0}, nil},
		{"eqz of eqz of a non-compare is x != 0",
			[]byte{0x20, 0, 0x45, 0x45}, // eqz, eqz
			map[ssa.Op]int{ssa.OpEqz: 0, ssa.OpNe: 1}, func(f *ssa.Func) bool { return constsWith(f, 0) == 1 }},
		{"eqz looks through an extension to i64",
			[]byte{0x20, 0, 0xad, 0x50}, // i64.eqz (i64.extend_i32_u x)
			map[ssa.Op]int{ssa.OpEqz: 1, ssa.OpExtendU: 0}, nil},
		{"eqz of an extended compare is the inverse compare (Go's booleans)",
			[]byte{0x20, 0, 0x41, 5, 0x48, 0xad, 0x50}, // i64.eqz (i64.extend_i32_u (x <s 5))
			map[ssa.Op]int{ssa.OpEqz: 0, ssa.OpExtendU: 0, ssa.OpLtS: 0, ssa.OpGeS: 1}, nil},
		{"eqz of a sign-extended eqz is != 0",
			[]byte{0x20, 0, 0x45, 0xac, 0x50}, // i64.eqz (i64.extend_i32_s (eqz x))
			map[ssa.Op]int{ssa.OpEqz: 0, ssa.OpExtendS: 0, ssa.OpNe: 1}, nil},
		{"constants fold with i32 wrap-around",
			[]byte{0x41, 0x7f, 0x41, 2, 0x6a}, // -1 + 2
			map[ssa.Op]int{ssa.OpAdd: 0}, func(f *ssa.Func) bool { return constsWith(f, 1) == 1 }},
		{"signed compare of constants",
			[]byte{0x41, 0x7f, 0x41, 1, 0x48}, // -1 <s 1
			map[ssa.Op]int{ssa.OpLtS: 0}, func(f *ssa.Func) bool { return constsWith(f, 1) == 1 }},
		{"x + 0 is x",
			[]byte{0x20, 0, 0x41, 0, 0x6a},
			map[ssa.Op]int{ssa.OpAdd: 0}, func(f *ssa.Func) bool { return f.Blocks[len(f.Blocks)-1].Results[0].Op == ssa.OpArg }},
		{"x & -1 is x", []byte{0x20, 0, 0x41, 0x7f, 0x71}, map[ssa.Op]int{ssa.OpAnd: 0}, nil},
		{"x << 32 is x (count mod 32)", []byte{0x20, 0, 0x41, 32, 0x74}, map[ssa.Op]int{ssa.OpShl: 0}, nil},
		{"8 * x is x << 3",
			[]byte{0x41, 8, 0x20, 0, 0x6c},
			map[ssa.Op]int{ssa.OpMul: 0, ssa.OpShl: 1}, func(f *ssa.Func) bool { return constsWith(f, 3) == 1 }},
		{"x * 6 stays a multiplication", []byte{0x20, 0, 0x41, 6, 0x6c}, map[ssa.Op]int{ssa.OpMul: 1, ssa.OpShl: 0}, nil},
		{"x - 0 folds, 0 - x does not", []byte{0x41, 0, 0x20, 0, 0x6b, 0x41, 0, 0x6b}, map[ssa.Op]int{ssa.OpSub: 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ssatest.Build(t, ssatest.Module1(ssatest.I32s, ssatest.I32s, nil, tt.body...))
			for op, n := range tt.want {
				if got := ssatest.CountOps(f, op); got != n {
					t.Errorf("%d %s values, want %d:\n%s", got, op, n, f)
				}
			}
			if tt.check != nil && !tt.check(f) {
				t.Errorf("check failed:\n%s", f)
			}
		})
	}
}
