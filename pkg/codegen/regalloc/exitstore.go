package regalloc

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// Stores at loop exits.
//
// A value in a caller-saved register live across a call is stored to its
// slot once, where it is defined (Loc.DefStore), and reloaded after each
// call. When it is defined in a loop and every call it is live across
// lies outside that loop (at a smaller loop depth than its definition),
// the store at the definition runs every iteration for a slot that is
// read only after the loop: raytrace's hit() stored its best index each
// round for the calls made after the loop. Such a value is stored instead
// at the top of each block it is live into that is shallower than its
// definition and entered from the deep region: the blocks reached from the
// definition's through blocks at least as deep with the value live in (a
// loop exit; Loc.ExitStore, Result.ExitStores).
//
// That is enough: on any path from the definition to a call the value is
// live across, the value is live throughout (SSA: it is not defined again
// before the call without the call's slot read being of that newer
// definition, whose path is the suffix from it), and the path goes from
// the definition's depth to the call's smaller one; its first step out of
// the deep region enters a shallower block that stores the value, before
// the call or at the top of the call's block, and the value does not
// change after. A store block may run on paths that need no store: it
// stores the register the value is in there, which is harmless. Interrupt checks (whose slow path
// saves registers itself) save such a value on their slow path as they do
// any value not stored at its definition.

// ExitStores returns the values to store to their slots at the top of b
// (Loc.ExitStore).
func (ra *Result) ExitStores(b *ssa.Block) []*ssa.Value {
	if int(b.ID) >= len(ra.exitStores) {
		return nil
	}
	return ra.exitStores[b.ID]
}

// sinkDefStores moves the stores at definition of the values defined in a
// loop and live across calls only outside it to the loop's exits (see
// above). It runs after assignSlots.
func (ra *Result) sinkDefStores(f *ssa.Func) {
	if len(ra.callPos) == 0 {
		return
	}
	var blocks, work []*ssa.Block // store blocks of the value at hand, walk
	var mark []int32              // interval index + 1 of the walk that saw a block
	for i := range ra.Intervals {
		iv := &ra.Intervals[i]
		v := iv.V
		if !v.Loc.InReg() || !v.Loc.DefStore || v.Block == nil || v.Block.LoopDepth == 0 {
			continue
		}
		d := v.Block.LoopDepth
		ok := true
		for j := ra.callsBefore[iv.Start+1]; j < ra.callsBefore[iv.End]; j++ {
			if iv.liveAcross(ra.callPos[j]) && ra.callDepth[j] >= d {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		// The deep region: the blocks reached from the definition's
		// through blocks at least as deep with the value live in; its
		// edges out to shallower blocks the value is live into are
		// where it is stored.
		if mark == nil {
			mark = f.WS.Int32s(int(f.NextBlock))
		}
		stamp := int32(i) + 1
		blocks, work = blocks[:0], append(work[:0], v.Block)
		mark[v.Block.ID] = stamp
		for len(work) > 0 {
			b := work[len(work)-1]
			work = work[:len(work)-1]
			for _, e := range b.Succs {
				s := e.B
				if mark[s.ID] == stamp || !iv.liveAt(s.Start) {
					continue
				}
				mark[s.ID] = stamp
				if s.LoopDepth >= d {
					work = append(work, s)
				} else {
					blocks = append(blocks, s)
				}
			}
		}
		if len(blocks) == 0 {
			continue
		}
		if ra.exitStores == nil {
			ra.exitStores = make([][]*ssa.Value, f.NextBlock)
		}
		for _, s := range blocks {
			ra.exitStores[s.ID] = append(ra.exitStores[s.ID], v)
		}
		v.Loc.DefStore, v.Loc.ExitStore = false, true
	}
}

// liveAt reports whether iv is live at position p.
func (iv *interval) liveAt(p int32) bool {
	k := segFrom(iv.segs, p)
	return k < len(iv.segs) && iv.segs[k].from <= p
}
