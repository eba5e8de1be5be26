package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Shifts by a constant count: the count is reduced modulo the lane width
// at compile time and becomes the immediate of psllw/pslld/psllq (and
// the right shifts), instead of mov+and+movd into a scratch register and
// the register form; with AVX the shift writes the result register
// directly (vpsrlq dst, src, imm), with no copy of a source that lives
// on. Hashes and PRNGs (splitmix, xorshift) vectorized by clang are made
// of such shifts.

// constShift is the immediate form of a shift and the lane width wasm
// reduces its count modulo.
type constShift struct {
	size int
	op   asm.VShift
}

// constShifts are the immediate forms of vshift's instructions, built on
// first use (a loaded .so never compiles, so its start-up skips them).
var constShifts = lazy.Value[map[wasm.Opcode]constShift]{New: func() map[wasm.Opcode]constShift {
	return map[wasm.Opcode]constShift{
		wasm.OpI8x16Shl: {8, asm.PsllwI}, wasm.OpI8x16ShrU: {8, asm.PsrlwI}, wasm.OpI8x16ShrS: {8, asm.PsrawI},
		wasm.OpI16x8Shl: {16, asm.PsllwI}, wasm.OpI16x8ShrU: {16, asm.PsrlwI}, wasm.OpI16x8ShrS: {16, asm.PsrawI},
		wasm.OpI32x4Shl: {32, asm.PslldI}, wasm.OpI32x4ShrU: {32, asm.PsrldI}, wasm.OpI32x4ShrS: {32, asm.PsradI},
		wasm.OpI64x2Shl: {64, asm.PsllqI}, wasm.OpI64x2ShrU: {64, asm.PsrlqI}, wasm.OpI64x2ShrS: {64, asm.PsrlqI},
	}
}}

// shiftI emits d = x shifted by n: AVX's three-operand form, or a copy
// of x into d and SSE's two-address form.
func (e *emitter) shiftI(op asm.VShift, d, x asm.Reg, n uint8) {
	if e.avx() {
		e.a.VShiftIV(op, d, x, n)
		return
	}
	if d != x {
		e.a.V(asm.Movaps, d, x)
	}
	e.a.VShiftI(op, d, n)
}

// vbinM emits d = x op [m] (m a 16-byte aligned pool constant, which
// legacy SSE may read too).
func (e *emitter) vbinM(op asm.VecOp, d, x asm.Reg, m asm.Mem) {
	if e.avx() {
		e.a.VVM(op, d, x, m)
		return
	}
	if d != x {
		e.a.V(asm.Movaps, d, x)
	}
	e.a.VM(op, d, m)
}

// vshiftConst lowers shift v when its count is a constant.
func (e *emitter) vshiftConst(v *ssa.Value, op wasm.Opcode) bool {
	s, ok := constShifts.Get()[op]
	if !ok || v.Args[1].Op != ssa.OpConst {
		return false
	}
	n := uint8(uint64(v.Args[1].Aux) & uint64(s.size-1))
	a := e.a
	x := e.vop(v.Args[0], s1)
	d := e.dst(v, s0)
	switch op {
	case wasm.OpI8x16Shl, wasm.OpI8x16ShrU:
		// Words shifted, then each byte masked to the bits that stayed in it.
		mask := uint8(0xFF << n)
		if op == wasm.OpI8x16ShrU {
			mask = 0xFF >> n
		}
		e.shiftI(s.op, d, x, n)
		e.vbinM(asm.Pand, d, d, e.splat8(mask))
	case wasm.OpI8x16ShrS:
		// Each byte widened into the high byte of a word, shifted
		// arithmetically by 8 more, and narrowed back.
		e.v3(asm.Punpcklbw, s0, x, x)
		a.VShiftI(asm.PsrawI, s0, n+8)
		e.v3(asm.Punpckhbw, s2, x, x)
		a.VShiftI(asm.PsrawI, s2, n+8)
		e.v3(asm.Packsswb, d, s0, s2)
	case wasm.OpI64x2ShrS:
		// ((x ^ m) >>u n) - (m >>u n), m the sign bit: both halves constants.
		const m = uint64(1) << 63
		e.vbinM(asm.Pxor, d, x, e.splat64(m))
		a.VShiftI(asm.PsrlqI, d, n)
		e.vbinM(asm.Psubq, d, d, e.splat64(m>>n))
	default:
		e.shiftI(s.op, d, x, n)
	}
	e.finish(v, d)
	return true
}
