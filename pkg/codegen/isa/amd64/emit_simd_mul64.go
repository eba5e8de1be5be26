package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// i64x2MulAVX lowers i64x2.mul without pmullq (AVX-512DQ) as
// lo(x)*lo(y) + (hi(x)*lo(y) + lo(x)*hi(y)) << 32 in AVX's
// three-operand forms, which need none of the SSE sequence's copies. A
// constant factor (the multipliers of hashes and PRNGs: splitmix,
// FNV) is read from the pool, its high halves precomputed, so it takes
// no register, no load and no shift.
func (e *emitter) i64x2MulAVX(v *ssa.Value) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	if x.Op == ssa.OpConst && y.Op != ssa.OpConst {
		x, y = y, x // multiplication commutes
	}
	rx := e.vop(x, s2)
	a.VShiftIV(asm.PsrlqI, s0, rx, 32) // hi(x)
	if y.Op == ssa.OpConst {
		lo, hi := uint64(y.Aux), uint64(y.Aux2)
		ym := e.vconst(lo, hi)
		a.VVM(asm.Pmuludq, s0, s0, ym)                       // hi(x)*lo(y)
		a.VVM(asm.Pmuludq, s1, rx, e.vconst(lo>>32, hi>>32)) // lo(x)*hi(y)
		a.VV(asm.Paddq, s0, s0, s1)
		a.VShiftIV(asm.PsllqI, s0, s0, 32)
		a.VVM(asm.Pmuludq, s1, rx, ym) // lo(x)*lo(y)
	} else {
		ry := e.vop(y, s3)
		a.VV(asm.Pmuludq, s0, s0, ry)      // hi(x)*lo(y)
		a.VShiftIV(asm.PsrlqI, s1, ry, 32) // hi(y)
		a.VV(asm.Pmuludq, s1, s1, rx)      // lo(x)*hi(y)
		a.VV(asm.Paddq, s0, s0, s1)
		a.VShiftIV(asm.PsllqI, s0, s0, 32)
		a.VV(asm.Pmuludq, s1, rx, ry) // lo(x)*lo(y)
	}
	d := e.dst(v, s0)
	a.VV(asm.Paddq, d, s0, s1)
	e.finish(v, d)
}
