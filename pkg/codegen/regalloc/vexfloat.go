package regalloc

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// With three-operand float arithmetic (ssa.Func.FloatVEX: amd64 with
// AVX), the result of x+y need not take x's register, so the first
// operand's hint, which saves a copy in two-address code, only costs: it
// puts the result where x was, and in a loop x is often a block
// parameter whose register the argument of the back edge (computed
// later) wants. Mandelbrot's loop body computed 2*zr into zr's register,
// the new zr then went elsewhere, and every iteration ended with a cycle
// of four movaps to put the loop's values back (one through a scratch
// register).
//
// So, for float values of such a function, the scan does without that
// hint and tries last the registers that parameters hold for back-edge
// arguments not yet allocated and live at the same time as the value:
// the argument then finds its parameter's register free and the edge
// needs no move.

// vexFloatOp reports whether op's lowering is a three-operand VEX form
// under FloatVEX (isa/amd64 floatBin, floatUnary).
func vexFloatOp(op ssa.Op) bool {
	switch op {
	case ssa.OpFAdd, ssa.OpFSub, ssa.OpFMul, ssa.OpFDiv,
		ssa.OpFSqrt, ssa.OpFCeil, ssa.OpFFloor, ssa.OpFTrunc, ssa.OpFNearest:
		return true
	}
	return false
}

// backArg is a float block parameter and the interval of an argument
// hinted to its register that starts after it (a loop's back edge).
type backArg struct {
	param *ssa.Value
	arg   *interval
}

// findBackArgs lists the back-edge arguments of float parameters, for
// heldForArgs; nil unless f has FloatVEX.
func (s *scanner) findBackArgs() []backArg {
	if !s.f.FloatVEX {
		return nil
	}
	var out []backArg
	ivs := s.ra.Intervals
	for i := range ivs {
		iv := &ivs[i]
		p := s.h.paramOf[iv.V.ID]
		if p == nil || !iv.V.Type.IsFloat() || p.Op != ssa.OpParam {
			continue
		}
		out = append(out, backArg{p, iv})
	}
	return out
}

// heldForArgs is the set of registers that parameters hold for arguments
// still to be allocated (their intervals start after cur's) and that
// intersect cur: cur in such a register would push the argument out of
// it.
func (s *scanner) heldForArgs(cur *interval) RegMask {
	var m RegMask
	for _, b := range s.backArgs {
		if b.arg.Start > cur.Start && b.param.Loc.InReg() && b.arg.V.Loc.Reg == ssa.NoReg && b.arg != cur && intersects(b.arg, cur) {
			m |= 1 << uint(b.param.Loc.Reg)
		}
	}
	return m
}
