package amd64

import (
	"math"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// signOp lowers neg, abs and copysign as bitwise operations on the XMM
// register against a sign-bit mask from the function's 16-byte pool, as
// gcc and Cranelift do: one xorps or andps (three for copysign) that stays
// in the float domain. The earlier lowering moved the bits through RAX
// and RCX (movq, mov, xor, movq): four instructions, two crossings
// between the register files, ~7 cycles on the value's dependency chain
// where xorps takes 1 (raytrace's ray-sphere test negates b on its
// critical path). Bitwise, so NaN payloads pass through unchanged and no
// float exception or rounding is involved, as wasm requires.
//
// The masks touch the low lane only (the rest of the pool row is zero):
// neg leaves the register's upper bits as they were, abs and copysign
// clear them; no lowering reads a scalar float's upper bits.
func (e *emitter) signOp(v *ssa.Value) {
	sign, abs := uint64(1)<<63, uint64(math.MaxInt64)
	if v.Type == ssa.TF32 {
		sign, abs = 1<<31, 1<<31-1
	}
	switch v.Op {
	case ssa.OpFNeg, ssa.OpFAbs:
		x := e.xmm(v.Args[0], x14)
		d := e.dst(v, x15)
		op, mask := asm.Xorps, sign
		if v.Op == ssa.OpFAbs {
			op, mask = asm.Andps, abs
		}
		e.vbinM(op, d, x, e.vconst(mask, 0))
		e.finish(v, d)
	case ssa.OpFCopysign:
		// y's sign into X14 first: d may be y's register.
		y := e.xmm(v.Args[1], x14)
		e.vbinM(asm.Andps, x14, y, e.vconst(sign, 0))
		x := e.xmm(v.Args[0], x15)
		d := e.dst(v, x15)
		e.vbinM(asm.Andps, d, x, e.vconst(abs, 0))
		if e.avx() {
			e.a.VV(asm.Orps, d, d, x14)
		} else {
			e.a.V(asm.Orps, d, x14)
		}
		e.finish(v, d)
	}
}
