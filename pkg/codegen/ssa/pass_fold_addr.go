package ssa

import (
	"math"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// foldAddressAdds moves a constant added to (or subtracted from) a load's
// or store's address into the access's offset immediate, where the
// backend's addressing mode adds it for free (x86: [base+index+disp32])
// instead of an add or lea into a register of its own first.
//
// A wasm address is i32.add x, c modulo 2^32, while an offset is added
// without wrapping; the two agree only when x + c does not wrap, so the
// fold needs x's range: rangeOf, with facts from the unsigned compares
// of dominating branches (for i < 4 then a[56*i + 3752]). The new offset
// must stay in [0, 2^31) so it is still a displacement. Explicit bounds
// checks then compare x + offset + size as before, and accesses off one
// base share one check (elimBoundsChecks runs after this pass).
//
// With guard pages an access at x - c, offset 0, becomes [x] with
// displacement -c whatever x's range: the guard below the memory catches
// x < c (abi.MemGuardBelow). nbody's b2->vx after b2->x off one pointer.
//
// An access that did not trap is a fact too (accessFact): its address is
// at most the largest memory (abi.MaxMemPages) less its offset and size,
// so c[j+1] after c[j] folds, and so do the byte loads of an unrolled
// loop after the first.
func foldAddressAdds(f *Func, children domTree) {
	facts := scopedMap[*Value, urange]{m: map[*Value]urange{}}
	below := belowCandidates(f)
	walkScoped(children, f.Entry, &facts, func(b *Block) {
		if len(b.Preds) == 1 {
			if x, r, ok := branchFact(b.Preds[0], b); ok {
				if old, had := facts.m[x]; had {
					r = r.meet(old)
				}
				facts.set(x, r)
			}
		}
		for _, v := range b.Values {
			foldAddress(v, facts.m, below)
			if x, r, ok := accessFact(v); ok {
				if old, had := facts.m[x]; had {
					r = r.meet(old)
				}
				facts.set(x, r)
			}
		}
	})
}

// belowCandidates returns, by value ID, whether x ± c is an address of
// scalar accesses in its own block with offset 0 and no explicit check
// (accesses foldAddress may turn into [x - c] off the guard below the
// memory) and of nothing else. foldAddress folds below the base only
// then, so that x - c dies and x lives no longer than its block already
// needed it: folding some uses keeps x - c and makes x live longer
// beside it, and folding an access in a later block (past a call) makes
// x, not x - c, the value kept across, both of which cost spills where
// registers are short (qsort's v[j - 1] after the comparator's
// call_indirect: 1% more instructions). It reads the Uses fields, which
// only deadCode recounts exactly: a stale count costs at worst a fold
// that was not worth it, never a wrong one. (Tables by ID, not maps:
// the maps were ~0.5% of gobig's compile.)
func belowCandidates(f *Func) []bool {
	var n []int32 // by value ID: the accesses counted
	var cands []*Value
	vb := f.WS.ValueBump()
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if (v.Op == OpLoad || v.Op == OpStore) && v.Aux == 0 && !explicitlyChecked(v) && isScalarAccess(v) {
				if a := v.Args[0]; (a.Op == OpAdd || a.Op == OpSub) && a.Block == b {
					if n == nil {
						n = f.WS.Int32s(int(f.NextID))
					}
					if n[a.ID] == 0 {
						cands = append(Grow(vb, cands, 1), a)
					}
					n[a.ID]++
				}
			}
		}
	}
	if n == nil {
		return nil
	}
	below := f.WS.Bools(int(f.NextID))
	for _, a := range cands {
		below[a.ID] = a.Uses == n[a.ID]
	}
	return below
}

// foldAddress folds v's address x ± c into its offset when facts show
// that x ± c does not wrap, or into a displacement below the base when
// x - c may wrap but every use of x - c can take it (below).
func foldAddress(v *Value, facts map[*Value]urange, below []bool) {
	if (v.Op != OpLoad && v.Op != OpStore) || !isScalarAccess(v) {
		return
	}
	a := v.Args[0]
	if a.Type != TI32 || (a.Op != OpAdd && a.Op != OpSub) {
		return
	}
	x, c := a.Args[0], a.Args[1]
	if a.Op == OpAdd && x.Op == OpConst {
		x, c = c, x
	}
	if c.Op != OpConst || x.Op == OpConst {
		return
	}
	k := int64(int32(c.Aux)) // x + c mod 2^32 is x + k when in [0, 2^32)
	if a.Op == OpSub {
		k = -k
	}
	if v.Aux < 0 {
		return // folded below the base already
	}
	r := rangeOf(x, facts, rangeDepth)
	off := int64(uint32(v.Aux)) + k
	if int(a.ID) < len(below) && below[a.ID] && int64(r.lo)+k < 0 && v.Aux == 0 && k >= -abi.MemGuardBelow && !explicitlyChecked(v) {
		// x - c where x may be below c: [base + x - c] faults in the
		// guard below the memory exactly when x < c, where wasm's
		// address wraps to 2^32 - (c - x), out of bounds as well (see
		// abi.MemGuardBelow). Only with offset 0: with an offset o the
		// access at x - c + o would not fault for x in [c - o, c).
		off = k
	} else if int64(r.lo)+k < 0 || int64(r.hi)+k > math.MaxUint32 || off < 0 || off > math.MaxInt32 {
		return
	}
	v.Args[0] = x
	x.Uses++
	a.Uses--
	v.Aux = off
}

// explicitlyChecked reports whether access v (a load or store) carries
// the memory length for an explicit bounds check, as its last operand: always with object.BoundsExplicit (until
// elimBoundsChecks, after this pass, drops redundant ones), and with
// guard pages for an offset the reservation does not cover; the other
// accesses rely on guard pages, the one below the base included.
func explicitlyChecked(v *Value) bool {
	if v.Op == OpLoad {
		return len(v.Args) == 2
	}
	return len(v.Args) == 3
}

// isScalarAccess reports whether v's opcode is a scalar load or store,
// or a v128 one (accessSize): their offsets and addresses behave alike.
func isScalarAccess(v *Value) bool { return accessSize(v) > 0 }

// accessSize is the number of bytes load or store v reads or writes: a
// scalar access's width, or a v128 access's (v128.load and store 16, the
// extending loads and load64_zero 8, load32_zero 4; the frontend builds
// the splat and lane accesses as scalar ones), 0 for any other opcode.
// Folding a v128 access's x + c is as sound as a scalar one's, and
// matmul_simd's second vector of an unrolled row, at c[j] + 16, is one.
func accessSize(v *Value) int {
	op := wasm.Opcode(v.Aux2)
	if a, ok := wasm.ScalarAccess(op); ok {
		return int(a.Size)
	}
	if op>>16 == wasm.PrefixFD {
		if info, ok := wasm.SIMD(uint32(op & 0xFFFF)); ok && info.Imm == wasm.SIMDImmMemArg {
			return int(info.MemSize)
		}
	}
	return 0
}

// maxMemBytes is the size of the largest memory the runtime creates.
const maxMemBytes = abi.MaxMemPages * wasm.PageSize

// accessFact returns what the scalar access v says of its i32 address x
// to the values after it in its block and in the blocks it dominates:
// they run only if v did not trap, so x + offset + size was at most the
// memory's size, itself at most maxMemBytes. Memories only grow and
// never past maxMemBytes, so the fact holds for every later access of
// any memory. (A trapping v never reaches them: loads and stores are
// effects, kept and not reordered.)
func accessFact(v *Value) (x *Value, r urange, ok bool) {
	if v.Op != OpLoad && v.Op != OpStore {
		return nil, urange{}, false
	}
	// An address used once, by v, has no later x + c to fold: no fact,
	// which keeps the scoped map small (Uses may be stale here, which
	// can only drop a fact).
	size := accessSize(v)
	if size == 0 || v.Args[0].Type != TI32 || v.Args[0].Op == OpConst || v.Aux < 0 || v.Args[0].Uses < 2 {
		return nil, urange{}, false
	}
	end := uint64(uint32(v.Aux)) + uint64(size)
	if end > maxMemBytes {
		return nil, urange{}, false // v always traps; nothing after it runs
	}
	return v.Args[0], urange{0, maxMemBytes - end}, true
}
