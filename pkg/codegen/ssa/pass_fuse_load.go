package ssa

import "github.com/lucet-go/lucet/pkg/wasm"

// fuseLoads marks a load whose one use is the next value of its block
// (constants between them emit nothing) as the memory operand of that
// value: x86's add, sub, and, or, xor, imul, cmp and the scalar SSE
// arithmetic read an operand from memory, so the load takes no register and no
// instruction of its own. Nothing executes between the two, so the access
// happens, and traps, exactly where the wasm load would; the bounds check
// stays the load's. Only the full-width loads whose type is the
// operation's qualify (an extending load has no memory form), and only as
// the second operand of a non-commutative operation, which x86's
// two-address forms read from memory.
func fuseLoads(f *Func) {
	for _, b := range f.Blocks {
		for i, l := range b.Values {
			if l.Op != OpLoad || l.Uses != 1 || l.Fused || !fullWidthLoad(l) {
				continue
			}
			v := nextInstr(b, i)
			if v == nil {
				continue
			}
			// A consumer that is itself fused (the not of an and-not) is
			// no instruction to take the operand.
			if loadOperandOp(v.Op) && !v.Fused && v.Type == l.Type && len(v.Args) == 2 &&
				v.Args[0] != v.Args[1] && !v.Args[0].Fused && !v.Args[1].Fused &&
				(v.Args[1] == l || v.Args[0] == l && OpInfos[v.Op].Commutative) {
				l.Fused = true
			} else if loadCompare(b, v, l) {
				l.Fused = true
			}
		}
	}
}

// loadCompare reports whether integer comparison v, of block b, can read
// load l, its operand, from memory (cmp r, [m]; cmp [m], imm): where the
// comparison is emitted where it stands (materialized), or is its
// block's branch and the block's last value (fuseCompares), so nothing
// runs between the load's place and the access. A comparison fused into
// a select is emitted at the select, later, and keeps its load.
func loadCompare(b *Block, v, l *Value) bool {
	if !IsCompare(v.Op) || l.Type != TI32 && l.Type != TI64 || v.Args[0].Type != l.Type {
		return false
	}
	if v.Fused && (b.Kind != BlockIf || b.Control != v || b.Values[len(b.Values)-1] != v) {
		return false
	}
	if len(v.Args) == 2 && (v.Args[0] == v.Args[1] || v.Args[0].Fused || v.Args[1].Fused) {
		return false
	}
	// The load may be used elsewhere: an edge argument or a later value.
	return v.Args[0] == l || len(v.Args) == 2 && v.Args[1] == l
}

// nextInstr returns the value after b.Values[i] that is an instruction,
// skipping the constants (they emit nothing, rematerialized at their
// uses), or nil at the end of b: what a load fused into it would run
// right before.
func nextInstr(b *Block, i int) *Value {
	for _, v := range b.Values[i+1:] {
		if v.Op != OpConst {
			return v
		}
	}
	return nil
}

// fullWidthLoad reports whether load l reads exactly its value's width.
func fullWidthLoad(l *Value) bool {
	switch wasm.Opcode(l.Aux2) {
	case wasm.OpI32Load:
		return l.Type == TI32
	case wasm.OpI64Load:
		return l.Type == TI64
	case wasm.OpF32Load:
		return l.Type == TF32
	case wasm.OpF64Load:
		return l.Type == TF64
	}
	return false
}

// loadOperandOp reports whether op can read its second operand from
// memory (isa/amd64, emit_load_operand.go).
func loadOperandOp(op Op) bool {
	switch op {
	case OpAdd, OpSub, OpAnd, OpOr, OpXor, OpMul, OpFAdd, OpFSub, OpFMul, OpFDiv:
		return true
	}
	return false
}
