package amd64

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// v128.bitselect whose mask is a comparison's result: every byte of the
// mask is 0x00 or 0xFF, so selecting by each byte's top bit (AVX's
// vpblendvb) selects the same bits as and, andn and or. One instruction
// for three, as Cranelift lowers it; the clang -msimd128 idiom for a
// lane-wise ?: (wasm_v128_bitselect(a, b, wasm_i32x4_gt(x, y))).

// laneMask reports whether v's every byte is 0x00 or 0xFF by
// construction: the result of a SIMD comparison.
func laneMask(v *ssa.Value) bool {
	if v.Op != ssa.OpSIMD {
		return false
	}
	// i8x16.eq .. f64x2.ge, and i64x2.eq .. i64x2.ge_s.
	sub := uint32(v.Aux2)
	return 0x23 <= sub && sub <= 0x4C || 0xD6 <= sub && sub <= 0xDB
}

// blendv emits v = bitselect(x1, x2, mask) for a laneMask mask (AVX):
// x1 where the mask is set, x2 elsewhere.
func (e *emitter) blendv(v *ssa.Value) {
	c := e.vop(v.Args[2], s2)
	x1 := e.vop(v.Args[0], s0)
	x2 := e.vop(v.Args[1], s1)
	d := e.dst(v, s0)
	e.a.Vpblendvb(d, x2, x1, c)
	e.finish(v, d)
}
