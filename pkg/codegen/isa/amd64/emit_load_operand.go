package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
)

// fusedLoad returns the load ssa.fuseLoads folded into v as its memory
// operand, and v's other operand; nil when there is none.
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
// last use is the load), and the copy of x into d comes before the access:
// then the operation goes through RAX.
func (e *emitter) intBinLoad(v, l, x *ssa.Value, op asm.ALUOp) {
	a := e.a
	m := e.loadOperand(l)
	sz := v.Type.Size()
	d := e.dst(v, rA)
	w := d
	if memUses(m, d) && !isReg(x, d) {
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

// floatBinLoad emits d = x op [m] for a float operation with a fused load
// (XMM registers never address memory, so d cannot clash with m).
func (e *emitter) floatBinLoad(v, l, x *ssa.Value) {
	m := e.loadOperand(l)
	d := e.dst(v, x15)
	if e.opts.Features&object.FeatureAVX != 0 {
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
