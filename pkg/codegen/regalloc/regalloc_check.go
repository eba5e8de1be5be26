package regalloc

import (
	"fmt"
	"slices"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// CheckAllocation verifies an allocation: every value has a location of
// the right class, values whose live ranges intersect never share a
// register (a result may take the register of an operand that dies at its
// definition; values may share one across each other's holes), values
// whose whole spans overlap never share a slot, every use lies inside one
// of the used value's ranges, and every value live across a call in a
// caller-saved register is stored at its definition (or at the exits of
// its loop: checkExitStores) and reloaded after the call, and no value is in a register that an instruction within its
// ranges (or a terminator) may clobber. A value split around a loop is
// checked as one more value in its split register over the loop
// (checkSplits). The values' use counts must be exact (ssa.CheckUses):
// the emitter reads a count of 1 as the single reader at hand.
func CheckAllocation(f *ssa.Func, ra *Result, t Target) error {
	if err := ssa.CheckUses(f); err != nil {
		return err
	}
	c := allocChecker{f: f, ra: ra, t: t, pos: NumberPositions(f), ivOf: map[*ssa.Value]*interval{}}
	for i := range ra.Intervals {
		iv := &ra.Intervals[i]
		c.ivOf[iv.V] = iv
		if err := c.checkLocation(iv.V); err != nil {
			return err
		}
	}
	if err := c.checkSharing(); err != nil {
		return err
	}
	if err := c.checkClobbers(); err != nil {
		return err
	}
	for _, b := range f.Blocks {
		if err := c.checkBlock(b); err != nil {
			return err
		}
	}
	if err := c.checkExitStores(); err != nil {
		return err
	}
	return c.checkSplits()
}

// checkExitStores reports a value stored at loop exits (Loc.ExitStore)
// that is not live into a block storing it, or live across a call that a
// path from its definition reaches without passing a block storing it.
func (c *allocChecker) checkExitStores() error {
	stores := map[*ssa.Value]map[*ssa.Block]bool{}
	for _, b := range c.f.Blocks {
		for _, v := range c.ra.ExitStores(b) {
			iv := c.ivOf[v]
			if !v.Loc.ExitStore || !v.Loc.InReg() || iv == nil || !iv.liveAt(b.Start) {
				return fmt.Errorf("v%d stored at the top of b%d, where it is not live in a register", v.ID, b.ID)
			}
			if stores[v] == nil {
				stores[v] = map[*ssa.Block]bool{}
			}
			stores[v][b] = true
		}
	}
	for _, b := range c.f.Blocks {
		for _, x := range b.Values {
			if !ssa.OpInfos[x.Op].Call || x.Op == ssa.OpInterrupt {
				continue
			}
			for v, at := range stores {
				if !c.ivOf[v].liveAcross(c.pos[x.ID]) || at[b] {
					continue
				}
				// Walk back from the call's block to the definition's
				// without passing a store block.
				seen := map[*ssa.Block]bool{b: true}
				work := []*ssa.Block{b}
				for len(work) > 0 {
					w := work[len(work)-1]
					work = work[:len(work)-1]
					if w == v.Block {
						return fmt.Errorf("v%d reaches the call v%d without being stored", v.ID, x.ID)
					}
					for _, p := range w.Preds {
						if !seen[p] && !at[p] {
							seen[p] = true
							work = append(work, p)
						}
					}
				}
			}
		}
	}
	for i := range c.ra.Intervals {
		if v := c.ra.Intervals[i].V; v.Loc.ExitStore && len(stores[v]) == 0 {
			return fmt.Errorf("v%d is stored at loop exits but no block stores it", v.ID)
		}
	}
	return nil
}

// allocChecker holds what CheckAllocation's checks share.
type allocChecker struct {
	f    *ssa.Func
	ra   *Result
	t    Target
	pos  []int32
	ivOf map[*ssa.Value]*interval
}

// checkLocation reports a value without a location, or in a register of
// the wrong class or one the allocator may not hand out.
func (c *allocChecker) checkLocation(v *ssa.Value) error {
	t := c.t
	switch {
	case v.Loc.InReg():
		if v.Type.IsFloat() != t.IsFloat(v.Loc.Reg) {
			return fmt.Errorf("v%d (%s) in %s", v.ID, v.Type, t.RegName(v.Loc.Reg))
		}
		if !slices.Contains(t.Allocatable(c.f, false, false), v.Loc.Reg) && !slices.Contains(t.Allocatable(c.f, true, false), v.Loc.Reg) {
			return fmt.Errorf("v%d in %s, which is not allocatable", v.ID, t.RegName(v.Loc.Reg))
		}
	case v.Loc.Slot < 0:
		return fmt.Errorf("v%d has no location", v.ID)
	}
	return nil
}

// checkSharing reports two values whose live ranges intersect in one
// register, or whose spans overlap in one slot. The intervals are sorted
// by start, so only those starting before a's end can meet it.
func (c *allocChecker) checkSharing() error {
	ivs := c.ra.Intervals
	for i := range ivs {
		a := &ivs[i]
		for j := i + 1; j < len(ivs) && ivs[j].Start <= a.End; j++ {
			if err := c.checkPair(a, &ivs[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *allocChecker) checkPair(a, b *interval) error {
	if a.V.Loc.InReg() && b.V.Loc.InReg() && a.V.Loc.Reg == b.V.Loc.Reg && intersects(a, b) {
		return fmt.Errorf("v%d [%d,%d] and v%d [%d,%d] share %s",
			a.V.ID, a.Start, a.End, b.V.ID, b.Start, b.End, c.t.RegName(a.V.Loc.Reg))
	}
	if slotsShared(a.V, b.V) {
		return fmt.Errorf("v%d and v%d share slot %d", a.V.ID, b.V.ID, a.V.Loc.Slot)
	}
	return nil
}

// checkBlock checks every use in b, and the saves around each call.
func (c *allocChecker) checkBlock(b *ssa.Block) error {
	for _, v := range b.Values {
		if v.Op == ssa.OpResult {
			continue
		}
		if err := c.withinAll(v.Args, c.pos[v.ID]); err != nil {
			return err
		}
		if ssa.OpInfos[v.Op].Call && v.Op != ssa.OpInterrupt {
			if err := c.checkSaves(v); err != nil {
				return err
			}
		}
	}
	if b.Control != nil {
		if err := c.within(b.Control, b.End); err != nil {
			return err
		}
	}
	for _, e := range b.Succs {
		if err := c.withinAll(e.Args, b.End); err != nil {
			return err
		}
	}
	return nil
}

// within reports a use of v at position p outside v's live ranges.
func (c *allocChecker) within(v *ssa.Value, p int32) error {
	if !NeedsReg(v) {
		return nil
	}
	if iv := c.ivOf[v]; iv != nil {
		for _, s := range iv.segs {
			if s.from < p && p <= s.to {
				return nil
			}
		}
	}
	return fmt.Errorf("use of v%d at %d outside its live ranges", v.ID, p)
}

func (c *allocChecker) withinAll(vs []*ssa.Value, p int32) error {
	for _, x := range vs {
		if err := c.within(x, p); err != nil {
			return err
		}
	}
	return nil
}

// checkSaves reports a register value live across the call v that is not
// stored at its definition and reloaded after v.
func (c *allocChecker) checkSaves(v *ssa.Value) error {
	p := c.pos[v.ID]
	saved := map[*ssa.Value]bool{}
	for _, s := range c.ra.Saves[p] {
		saved[s] = true
	}
	ivs := c.ra.Intervals
	for k := range ivs {
		iv := &ivs[k]
		if iv.liveAcross(p) && iv.V.Loc.InReg() && !c.t.CalleeSaved(iv.V.Loc.Reg) && (!saved[iv.V] || !iv.V.Loc.DefStore && !iv.V.Loc.ExitStore) {
			return fmt.Errorf("v%d live across v%d but not saved", iv.V.ID, v.ID)
		}
	}
	return nil
}

// checkClobbers reports a value in a register that an instruction or a
// terminator it is live across, read by or defined by clobbers
// (Target.Clobbers, Target.TermClobbers). It walks every position of the
// value's ranges.
func (c *allocChecker) checkClobbers() error {
	may := c.t.MayClobber(c.f)
	if may == 0 {
		return nil
	}
	n := int32(0)
	if len(c.f.Blocks) > 0 {
		n = c.f.Blocks[len(c.f.Blocks)-1].End + 2
	}
	at := make([]RegMask, n)
	for _, b := range c.f.Blocks {
		for _, v := range b.Values {
			at[c.pos[v.ID]] = c.t.Clobbers(c.f, v) & may
		}
		at[b.End] = c.t.TermClobbers(c.f, b) & may
	}
	for i := range c.ra.Intervals {
		iv := &c.ra.Intervals[i]
		r := iv.V.Loc.Reg
		if !iv.V.Loc.InReg() || !may.Has(r) {
			continue
		}
		for _, s := range iv.segs {
			for p := s.from; p <= s.to && p < n; p++ {
				if at[p].Has(r) {
					return fmt.Errorf("v%d in %s, which the instruction at position %d clobbers", iv.V.ID, c.t.RegName(r), p)
				}
			}
		}
	}
	return nil
}

// slotsShared reports whether two values' stack slots share bytes: a
// v128 in slot k also takes slot k-1 (see assignSlots).
func slotsShared(a, b *ssa.Value) bool {
	if a.Loc.Slot < 0 || b.Loc.Slot < 0 {
		return false
	}
	lo := func(v *ssa.Value) int32 {
		if v.Type == ssa.TV128 {
			return v.Loc.Slot - 1
		}
		return v.Loc.Slot
	}
	return lo(a) <= b.Loc.Slot && lo(b) <= a.Loc.Slot
}

// CheckFastAllocation verifies an allocation by AllocateFast, whose
// intervals are spans without holes: it checks the locations against the
// live ranges the optimizing allocator computes for the same function,
// with every rule of CheckAllocation.
func CheckFastAllocation(f *ssa.Func, ra *Result, t Target) error {
	d := numberDefs(f)
	gid, _, idOf := liveness(f)
	exact := &Result{Intervals: buildIntervals(f, d, gid, idOf), NumSlots: ra.NumSlots, Saves: ra.Saves}
	for i := range exact.Intervals {
		if v := exact.Intervals[i].V; v.Loc.InReg() && (v.Loc.DefStore || v.Loc.ExitStore) {
			return fmt.Errorf("v%d is stored at its definition, which the baseline tier never asks", v.ID)
		}
	}
	return CheckAllocation(f, exact, t)
}
