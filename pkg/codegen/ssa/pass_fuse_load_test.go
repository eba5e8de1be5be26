package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func TestLoadFusion(t *testing.T) {
	a, x := []byte{0x20, 0}, []byte{0x20, 1}
	ld := []byte{0x28, 2, 0}  // i32.load
	ld8 := []byte{0x2d, 0, 0} // i32.load8_u
	drop := []byte{0x1a, 0x41, 0}
	tests := []struct {
		name  string
		body  []byte
		fused int // loads that became their consumer's memory operand
	}{
		{"x + [a]", ssatest.Cat(x, a, ld, []byte{0x6a}), 1},
		{"[a] + x (commutative)", ssatest.Cat(a, ld, x, []byte{0x6a}), 1},
		{"x - [a]", ssatest.Cat(x, a, ld, []byte{0x6b}), 1},
		{"[a] - x stays a load", ssatest.Cat(a, ld, x, []byte{0x6b}), 0},
		{"x * [a]", ssatest.Cat(x, a, ld, []byte{0x6c}), 1},
		{"x ^ [a] with a constant between", ssatest.Cat(a, ld, []byte{0x41, 5, 0x73}), 1},
		{"x << [a] has no memory form", ssatest.Cat(x, a, ld, []byte{0x74}), 0},
		{"x / [a] traps on its own", ssatest.Cat(x, a, ld, []byte{0x6d}), 0},
		{"[a] + [a+4]: the second fuses", ssatest.Cat(a, ld, a, []byte{0x28, 2, 4, 0x6a}), 1},
		{"a load used twice stays", ssatest.Cat(a, ld, []byte{0x22, 2, 0x20, 2, 0x6a}), 0},
		{"an extending load stays", ssatest.Cat(x, a, ld8, []byte{0x6a}), 0},
		{"a store between load and use", ssatest.Cat(x, a, ld, a, x, []byte{0x36, 2, 8}, []byte{0x6a}), 0},
		{"a load before an unrelated load and its use", ssatest.Cat(a, ld, []byte{0x21, 2}, x, a, ld, []byte{0x6a, 0x20, 2, 0x6a}), 1},
		{"x & ^[a]: the not is fused into an andn, the load stays", ssatest.Cat(x, a, ld, []byte{0x41, 0x7f, 0x73, 0x71}), 0},
		{"x + [a] dropped is dead code", ssatest.Cat(x, a, ld, []byte{0x6a}, drop), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ssatest.Build(t, ssatest.Module1([]wasm.ValType{wasm.I32, wasm.I32}, ssatest.I32s,
				[]wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, tt.body...))
			n := 0
			for _, b := range f.Blocks {
				for i, v := range b.Values {
					if v.Op != ssa.OpLoad || !v.Fused {
						continue
					}
					n++
					// Its one use is the next value that is not a constant.
					j := i + 1
					for j < len(b.Values) && b.Values[j].Op == ssa.OpConst {
						j++
					}
					if j == len(b.Values) || b.Values[j].Args[0] != v && b.Values[j].Args[1] != v {
						t.Errorf("fused v%d is not right before its user:\n%s", v.ID, f)
					}
				}
			}
			if n != tt.fused {
				t.Errorf("%d fused loads, want %d:\n%s", n, tt.fused, f)
			}
		})
	}
}
