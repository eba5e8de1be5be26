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
// of the used value's ranges, and every register value live across a call
// is stored at its definition and reloaded after the call.
func CheckAllocation(f *ssa.Func, ra *Result, t Target) error {
	pos := NumberPositions(f)
	ivOf := map[*ssa.Value]*interval{}
	for i := range ra.Intervals {
		iv := &ra.Intervals[i]
		ivOf[iv.V] = iv
		v := iv.V
		switch {
		case v.Loc.InReg():
			if v.Type.IsFloat() != t.IsFloat(v.Loc.Reg) {
				return fmt.Errorf("v%d (%s) in %s", v.ID, v.Type, t.RegName(v.Loc.Reg))
			}
			if !slices.Contains(t.Allocatable(f, false, false), v.Loc.Reg) && !slices.Contains(t.Allocatable(f, true, false), v.Loc.Reg) {
				return fmt.Errorf("v%d in %s, which is not allocatable", v.ID, t.RegName(v.Loc.Reg))
			}
		case v.Loc.Slot < 0:
			return fmt.Errorf("v%d has no location", v.ID)
		}
	}
	ivs := ra.Intervals
	for i := range ivs {
		a := &ivs[i]
		for j := i + 1; j < len(ivs) && ivs[j].Start <= a.End; j++ {
			b := &ivs[j]
			if a.V.Loc.InReg() && b.V.Loc.InReg() && a.V.Loc.Reg == b.V.Loc.Reg && intersects(a, b) {
				return fmt.Errorf("v%d [%d,%d] and v%d [%d,%d] share %s",
					a.V.ID, a.Start, a.End, b.V.ID, b.Start, b.End, t.RegName(a.V.Loc.Reg))
			}
			if slotsShared(a.V, b.V) {
				return fmt.Errorf("v%d and v%d share slot %d", a.V.ID, b.V.ID, a.V.Loc.Slot)
			}
		}
	}
	within := func(v *ssa.Value, p int32) error {
		if !NeedsReg(v) {
			return nil
		}
		iv := ivOf[v]
		if iv != nil {
			for _, s := range iv.segs {
				if s.from < p && p <= s.to {
					return nil
				}
			}
		}
		return fmt.Errorf("use of v%d at %d outside its live ranges", v.ID, p)
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpResult {
				continue
			}
			for _, x := range v.Args {
				if err := within(x, pos[v.ID]); err != nil {
					return err
				}
			}
			if ssa.OpInfos[v.Op].Call && v.Op != ssa.OpInterrupt {
				p := pos[v.ID]
				saved := map[*ssa.Value]bool{}
				for _, s := range ra.Saves[p] {
					saved[s] = true
				}
				for k := range ivs {
					iv := &ivs[k]
					if iv.liveAcross(p) && iv.V.Loc.InReg() && (!saved[iv.V] || !iv.V.Loc.DefStore) {
						return fmt.Errorf("v%d live across v%d but not saved", iv.V.ID, v.ID)
					}
				}
			}
		}
		if b.Control != nil {
			if err := within(b.Control, b.End); err != nil {
				return err
			}
		}
		for _, e := range b.Succs {
			for _, x := range e.Args {
				if err := within(x, b.End); err != nil {
					return err
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
	pos := NumberPositions(f)
	gid, ng := globalIDs(f)
	liveOut := liveness(f, gid, ng)
	exact := &Result{Intervals: buildIntervals(f, pos, liveOut, gid, ng), NumSlots: ra.NumSlots, Saves: ra.Saves}
	for i := range exact.Intervals {
		if v := exact.Intervals[i].V; v.Loc.InReg() && v.Loc.DefStore {
			return fmt.Errorf("v%d is stored at its definition, which the baseline tier never asks", v.ID)
		}
	}
	return CheckAllocation(f, exact, t)
}
