package ssa

import (
	"github.com/lucet-go/lucet/pkg/wasm"
)

// fuseVectorTests lets v128.any_true and iN.all_true that only decide a
// branch (directly or through i32.eqz) set the flags for it (ptest)
// instead of making a 0/1 value to test again, as fuseCompares does for
// scalar comparisons.
func fuseVectorTests(f *Func) {
	for _, b := range f.Blocks {
		c := b.Control
		if b.Kind != BlockIf || c == nil || c.Block != b || c.Uses != 1 {
			continue
		}
		if t := c.Args; c.Op == OpEqz && len(t) == 1 && t[0].Block == b && t[0].Uses == 1 && isVectorTest(t[0]) {
			// if !test: branch on the test with the targets swapped.
			for i, v := range b.Values {
				if v == c {
					b.Values = append(b.Values[:i], b.Values[i+1:]...)
					break
				}
			}
			c.Fused = false
			b.Control = t[0]
			b.Succs[0], b.Succs[1] = b.Succs[1], b.Succs[0]
			c = t[0]
		}
		if !isVectorTest(c) {
			continue
		}
		for i, v := range b.Values {
			if v == c {
				copy(b.Values[i:], b.Values[i+1:])
				b.Values[len(b.Values)-1] = c
				break
			}
		}
		c.Fused = true
	}
}

func isVectorTest(v *Value) bool {
	if v.Op != OpSIMD {
		return false
	}
	switch Fd(uint32(v.Aux2)) {
	case wasm.OpV128AnyTrue, wasm.OpI8x16AllTrue, wasm.OpI16x8AllTrue, wasm.OpI32x4AllTrue, wasm.OpI64x2AllTrue:
		return true
	}
	return false
}
