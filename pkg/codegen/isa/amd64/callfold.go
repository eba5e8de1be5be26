package amd64

import (
	"math"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// A result left in the fixed register its instruction wrote, for the
// next instruction to read there.
//
// RAX and RDX are the emitter's scratch, never allocated, so a call's
// result (RAX), a division's quotient (RAX) or remainder (RDX) and a
// high multiply's product (RDX) were always copied to their register
// before their use: fib's loop added each call's result to its sum with
// `mov edi, eax; lea r12d, [rdi+r12]`, vm's stored a quotient with `mov
// r9, rax; mov [r14+rsi], r9`. When the only use of the result is the
// next instruction of its block, an integer add, sub, and, or or xor
// with the other operand in a register (or, for add and sub, a
// constant), or a store of it as the value without an explicit bounds
// check, the result stays where it is (e.held, e.heldReg) and that
// instruction reads it there: `add r12d, eax`, a lea when the sum goes
// to another register, `mov [r14+rsi], rax`. Nothing runs between the
// two but the reloads of values saved across a call, which go to
// allocatable registers, never RAX or RDX; a guard-mode store's address
// needs at most RCX (memAccess).

// foldedUse returns the value that will read v's result from res, or
// nil when v's result goes to its own location as usual.
func (e *emitter) foldedUse(v *ssa.Value, res asm.Reg) *ssa.Value {
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
	// Uses is exact from deadCode on (ssa.CheckUses holds the passes after
	// it to that).
	if w == nil || v.Uses != 1 {
		return nil
	}
	if heldStore(w, v) {
		return w
	}
	if w.Type != v.Type || !w.Loc.InReg() || returnedSum(w) {
		return nil
	}
	if _, _, ok := e.callFoldForm(w, v); !ok {
		return nil
	}
	return w
}

// heldStore reports whether store w stores v as its value with an
// address whose computation (memAccess) uses neither RAX nor RDX: no
// explicit bounds check, an offset within a displacement.
func heldStore(w, v *ssa.Value) bool {
	return w.Op == ssa.OpStore && len(w.Args) == 2 && w.Args[1] == v && w.Args[0] != v &&
		uint64(uint32(w.Aux)) <= math.MaxInt32
}

// hold leaves v's result in res for the next value when foldedUse finds
// one, and reports whether it did.
func (e *emitter) hold(v *ssa.Value, res asm.Reg) bool {
	w := e.foldedUse(v, res)
	if w == nil {
		return false
	}
	e.held, e.heldUser, e.heldReg = v, w, res
	return true
}

// callFoldForm returns how w reads v from a fixed register: the ALU
// operation with y's register (w's own) as destination, else
// asm.ALUCmp standing for a lea of that register plus the register or
// displacement other.
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

// foldHeld emits w reading the result v it uses from r.
func (e *emitter) foldHeld(w, v *ssa.Value, r asm.Reg) {
	op, y, _ := e.callFoldForm(w, v)
	size := memSize(w.Type)
	d := asm.Reg(w.Loc.Reg)
	switch {
	case op != asm.ALUCmp:
		e.a.AluRR(op, size, d, r)
		e.flagsFor = w // ZF says whether w is zero, as after intBin
	case y.Op == ssa.OpConst:
		disp, _ := sumDisp(w, y)
		e.a.Lea(size, d, asm.M(r, disp))
	default:
		e.a.Lea(size, d, asm.MI(r, asm.Reg(y.Loc.Reg), 1, 0))
	}
}
