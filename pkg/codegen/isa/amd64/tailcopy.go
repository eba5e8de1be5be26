package amd64

import (
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Return blocks copied into their jumps.
//
// Where several paths meet at a function's return, all but the one laid
// out just before it jump there: fib's loop exit jumped over the n < 2
// block to `add; mov; epilogue; ret`. A return block of at most
// tailCopyMax simple operations is instead emitted again in place of
// such a jump (as gcc's and LLVM's tail duplication do for small
// returns): one instruction, a taken jump, fewer on that path, for the
// copy's bytes (the epilogue: about 10 bytes plus 4 per callee-saved
// register).
//
// The copy runs with the machine in the state the jump would have
// reached the block in: the edge moves are done, and every value keeps
// one location for its whole life, so the code is the block's own. Only
// operations that cannot trap, call or touch memory are copied (no
// sites, stubs or bounds-check facts to duplicate), and the emitter's
// flag facts, which the block's values update, are put back after the
// copy for the code that follows it.
const tailCopyMax = 4

// copyableReturn reports whether t is a return block whose code may be
// emitted again in place of a jump to it.
func copyableReturn(t *ssa.Block) bool {
	if t.Kind != ssa.BlockReturn {
		return false
	}
	n := 0
	for _, v := range t.Values {
		if v.Op == ssa.OpConst {
			continue
		}
		if n++; n > tailCopyMax || !copyableValue(v) {
			return false
		}
	}
	return true
}

// copyableValue reports whether v, and every value fused into it, is an
// operation whose lowering has no side effect but registers and flags.
func copyableValue(v *ssa.Value) bool {
	if !copyableOp(v.Op) {
		return false
	}
	for _, a := range v.Args {
		if a.Fused && a.Op != ssa.OpConst && !copyableValue(a) {
			return false
		}
	}
	return true
}

func copyableOp(op ssa.Op) bool {
	switch op {
	case ssa.OpConst, ssa.OpArg, ssa.OpParam,
		ssa.OpAdd, ssa.OpSub, ssa.OpAnd, ssa.OpOr, ssa.OpXor, ssa.OpMul,
		ssa.OpShl, ssa.OpShrS, ssa.OpShrU, ssa.OpRotl, ssa.OpRotr,
		ssa.OpEqz, ssa.OpEq, ssa.OpNe, ssa.OpLtS, ssa.OpLtU, ssa.OpGtS, ssa.OpGtU,
		ssa.OpLeS, ssa.OpLeU, ssa.OpGeS, ssa.OpGeU,
		ssa.OpWrap, ssa.OpExtendU, ssa.OpExtendS, ssa.OpExtend8S, ssa.OpExtend16S, ssa.OpExtend32S,
		ssa.OpFAdd, ssa.OpFSub, ssa.OpFMul, ssa.OpFNeg, ssa.OpFAbs,
		ssa.OpReinterpret, ssa.OpPromote, ssa.OpDemote:
		return true
	}
	return false
}

// copyReturn emits return block t in place of a jump to it, when t is
// small enough (copyableReturn), and reports whether it did.
func (e *emitter) copyReturn(t *ssa.Block) bool {
	// A copy would skip t's saves or stores (blockWork).
	if !copyableReturn(t) || e.blockWork(t) {
		return false
	}
	flags, cmp, cmpPrev := e.flagsFor, e.cmpFlags, e.prevCmp
	sel, selPrev, bl, blPrev := e.selFlags, e.selPrev, e.boolFlags, e.boolPrev
	for _, p := range t.Params {
		e.spillAtDef(p)
	}
	at := e.at
	defer func() { e.at = at }()
	for k, v := range t.Values {
		start := e.a.Len()
		e.at = k // narrow.go and callfold.go read it
		if err := e.value(v); err != nil {
			// The same error comes again where t itself is emitted.
			return true
		}
		if emitTrace != nil && e.a.Len() > start {
			e.values = append(e.values, valueSpan{v, start, e.a.Len()})
		}
	}
	e.terminator(t)
	e.flagsFor, e.cmpFlags, e.prevCmp = flags, cmp, cmpPrev
	e.selFlags, e.selPrev, e.boolFlags, e.boolPrev = sel, selPrev, bl, blPrev
	return true
}
