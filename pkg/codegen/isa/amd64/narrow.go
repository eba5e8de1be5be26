package amd64

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// i64 arithmetic only wrapped to i32, done in 32 bits.
//
// Go's wasm port computes addresses in i64 and wraps them to i32 at each
// access: `add $0x10, %rdi; mov %edi, %edi` (gobig has some 50,000 such
// self-moves). The low 32 bits of an add, sub, mul, and, or or xor
// depend only on the low 32 bits of its operands, and the 32-bit form of
// the instruction zeroes the upper half, so when the wrap is the i64
// operation's only use the operation is emitted in 32 bits and the wrap,
// in the same register, is nothing: `add $0x10, %edi`.
//
// The wrap must come right after the operation in its block: both ends
// then recognize the pair from the block index of the value being
// emitted (e.at), with no table. An operation with a fused load keeps
// its width: the load is read at its own size (guard-page faults). A
// scaled add (fuseScaledAdds: lea c(z, y, 2^k), k at most 3) narrows
// like any add.

// narrowOps are the i64 operations whose low 32 bits depend only on
// their operands' low 32 bits.
var narrowOps = [ssa.OpCount]bool{
	ssa.OpAdd: true, ssa.OpSub: true, ssa.OpMul: true,
	ssa.OpAnd: true, ssa.OpOr: true, ssa.OpXor: true,
}

// narrowable reports whether v is an i64 operation of narrowOps whose
// only use is w, a wrap, with no fused operand but a scaled add's.
func narrowable(v, w *ssa.Value) bool {
	if v.Type != ssa.TI64 || !narrowOps[v.Op] || v.Uses != 1 || w.Op != ssa.OpWrap || w.Args[0] != v {
		return false
	}
	for _, a := range v.Args {
		if a.Fused && (v.Op != ssa.OpAdd || a.Op != ssa.OpShl && a.Op != ssa.OpAdd) {
			return false
		}
	}
	return true
}

// narrowed reports whether v, being emitted, is computed in 32 bits
// because the value after it in its block is its only use, a wrap.
func (e *emitter) narrowed(v *ssa.Value) bool {
	b := v.Block
	if b == nil || e.at+1 >= len(b.Values) || b.Values[e.at] != v {
		return false
	}
	return narrowable(v, b.Values[e.at+1])
}

// wrapsNarrowed reports whether wrap w, being emitted, wraps the value
// emitted just before it in 32 bits (narrowed), whose register then
// holds w already.
func (e *emitter) wrapsNarrowed(w *ssa.Value) bool {
	b := w.Block
	if b == nil || e.at < 1 || e.at >= len(b.Values) || b.Values[e.at] != w {
		return false
	}
	return b.Values[e.at-1] == w.Args[0] && narrowable(w.Args[0], w)
}
