package ssa

import (
	"math"

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
func foldAddressAdds(f *Func) {
	idom := dominators(f)
	children := domChildren(f, idom)
	facts := scopedMap[*Value, urange]{m: map[*Value]urange{}}
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
			foldAddress(v, facts.m)
		}
	})
}

// foldAddress folds v's address x ± c into its offset when facts show
// that x ± c does not wrap.
func foldAddress(v *Value, facts map[*Value]urange) {
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
	r := rangeOf(x, facts, rangeDepth)
	off := int64(uint32(v.Aux)) + k
	if int64(r.lo)+k < 0 || int64(r.hi)+k > math.MaxUint32 || off < 0 || off > math.MaxInt32 {
		return
	}
	v.Args[0] = x
	x.Uses++
	a.Uses--
	v.Aux = off
}

// isScalarAccess reports whether v's opcode is a scalar load or store.
func isScalarAccess(v *Value) bool {
	_, ok := wasm.ScalarAccess(wasm.Opcode(v.Aux2))
	return ok
}
