package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func TestGVN(t *testing.T) {
	xx := []byte{0x20, 0, 0x20, 0, 0x6c} // x * x
	add := []byte{0x6a}
	tests := []struct {
		name string
		body []byte
		op   ssa.Op
		want int // values with op after optimize
	}{
		{"a repeat in the same block", ssatest.Cat(xx, xx, add), ssa.OpMul, 1},
		{"commutative operands in either order",
			// local 1 = x + 1; (x * l1) + (l1 * x)
			ssatest.Cat([]byte{0x20, 0, 0x41, 1, 0x6a, 0x21, 1}, []byte{0x20, 0, 0x20, 1, 0x6c, 0x20, 1, 0x20, 0, 0x6c}, add),
			ssa.OpMul, 1},
		{"a dominating value replaces one in an if arm",
			ssatest.Cat(xx, []byte{0x20, 0, 0x04, 0x7f}, xx, []byte{0x05, 0x41, 1, 0x0b}, add), ssa.OpMul, 1},
		{"sibling arms do not dominate each other",
			ssatest.Cat([]byte{0x20, 0, 0x04, 0x7f}, xx, []byte{0x05}, xx, []byte{0x0b}), ssa.OpMul, 2},
		{"loads are not numbered (a store may come between)",
			[]byte{0x20, 0, 0x28, 2, 0, 0x20, 0, 0x28, 2, 0, 0x6a}, ssa.OpLoad, 2},
		{"divisions are not numbered (they trap)",
			[]byte{0x20, 0, 0x20, 0, 0x6d, 0x20, 0, 0x20, 0, 0x6d, 0x6a}, ssa.OpDivS, 2},
		{"different immediates differ",
			[]byte{0x20, 0, 0x41, 3, 0x74, 0x20, 0, 0x41, 4, 0x74, 0x6a}, ssa.OpShl, 2},
	}
	locals := []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ssatest.Build(t, ssatest.Module1(ssatest.I32s, ssatest.I32s, locals, tt.body...))
			if got := ssatest.CountOps(f, tt.op); got != tt.want {
				t.Errorf("%d %s values, want %d:\n%s", got, tt.op, tt.want, f)
			}
		})
	}
}
