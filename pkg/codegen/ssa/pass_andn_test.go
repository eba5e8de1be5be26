package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func TestFuseAndNot(t *testing.T) {
	not := []byte{0x41, 0x7f, 0x73} // i32.const -1; i32.xor
	x, y := []byte{0x20, 0}, []byte{0x20, 1}
	tests := []struct {
		name  string
		body  []byte
		fused int // xor values fused into their and
	}{
		{"x & ^y", ssatest.Cat(x, y, not, []byte{0x71}), 1},
		{"^y & x", ssatest.Cat(y, not, x, []byte{0x71}), 1},
		{"^y used twice stays a value", ssatest.Cat(y, not, []byte{0x22, 1}, x, []byte{0x71, 0x20, 1, 0x6a}), 0},
		{"xor with another constant is no not", ssatest.Cat(x, y, []byte{0x41, 0x7e, 0x73, 0x71}), 0},
		{"^y & constant keeps its xor", ssatest.Cat(y, not, []byte{0x41, 0x0f, 0x71}), 0},
		{"the not moves down past other values to its and",
			ssatest.Cat(y, not, []byte{0x21, 1, 0x20, 0, 0x20, 0, 0x6c, 0x20, 1, 0x71}), 1},
	}
	params := []wasm.ValType{wasm.I32, wasm.I32}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ssatest.Build(t, ssatest.Module1(params, ssatest.I32s, nil, tt.body...))
			n := 0
			for _, b := range f.Blocks {
				for i, v := range b.Values {
					if v.Op != ssa.OpXor || !v.Fused {
						continue
					}
					n++
					// The and that reads it comes right after it.
					if i+1 >= len(b.Values) || b.Values[i+1].Op != ssa.OpAnd ||
						b.Values[i+1].Args[0] != v && b.Values[i+1].Args[1] != v {
						t.Errorf("fused v%d is not right before its and:\n%s", v.ID, f)
					}
				}
			}
			if n != tt.fused {
				t.Errorf("%d fused nots, want %d:\n%s", n, tt.fused, f)
			}
		})
	}
}
