package ssa

import (
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Fd is the opcode of the 0xfd-prefixed (SIMD) instruction sub, which
// OpSIMD values carry in Aux2.
func Fd(sub uint32) wasm.Opcode { return wasm.PrefixFD<<16 | wasm.Opcode(sub) }

// FuseVectorLoads marks a v128.load whose one use is the next SIMD
// operation of its block (constants between them emit nothing) as that
// operation's memory operand, where memOperand(v, i) says v's instruction
// can read argument i from unaligned memory (amd64 with AVX: the VEX
// forms; legacy SSE needs 16-byte alignment, which wasm does not
// promise). As with fuseLoads, nothing runs between the two, so the
// access traps where the wasm load would, and the bounds check stays the
// load's.
func FuseVectorLoads(f *Func, memOperand func(v *Value, i int) bool) {
	for _, b := range f.Blocks {
		for i, l := range b.Values {
			if l.Op != OpLoad || l.Type != TV128 || l.Uses != 1 || l.Fused || wasm.Opcode(l.Aux2) != wasm.OpV128Load {
				continue
			}
			v := nextInstr(b, i)
			if v == nil {
				continue
			}
			if v.Op != OpSIMD || v.Fused || len(v.Args) != 2 || v.Args[0] == v.Args[1] || v.Args[0].Fused || v.Args[1].Fused {
				continue
			}
			for k, a := range v.Args {
				if a == l && memOperand(v, k) {
					l.Fused = true
				}
			}
		}
	}
}
