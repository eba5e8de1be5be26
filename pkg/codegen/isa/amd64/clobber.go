package amd64

import (
	"math"

	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// RDX is a scratch register of some lowerings only (division, select,
// br_table, offsets beyond 2 GiB, calls and bulk memory), of no simple
// integer operation and of no move (memory-to-memory moves go through
// RAX or X14, constants to memory are immediate stores), so the
// allocator may hand it out to a value whose ranges hold only
// instructions and terminators whose lowering never writes it: a loop of
// arithmetic can carry a value in it around its back edge. RAX and RCX
// stay pure scratch: every integer operation may load a spilled or
// constant operand into them, or compute a spilled result there.
//
// A constant, and leavesRDX is built on first use: running a compiled
// module must not initialize the compiler (e2e TestRunSONoCompilerInit).
const mayClobber = regalloc.RegMask(1) << rD

// leavesRDX lists the ops whose lowering (every helper it calls, for
// any locations of its operands and result) never writes RDX: integer
// arithmetic (multiplication included: imul leaves RDX alone), shifts and
// rotates (the count goes through RCX), bswap, clz and ctz (not popcnt,
// whose fallback without POPCNT uses RDX), integer and float comparisons,
// wraps and sign extensions, float arithmetic (through X14, X15, the sign
// operations too: emit_sign.go), fuel charges, loads and stores (with
// the exceptions of leavesRDXAt). Any other op is taken to clobber it:
// division, select, conversions, calls, builtins, interrupt checks, call
// results, globals, tables, SIMD.
var leavesRDX = lazy.Value[*[ssa.OpCount]bool]{New: func() *[ssa.OpCount]bool {
	var t [ssa.OpCount]bool
	for _, op := range []ssa.Op{
		ssa.OpConst,
		ssa.OpAdd, ssa.OpSub, ssa.OpAnd, ssa.OpOr, ssa.OpXor, ssa.OpMul,
		ssa.OpShl, ssa.OpShrS, ssa.OpShrU, ssa.OpRotl, ssa.OpRotr,
		ssa.OpBswap, ssa.OpClz, ssa.OpCtz,
		ssa.OpEqz, ssa.OpEq, ssa.OpNe, ssa.OpLtS, ssa.OpLtU, ssa.OpGtS, ssa.OpGtU,
		ssa.OpLeS, ssa.OpLeU, ssa.OpGeS, ssa.OpGeU,
		ssa.OpFEq, ssa.OpFNe, ssa.OpFLt, ssa.OpFGt, ssa.OpFLe, ssa.OpFGe,
		ssa.OpWrap, ssa.OpExtendU, ssa.OpExtendS, ssa.OpExtend8S, ssa.OpExtend16S, ssa.OpExtend32S,
		ssa.OpFAdd, ssa.OpFSub, ssa.OpFMul, ssa.OpFDiv, ssa.OpFMin, ssa.OpFMax,
		ssa.OpFCopysign, ssa.OpFAbs, ssa.OpFNeg,
		ssa.OpFCeil, ssa.OpFFloor, ssa.OpFTrunc, ssa.OpFNearest, ssa.OpFSqrt,
		ssa.OpReinterpret, ssa.OpPromote, ssa.OpDemote,
		ssa.OpFuel,
		ssa.OpLoad, ssa.OpStore,
	} {
		t[op] = true
	}
	return &t
}}

// leavesRDXAt reports whether v's own lowering leaves RDX alone: its op
// is in leavesRDX and, for a memory access (memAccess), the offset fits
// a displacement and the explicit bounds check's memory length is not a
// constant (either would be materialized in RDX).
func leavesRDXAt(v *ssa.Value) bool {
	if !leavesRDX.Get()[v.Op] {
		return false
	}
	var ml *ssa.Value
	switch {
	case v.Op == ssa.OpLoad && len(v.Args) == 2:
		ml = v.Args[1]
	case v.Op == ssa.OpStore && len(v.Args) == 3:
		ml = v.Args[2]
	case v.Op != ssa.OpLoad && v.Op != ssa.OpStore:
		return true
	}
	if v.Aux < 0 && ml == nil {
		return true // a displacement below the base (memAccess)
	}
	return uint64(uint32(v.Aux)) <= math.MaxInt32 && (ml == nil || ml.Op != ssa.OpConst)
}

// Clobbers: RDX, unless v and every value fused into it (a load, a
// comparison, a scaled index, a not), which v's lowering emits, leave it
// alone.
func (RegTarget) Clobbers(f *ssa.Func, v *ssa.Value) regalloc.RegMask {
	if !leavesRDXFused(v) {
		return mayClobber
	}
	return 0
}

func leavesRDXFused(v *ssa.Value) bool {
	if !leavesRDXAt(v) {
		return false
	}
	for _, a := range v.Args {
		if a.Fused && !leavesRDXFused(a) {
			return false
		}
	}
	return true
}

// TermClobbers: RDX for a br_table's jump through its table and for a
// branch on a fused comparison that does not leave RDX alone; edge moves
// and returns use no scratch but RAX and X14, X15.
func (RegTarget) TermClobbers(f *ssa.Func, b *ssa.Block) regalloc.RegMask {
	switch {
	case b.Kind == ssa.BlockBrTable && len(b.Succs) > 1:
		return mayClobber
	case b.Kind == ssa.BlockIf && b.Control != nil && b.Control.Fused && !leavesRDXFused(b.Control):
		return mayClobber
	}
	return 0
}

func (RegTarget) MayClobber(f *ssa.Func) regalloc.RegMask { return mayClobber }
