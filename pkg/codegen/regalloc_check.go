package codegen

import (
	"fmt"
	"slices"
)

// checkAllocation verifies an allocation: every value has a location of
// the right class, values whose live ranges intersect never share a
// register (a result may take the register of an operand that dies at its
// definition; values may share one across each other's holes), values
// whose whole spans overlap never share a slot, every use lies inside one
// of the used value's ranges, and every register value live across a call
// is stored at its definition and reloaded after the call.
func checkAllocation(f *Func, ra *regAlloc, t Target) error {
	pos := numberPositions(f)
	ivOf := map[*Value]*interval{}
	for i := range ra.intervals {
		iv := &ra.intervals[i]
		ivOf[iv.v] = iv
		v := iv.v
		switch {
		case v.loc.inReg():
			if v.Type.IsFloat() != t.IsFloat(v.loc.Reg) {
				return fmt.Errorf("v%d (%s) in %s", v.ID, v.Type, t.RegName(v.loc.Reg))
			}
			if !slices.Contains(t.Allocatable(f, false, false), v.loc.Reg) && !slices.Contains(t.Allocatable(f, true, false), v.loc.Reg) {
				return fmt.Errorf("v%d in %s, which is not allocatable", v.ID, t.RegName(v.loc.Reg))
			}
		case v.loc.Slot < 0:
			return fmt.Errorf("v%d has no location", v.ID)
		}
	}
	ivs := ra.intervals
	for i := range ivs {
		a := &ivs[i]
		for j := i + 1; j < len(ivs) && ivs[j].start <= a.end; j++ {
			b := &ivs[j]
			if a.v.loc.inReg() && b.v.loc.inReg() && a.v.loc.Reg == b.v.loc.Reg && intersects(a, b) {
				return fmt.Errorf("v%d [%d,%d] and v%d [%d,%d] share %s",
					a.v.ID, a.start, a.end, b.v.ID, b.start, b.end, t.RegName(a.v.loc.Reg))
			}
			if slotsShared(a.v, b.v) {
				return fmt.Errorf("v%d and v%d share slot %d", a.v.ID, b.v.ID, a.v.loc.Slot)
			}
		}
	}
	within := func(v *Value, p int32) error {
		if !needsReg(v) {
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
			if v.Op == OpResult {
				continue
			}
			for _, x := range v.Args {
				if err := within(x, pos[v.ID]); err != nil {
					return err
				}
			}
			if opInfos[v.Op].call && v.Op != OpInterrupt {
				p := pos[v.ID]
				saved := map[*Value]bool{}
				for _, s := range ra.saves[p] {
					saved[s] = true
				}
				for k := range ivs {
					iv := &ivs[k]
					if iv.liveAcross(p) && iv.v.loc.inReg() && (!saved[iv.v] || !iv.v.loc.defStore) {
						return fmt.Errorf("v%d live across v%d but not saved", iv.v.ID, v.ID)
					}
				}
			}
		}
		if b.Control != nil {
			if err := within(b.Control, b.end); err != nil {
				return err
			}
		}
		for _, e := range b.Succs {
			for _, x := range e.Args {
				if err := within(x, b.end); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// slotsShared reports whether two values' stack slots share bytes: a
// v128 in slot k also takes slot k-1 (see assignSlots).
func slotsShared(a, b *Value) bool {
	if a.loc.Slot < 0 || b.loc.Slot < 0 {
		return false
	}
	lo := func(v *Value) int32 {
		if v.Type == TV128 {
			return v.loc.Slot - 1
		}
		return v.loc.Slot
	}
	return lo(a) <= b.loc.Slot && lo(b) <= a.loc.Slot
}
