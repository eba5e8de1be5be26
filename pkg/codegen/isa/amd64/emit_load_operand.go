package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// fusedLoad returns the load ssa.fuseLoads folded into binary v as its
// memory operand, and v's other operand; nil when there is none.
func fusedLoad(v *ssa.Value) (l, x *ssa.Value) {
	if len(v.Args) != 2 {
		return nil, nil
	}
	for j, a := range v.Args {
		if a.Fused && a.Op == ssa.OpLoad {
			return a, v.Args[1-j]
		}
	}
	return nil, nil
}

// loadOperand returns the address of fused load l, after its bounds check
// (in explicit mode). The instruction that reads it must follow
// guardSite(l) immediately, so a guard-page fault maps to l's trap site.
// The address is in R14, the address register of l (its own or RCX) and
// maybe RDX: the caller must not write those before the access.
func (e *emitter) loadOperand(l *ssa.Value) asm.Mem {
	size := 4
	if l.Type == ssa.TI64 || l.Type == ssa.TF64 {
		size = 8
	}
	return e.memAccess(l, size)
}

// memUses reports whether m reads register r.
func memUses(m asm.Mem, r asm.Reg) bool { return m.Base == r || m.Index == r }

// intBinLoad emits d = x op [m] for an integer operation with a fused
// load. The load's address register may be the one the result takes (its
// last use is the load), and the copy of x into d comes before the access.
// Then a commutative operation loads [m] into d first (the address is read
// before d is written) and applies x to it; another goes through RAX.
func (e *emitter) intBinLoad(v, l, x *ssa.Value, op asm.ALUOp) {
	a := e.a
	m := e.loadOperand(l)
	sz := v.Type.Size()
	d := e.dst(v, rA)
	w := d
	if memUses(m, d) && !isReg(x, d) {
		if ssa.OpInfos[v.Op].Commutative {
			e.loadThenApply(v, l, x, m, d, op)
			return
		}
		w = rA
	}
	e.load(w, x)
	e.guardSite(l)
	if v.Op == ssa.OpMul {
		a.ImulRM(sz, w, m)
	} else {
		a.AluRM(op, sz, w, m)
	}
	if w != d {
		a.MovRR(64, d, w)
	}
	e.finish(v, d)
	if v.Op != ssa.OpMul {
		e.flagsFor = v // ZF says whether v is zero until the next instruction
	}
}

// loadThenApply emits d = [m] op x as a load into d and op with x from
// its location: two instructions where the way through RAX (copy x there,
// op [m], copy to d) takes three.
func (e *emitter) loadThenApply(v, l, x *ssa.Value, m asm.Mem, d asm.Reg, op asm.ALUOp) {
	a := e.a
	sz := v.Type.Size()
	e.guardSite(l)
	a.MovRM(sz, d, m)
	if v.Op != ssa.OpMul {
		e.aluSrc(op, sz, d, x)
		e.finish(v, d)
		e.flagsFor = v
		return
	}
	if imm, ok := imm32(x); ok {
		a.ImulRRI(sz, d, d, imm)
	} else if spilled(x) {
		a.ImulRM(sz, d, slotMem(x.Loc.Slot))
	} else {
		a.ImulRR(sz, d, e.gpr(x, rC))
	}
	e.finish(v, d)
}

// floatBinLoad emits d = x op [m] for a float operation with a fused load
// (XMM registers never address memory, so d cannot clash with m).
func (e *emitter) floatBinLoad(v, l, x *ssa.Value) {
	m := e.loadOperand(l)
	d := e.dst(v, x15)
	if e.avx() {
		rx := e.xmm(x, x14)
		e.guardSite(l)
		e.a.VfloatRRM(avxOps[v.Op], v.Type.Size(), d, rx, m)
		e.finish(v, d)
		return
	}
	_, rm := e.sseOps(v.Op, v.Type)
	e.load(d, x)
	e.guardSite(l)
	rm(d, m)
	e.finish(v, d)
}

var avxOps = [ssa.OpCount]asm.FloatArith{
	ssa.OpFAdd: asm.FAdd, ssa.OpFSub: asm.FSub, ssa.OpFMul: asm.FMul, ssa.OpFDiv: asm.FDiv,
}

// compareLoad emits the cmp of integer comparison c whose operand l is a
// fused load (l nil: c is an eqz of one), y the other operand, and
// returns the condition that holds when c is true. The cmp reads memory
// right after guardSite(l), so a guard-page fault is l's trap.
func (e *emitter) compareLoad(c, l, y *ssa.Value) asm.Cond {
	a := e.a
	if l == nil {
		l = c.Args[0]
	}
	m := e.loadOperand(l)
	sz := l.Type.Size()
	if c.Op == ssa.OpEqz {
		e.guardSite(l)
		a.CmpMI(sz, m, 0)
		return asm.CondE
	}
	cond := intConds[c.Op]
	// cmp r, [m] compares y with the load; cmp [m], imm the load with y.
	loadFirst := c.Args[0] == l
	if imm, ok := imm32(y); ok {
		e.guardSite(l)
		a.CmpMI(sz, m, imm)
		if !loadFirst {
			cond = swapCond(cond)
		}
		return cond
	}
	ry := e.gpr(y, rA) // RAX is free again once the bounds check is done
	e.guardSite(l)
	a.CmpRM(sz, ry, m)
	if loadFirst {
		cond = swapCond(cond)
	}
	return cond
}

// swapCond returns the condition that holds for (y, x) when c holds for
// (x, y).
func swapCond(c asm.Cond) asm.Cond {
	switch c {
	case asm.CondL:
		return asm.CondG
	case asm.CondG:
		return asm.CondL
	case asm.CondLE:
		return asm.CondGE
	case asm.CondGE:
		return asm.CondLE
	case asm.CondB:
		return asm.CondA
	case asm.CondA:
		return asm.CondB
	case asm.CondBE:
		return asm.CondAE
	case asm.CondAE:
		return asm.CondBE
	}
	return c // E, NE
}
