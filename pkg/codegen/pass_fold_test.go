package codegen

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
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
			f := build(t, module1(i32s, i32s, nil, tt.body...))
			for op, n := range tt.want {
				if got := countOps(f, op); got != n {
					t.Errorf("%d %s values, want %d:\n%s", got, op, n, f)
				}
			}
			if tt.check != nil && !tt.check(f) {
				t.Errorf("check failed:\n%s", f)
			}
		})
	}
}

// checkedLoads counts the loads that still carry an explicit bounds check.
func checkedLoads(f *ssa.Func) (checked, all int) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpLoad {
				all++
				if len(v.Args) == 2 {
					checked++
				}
			}
		}
	}
	return checked, all
}

func TestElimBoundsChecks(t *testing.T) {
	load := func(off byte) []byte { return []byte{0x20, 0, 0x28, 2, off, 0x1a} } // drop (i32.load offset=off (local.get 0))
	cat := func(parts ...[]byte) (out []byte) {
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	ifThen := func(body []byte) []byte { return cat([]byte{0x20, 0, 0x04, 0x40}, body, []byte{0x0b}) }
	tests := []struct {
		name         string
		body         []byte
		checked, all int
	}{
		{"dominated by a wider check", cat(load(4), ifThen(load(0))), 1, 2},
		{"dominated by a narrower check", cat(load(0), ifThen(load(4))), 2, 2},
		{"sibling arms do not dominate each other",
			cat([]byte{0x20, 0, 0x04, 0x40}, load(0), []byte{0x05}, load(0), []byte{0x0b}), 2, 2},
		{"a check in an if arm does not cover the join", cat(ifThen(load(0)), load(0)), 2, 2},
		{"an outer check covers a loop body",
			cat(load(0), []byte{0x03, 0x40}, load(0), []byte{0x20, 0, 0x0d, 0, 0x0b}), 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := build(t, module1(i32s, nil, nil, tt.body...))
			if c, a := checkedLoads(f); c != tt.checked || a != tt.all {
				t.Errorf("%d of %d loads checked, want %d of %d:\n%s", c, a, tt.checked, tt.all, f)
			}
		})
	}
	// Guard mode has no checks to remove.
	m := module1(i32s, nil, nil, cat(load(4), ifThen(load(0)))...)
	f, err := frontend.BuildSSA(m, 0, &ssa.Options{Bounds: object.BoundsGuard, MemReserve: DefaultMemReserve, MemGuard: DefaultMemGuard})
	if err != nil {
		t.Fatal(err)
	}
	ssa.Optimize(f, 2)
	if c, _ := checkedLoads(f); c != 0 {
		t.Errorf("guard mode: %d checked loads", c)
	}
}
