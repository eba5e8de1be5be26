package amd64

import (
	"math"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// A returned sum computed straight into RAX.
//
// RAX is the emitter's scratch, never allocated, so a function ending in
// `return x + y` computed the sum into some register and then copied it
// to RAX: fib's `add ebx, r12d; mov eax, ebx` on every call. When the
// first result of a return block is an integer add (or a subtraction of
// a constant) defined last in that block and used by nothing else, with
// its operands in registers or constants, the terminator computes it
// with one lea into RAX instead, and the value itself emits nothing.
//
// Defined last: no later instruction of the block can have reused an
// operand's register (a block's only code after its last value is the
// return, which moves the other results to memory first). Used by
// nothing else: a value of a return block can be used only within it.

// returnedSum reports whether v is such a result, computed by the return
// (returnSum) rather than where it stands.
func returnedSum(v *ssa.Value) bool {
	b := v.Block
	if b == nil || b.Kind != ssa.BlockReturn || len(b.Results) == 0 || b.Results[0] != v {
		return false
	}
	if v.Op != ssa.OpAdd && v.Op != ssa.OpSub || v.Type != ssa.TI32 && v.Type != ssa.TI64 || v.Fused {
		return false
	}
	if _, _, ok := sumOperands(v); !ok {
		return false
	}
	for _, r := range b.Results[1:] {
		if r == v {
			return false
		}
	}
	last := true
	for _, w := range b.Values {
		if w == v {
			last = true
			continue
		}
		if w.Op != ssa.OpConst {
			last = false
		}
		for _, a := range w.Args {
			if a == v {
				return false
			}
		}
	}
	return last
}

// sumOperands returns v's operands as a base register and an index
// register (asm.NoReg if none) or a displacement: both in registers, or
// one in a register and a constant added (or subtracted, for OpSub) that
// fits a displacement.
func sumOperands(v *ssa.Value) (base, index asm.Reg, ok bool) {
	x, y := v.Args[0], v.Args[1]
	inReg := func(a *ssa.Value) bool { return a.Op != ssa.OpConst && !a.Fused && a.Loc.InReg() }
	if !inReg(x) {
		if v.Op == ssa.OpSub || !inReg(y) {
			return 0, 0, false
		}
		x, y = y, x
	}
	if inReg(y) && v.Op == ssa.OpAdd {
		return asm.Reg(x.Loc.Reg), asm.Reg(y.Loc.Reg), true
	}
	if _, ok := sumDisp(v, y); ok {
		return asm.Reg(x.Loc.Reg), asm.NoReg, true
	}
	return 0, 0, false
}

// sumDisp is the displacement constant c stands for in sum v.
func sumDisp(v, c *ssa.Value) (int32, bool) {
	if c.Op != ssa.OpConst {
		return 0, false
	}
	if v.Type == ssa.TI32 {
		d := int32(uint32(c.Aux)) // lea's 32-bit result wraps as i32.add does
		if v.Op == ssa.OpSub {
			d = -d
		}
		return d, true
	}
	d := c.Aux
	if v.Op == ssa.OpSub {
		if d == math.MinInt64 {
			return 0, false
		}
		d = -d
	}
	if d < math.MinInt32 || d > math.MaxInt32 {
		return 0, false
	}
	return int32(d), true
}

// returnSum computes returnedSum v into RAX.
func (e *emitter) returnSum(v *ssa.Value) {
	base, index, _ := sumOperands(v)
	size := 32
	if v.Type == ssa.TI64 {
		size = 64
	}
	if index != asm.NoReg {
		e.a.Lea(size, rA, asm.MI(base, index, 1, 0))
		return
	}
	c := v.Args[1]
	if c.Op != ssa.OpConst {
		c = v.Args[0]
	}
	d, _ := sumDisp(v, c)
	e.a.Lea(size, rA, asm.M(base, d))
}
