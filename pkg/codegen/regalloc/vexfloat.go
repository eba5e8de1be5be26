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
// needs no move. Two-address code (no AVX) keeps the operand hints, which
// save a copy, but not into such a register (operandHints).

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
// heldForArgs.
func (s *scanner) findBackArgs() []backArg {
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
	if !s.backArgsFound {
		s.backArgs, s.backArgsFound = s.findBackArgs(), true
	}
	var m RegMask
	for _, b := range s.backArgs {
		if b.arg.Start > cur.Start && b.param.Loc.InReg() && b.arg.V.Loc.Reg == ssa.NoReg && b.arg != cur && intersects(b.arg, cur) {
			m |= 1 << uint(b.param.Loc.Reg)
		}
	}
	return m
}

// operandHints returns the operands of v whose registers a two-address
// instruction overwrites without a copy, in the order to try them: the
// first operand, and for a commutative operation the second (the emitter
// swaps them; b is nil otherwise), a parameter first: in a loop a
// parameter's register is where the back edge wants the chain that
// starts here to end (zi' = 2*zr*zi + ci computed in zi's register needs
// no copy on the way).
//
// pick leaves out a float operand's register that a loop parameter holds
// for its back edge's argument (heldForArgs): there the result would save
// the copy before the instruction but cost a move on the back edge, and
// the argument, pushed elsewhere, pushes the next one out in turn:
// Mandelbrot's loop without AVX computed 2*zr into zr's register and
// ended every iteration with a cycle of four movaps (one through a
// scratch register) to put zr, zr^2 and zi^2 back.
func operandHints(v *ssa.Value) (a, b *ssa.Value) {
	a = v.Args[0]
	if len(v.Args) > 1 && ssa.OpInfos[v.Op].Commutative {
		b = v.Args[1]
		if b.Op == ssa.OpParam && a.Op != ssa.OpParam {
			a, b = b, a
		}
		if b == a {
			b = nil
		}
	}
	return a, b
}
