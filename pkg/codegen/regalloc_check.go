package codegen

import "fmt"

// checkAllocation verifies an allocation: every value has a location of
// the right class, values whose live ranges overlap never share a register
// or a slot (a result may take the register of an operand that dies at its
// definition), every use lies inside the used value's range, and every
// register value live across a call-like operation is saved around it.
func checkAllocation(f *Func, ra *regAlloc) error {
	pos := numberPositions(f)
	ivOf := map[*Value]*interval{}
	for i := range ra.intervals {
		iv := &ra.intervals[i]
		ivOf[iv.v] = iv
		v := iv.v
		switch {
		case v.loc.inReg():
			if v.Type.IsFloat() != v.loc.Reg.IsXMM() {
				return fmt.Errorf("v%d (%s) in %s", v.ID, v.Type, v.loc.Reg)
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
			handoff := a.end == b.start && a.start < b.start
			if a.v.loc.inReg() && b.v.loc.inReg() && a.v.loc.Reg == b.v.loc.Reg && !handoff {
				return fmt.Errorf("v%d [%d,%d] and v%d [%d,%d] share %s",
					a.v.ID, a.start, a.end, b.v.ID, b.start, b.end, a.v.loc.Reg)
			}
			if a.v.loc.Slot >= 0 && a.v.loc.Slot == b.v.loc.Slot {
				return fmt.Errorf("v%d and v%d share slot %d", a.v.ID, b.v.ID, a.v.loc.Slot)
			}
		}
	}
	within := func(v *Value, p int32) error {
		if !needsReg(v) {
			return nil
		}
		iv := ivOf[v]
		if iv == nil || p < iv.start || p > iv.end {
			return fmt.Errorf("use of v%d at %d outside its range", v.ID, p)
		}
		return nil
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
					if iv.start < p && iv.end > p && iv.v.loc.inReg() && (!saved[iv.v] || !iv.v.loc.defStore) {
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
