package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// A call's integer result used straight from RAX.
//
// RAX is the emitter's scratch, never allocated, so a call's result was
// always copied from RAX to its register before its use: fib's loop
// added each call's result to its sum with `mov edi, eax; lea r12d,
// [rdi+r12]`. When the only use of the result is the next instruction
// of its block, an integer add, sub, and, or or xor with the other
// operand in a register (or, for add and sub, a constant), the call
// leaves the result in RAX (e.raxHolds) and that instruction reads it
// there: `add r12d, eax`, or a lea when the sum goes to another
// register. Nothing runs between the two but the reloads of values
// saved across the call, which go to allocatable registers, never RAX.

// foldedCallUse returns the value that will read call v's result from
// RAX, or nil when v's result goes to its own location as usual.
func (e *emitter) foldedCallUse(v *ssa.Value) *ssa.Value {
	b := v.Block
	if b == nil || v.Type != ssa.TI32 && v.Type != ssa.TI64 || v.Loc.DefStore || v.Loc.ExitStore {
		return nil
	}
	var w *ssa.Value
	if e.at >= len(b.Values) || b.Values[e.at] != v {
		return nil
	}
	for _, y := range b.Values[e.at+1:] {
		if y.Op != ssa.OpConst && !y.Fused {
			w = y
			break
		}
	}
	if w == nil || w.Type != v.Type || !w.Loc.InReg() || returnedSum(w) {
		return nil
	}
	// Uses is exact from deadCode on (ssa.CheckUses holds the passes after
	// it to that).
	if _, _, ok := e.callFoldForm(w, v); !ok || v.Uses != 1 {
		return nil
	}
	return w
}

// callFoldForm returns how w reads v from RAX: the ALU operation with
// y's register (w's own) as destination, else asm.ALUCmp standing for a
// lea of RAX plus the register or displacement other.
func (e *emitter) callFoldForm(w, v *ssa.Value) (op asm.ALUOp, other *ssa.Value, ok bool) {
	if len(w.Args) != 2 || w.Args[0] == w.Args[1] || w.Args[0] != v && w.Args[1] != v {
		return 0, nil, false
	}
	y := w.Args[0]
	if y == v {
		y = w.Args[1]
	}
	inW := y.Op != ssa.OpConst && !y.Fused && y.Loc.InReg() && y.Loc.Reg == w.Loc.Reg
	switch w.Op {
	case ssa.OpAdd:
		if inW {
			return asm.ALUAdd, y, true
		}
		if y.Op != ssa.OpConst && !y.Fused && y.Loc.InReg() {
			return asm.ALUCmp, y, true
		}
		if _, ok := sumDisp(w, y); ok {
			return asm.ALUCmp, y, true
		}
	case ssa.OpSub:
		if w.Args[1] == v && inW {
			return asm.ALUSub, y, true
		}
		if w.Args[0] == v {
			if _, ok := sumDisp(w, y); ok {
				return asm.ALUCmp, y, true
			}
		}
	case ssa.OpAnd:
		return asm.ALUAnd, y, inW
	case ssa.OpOr:
		return asm.ALUOr, y, inW
	case ssa.OpXor:
		return asm.ALUXor, y, inW
	}
	return 0, nil, false
}

// foldCallResult emits w reading the call result it uses from RAX.
func (e *emitter) foldCallResult(w, v *ssa.Value) {
	op, y, _ := e.callFoldForm(w, v)
	size := memSize(w.Type)
	d := asm.Reg(w.Loc.Reg)
	switch {
	case op != asm.ALUCmp:
		e.a.AluRR(op, size, d, rA)
		e.flagsFor = w // ZF says whether w is zero, as after intBin
	case y.Op == ssa.OpConst:
		disp, _ := sumDisp(w, y)
		e.a.Lea(size, d, asm.M(rA, disp))
	default:
		e.a.Lea(size, d, asm.MI(rA, asm.Reg(y.Loc.Reg), 1, 0))
	}
}
