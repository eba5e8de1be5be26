package amd64

import (
	"math"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// selectFused lowers an integer select(x, y, c) whose comparison c (of
// integers, or an ordered one of floats) is fused into it (ssa.fuseSelects) without materializing c as a boolean:
// the compare, then one cmov, sbb or setcc. It reports false when it
// cannot (a spilled result), and the caller materializes c.
//
// A comparison may feed several selects that follow it directly: the
// first emits the cmp, the others find its flags in e.selPrev, so
// everything they emit after the first cmp must leave the flags alone
// (mov, never xor, for constants; cmov; setcc).
func (e *emitter) selectFused(v *ssa.Value) bool {
	a := e.a
	c, x, y := v.Args[0], v.Args[1], v.Args[2]
	if !v.Loc.InReg() {
		return false
	}
	d := asm.Reg(v.Loc.Reg)
	sz := v.Type.Size()
	live := e.selPrev == c // the flags still hold c's comparison
	var cc asm.Cond
	compare := func() {
		if live {
			cc = e.selCond
		} else {
			cc = e.compare(c)
			live = true
		}
	}
	defer func() { e.selFlags, e.selCond = c, cc }()

	if c.Uses == 1 && !live && e.selectConsts(v, d) {
		return true
	}
	// d takes one arm (base), a cmov brings the other in when cc holds:
	// y unless x is already in d, which saves the move.
	base, other, invert := y, x, false
	if isReg(x, d) {
		base, other, invert = x, y, true
	}
	early := !live && !usesReg(c, d) // d can be written before the cmp
	if early && !isReg(base, d) {
		e.load(d, base)
	}
	compare()
	if !early && !isReg(base, d) {
		e.loadKeepFlags(d, base)
	}
	if invert {
		cc = cc.Invert()
	}
	switch {
	case other.Op == ssa.OpConst:
		// RDX is the select's scratch; a comparison operand may have it
		// (its range ends at the cmp), so the constant comes after.
		a.MovRI(64, rD, constBits(other))
		a.CmovccRR(cc, sz, d, rD)
	case spilled(other):
		a.CmovccRM(cc, sz, d, slotMem(other.Loc.Slot))
	default:
		a.CmovccRR(cc, sz, d, asm.Reg(other.Loc.Reg))
	}
	if invert {
		cc = cc.Invert() // the flags answer c, not its inverse
	}
	return true
}

// selectConsts lowers selects of the constants 1 and 0 (the boolean: xor
// d, d before the cmp and setcc after, or setcc and movzx when d is an
// operand of the cmp) and of -1 and 0 (the mask: that negated, or for an
// unsigned < a single sbb d, d). It reports whether v was one of those.
// The flags are gone afterwards (xor, neg): c must have no other select.
func (e *emitter) selectConsts(v *ssa.Value, d asm.Reg) bool {
	a := e.a
	c, x, y := v.Args[0], v.Args[1], v.Args[2]
	if x.Op != ssa.OpConst || y.Op != ssa.OpConst {
		return false
	}
	xs, ys := constBits(x), constBits(y)
	if v.Type == ssa.TI32 {
		xs, ys = int64(int32(xs)), int64(int32(ys))
	}
	invert := false
	switch {
	case (xs == 1 || xs == -1) && ys == 0:
	case xs == 0 && (ys == 1 || ys == -1):
		invert, xs = true, ys
	default:
		return false
	}
	sz := v.Type.Size()
	// cmp sets the carry for unsigned <: sbb d, d is its mask, and not
	// turns that into the mask of >=. intConds predicts compare's
	// condition, to skip the zeroing setcc needs.
	want := intConds[c.Op]
	switch c.Op { // compare answers these after ucomis, operands ordered
	case ssa.OpFGt, ssa.OpFLt:
		want = asm.CondA
	case ssa.OpFGe, ssa.OpFLe:
		want = asm.CondAE
	}
	if invert {
		want = want.Invert()
	}
	carry := xs == -1 && (want == asm.CondB || want == asm.CondAE)
	cc, bumped := asm.Cond(0), false
	if xs == -1 && !carry {
		cc, bumped = e.carryCompare(c)
	}
	zero := !carry && !bumped && !usesReg(c, d)
	if zero {
		a.XorRR(32, d, d)
	}
	if !bumped {
		cc = e.compare(c)
	}
	if invert {
		cc = cc.Invert()
	}
	if xs == -1 && (cc == asm.CondB || cc == asm.CondAE) {
		a.SbbRR(sz, d, d)
		if cc == asm.CondAE {
			a.NotR(sz, d)
		}
		return true
	}
	a.Setcc(cc, d)
	if !zero {
		a.Movzx(32, 8, d, d)
	}
	if xs == -1 {
		a.NegR(sz, d)
	}
	return true
}

// carryCompare emits an unsigned x > K or x <= K, K a constant, as
// x >= K+1 or x < K+1 (cmp with K+1), whose condition is the carry's,
// so that sbb can take its mask; it reports false for other comparisons
// and when K+1 overflows or is no imm32, and emits nothing then.
func (e *emitter) carryCompare(c *ssa.Value) (asm.Cond, bool) {
	if c.Op != ssa.OpGtU && c.Op != ssa.OpLeU || c.Args[1].Op != ssa.OpConst {
		return 0, false
	}
	x := c.Args[0]
	sz := x.Type.Size()
	k := uint64(c.Args[1].Aux)
	if sz == 4 {
		k = uint64(uint32(k))
		if k == math.MaxUint32 {
			return 0, false
		}
	} else if k >= math.MaxInt32 {
		return 0, false
	}
	imm := int32(uint32(k + 1))
	if spilled(x) {
		e.a.CmpMI(sz, slotMem(x.Loc.Slot), imm)
	} else {
		e.a.CmpRI(sz, e.gpr(x, rA), imm)
	}
	if c.Op == ssa.OpGtU {
		return asm.CondAE, true
	}
	return asm.CondB, true
}

// usesReg reports whether comparison c reads register r.
func usesReg(c *ssa.Value, r asm.Reg) bool {
	for _, ca := range c.Args {
		if isReg(ca, r) {
			return true
		}
	}
	return false
}

// constBits is integer constant v's value for a 64-bit mov: an i32's bits
// zero-extended (a 32-bit cmov reads only the low half).
func constBits(v *ssa.Value) int64 {
	if v.Type == ssa.TI32 {
		return int64(uint32(v.Aux))
	}
	return v.Aux
}

// loadKeepFlags loads v into r with a mov, which leaves the flags alone
// where load materializes a zero with xor.
func (e *emitter) loadKeepFlags(r asm.Reg, v *ssa.Value) {
	if v.Op == ssa.OpConst {
		e.a.MovRI(64, r, constBits(v))
		return
	}
	e.emitMove(pmove{dst: regLoc(r), src: valLoc(v), t: v.Type})
}
