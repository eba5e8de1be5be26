package amd64

import (
	"math"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// An early return taken before the prologue.
//
// A function whose entry block only compares its parameters and branches
// to a return of a parameter or a constant (fib's `if n < 2 return n`,
// a null or bounds test returning a code) needs nothing on that path: no
// frame, no callee-saved registers, no stack check (it calls nothing)
// and no interrupt check (it neither calls nor loops). The compare, the
// branch and the return are emitted once more before `push rbp`, as gcc
// does for fib (`cmp; jbe; mov eax, edi; ret`). fib(40) ran in 0.705× the
// time with it (scripts/ab.sh, 11 runs): half of its calls take that
// path, and push/mov/check/sub/pop around a two-instruction body were
// most of their cost. The function's own branch stays where it was, so
// the other path runs the compare twice.

// fastExit emits the early return before the prologue when the entry
// block has that shape (see above), and reports whether it did.
func (e *emitter) fastExit() bool {
	f := e.f
	b := f.Entry
	if e.opts.Fuel || b.Kind != ssa.BlockIf || len(f.Results) != 1 || f.Results[0].IsFloat() {
		return false
	}
	c := b.Control
	for _, v := range b.Values {
		if v != c && v.Op != ssa.OpConst {
			return false
		}
	}
	regs, _, _ := convention(f.Params)
	x, y, ok := e.exitOperands(c, regs)
	if !ok {
		return false
	}
	for k, s := range b.Succs {
		res, ok := exitResult(s, regs, f)
		if !ok {
			continue
		}
		cond := intConds[c.Op]
		if k == 1 {
			cond = cond.Invert()
		}
		a := e.a
		skip := a.NewLabel()
		size := 32
		if c.Args[0].Type == ssa.TI64 {
			size = 64
		}
		switch {
		case c.Op == ssa.OpEqz:
			a.TestRR(size, x, x)
		case y != asm.NoReg:
			a.CmpRR(size, x, y)
		default:
			a.CmpRI(size, x, constImm(c.Args[1]))
		}
		a.Jcc(cond.Invert(), skip)
		rsize := 32
		if f.Results[0] == ssa.TI64 {
			rsize = 64
		}
		if res.Op == ssa.OpConst {
			a.MovRI(rsize, rA, res.Aux)
		} else {
			a.MovRR(rsize, rA, paramReg(res, regs, f))
		}
		a.Ret()
		a.Bind(skip)
		return true
	}
	return false
}

// exitOperands returns the registers of compare c's operands, both entry
// parameters in registers, or the first one and a constant (y NoReg).
func (e *emitter) exitOperands(c *ssa.Value, regs []asm.Reg) (x, y asm.Reg, ok bool) {
	if c == nil {
		return 0, 0, false
	}
	switch c.Op {
	case ssa.OpEq, ssa.OpNe, ssa.OpLtS, ssa.OpLtU, ssa.OpGtS, ssa.OpGtU,
		ssa.OpLeS, ssa.OpLeU, ssa.OpGeS, ssa.OpGeU:
		if len(c.Args) != 2 {
			return 0, 0, false
		}
	case ssa.OpEqz:
		if len(c.Args) != 1 {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	t := c.Args[0].Type
	if t != ssa.TI32 && t != ssa.TI64 {
		return 0, 0, false
	}
	x = paramReg(c.Args[0], regs, e.f)
	if x == asm.NoReg {
		return 0, 0, false
	}
	if c.Op == ssa.OpEqz {
		return x, asm.NoReg, true
	}
	if o := c.Args[1]; o.Op == ssa.OpConst {
		if t == ssa.TI64 && (o.Aux < math.MinInt32 || o.Aux > math.MaxInt32) {
			return 0, 0, false
		}
		return x, asm.NoReg, true
	}
	y = paramReg(c.Args[1], regs, e.f)
	return x, y, y != asm.NoReg
}

// constImm is an i32 or i64 constant (that fits) as cmp's immediate.
func constImm(c *ssa.Value) int32 {
	if c.Type == ssa.TI32 {
		return int32(uint32(c.Aux))
	}
	return int32(c.Aux)
}

// paramReg is the register entry parameter v arrives in, or NoReg when v
// is not an integer entry parameter in a register.
func paramReg(v *ssa.Value, regs []asm.Reg, f *ssa.Func) asm.Reg {
	if v.Op != ssa.OpArg || v.Type.IsFloat() {
		return asm.NoReg
	}
	// An argument's Aux is its parameter index.
	if i := int(v.Aux); i >= 0 && i < len(f.Args) && f.Args[i] == v {
		return regs[i]
	}
	return asm.NoReg
}

// exitResult returns what edge s's target returns when it is a return
// block with nothing to compute whose one result is an entry parameter in
// a register or a constant.
func exitResult(s ssa.Edge, regs []asm.Reg, f *ssa.Func) (*ssa.Value, bool) {
	r := s.B
	if r.Kind != ssa.BlockReturn || len(r.Results) != 1 {
		return nil, false
	}
	for _, v := range r.Values {
		if v.Op != ssa.OpConst {
			return nil, false
		}
	}
	res := r.Results[0]
	for i, p := range r.Params {
		if p == res {
			if i >= len(s.Args) {
				return nil, false
			}
			res = s.Args[i]
			break
		}
	}
	if res.Op == ssa.OpConst {
		return res, true
	}
	return res, paramReg(res, regs, f) != asm.NoReg
}
