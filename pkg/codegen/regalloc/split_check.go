package regalloc

import (
	"fmt"
	"slices"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// checkSplits verifies the values split around loops (split.go) from the
// function itself, not from the ranges the allocator recorded: the value
// is spilled, defined outside the loop and live into its header; the
// loop is entered only through its header, from the entering blocks; its
// register, of the value's class, holds no other value and no other split
// at any position of the loop's blocks or of the entering blocks'
// terminators (where it is loaded), is clobbered by no instruction there,
// and is callee-saved if a call is there, or else saved at each interrupt
// check there.
func (c *allocChecker) checkSplits() error {
	f, ra, t := c.f, c.ra, c.t
	if len(ra.Splits) == 0 {
		return nil
	}
	segsOf := make([][]seg, len(ra.Splits))
	for k := range ra.Splits {
		s := &ra.Splits[k]
		v := s.V
		if v.Loc.InReg() || v.Loc.Slot < 0 {
			return fmt.Errorf("split v%d is not in a stack slot", v.ID)
		}
		if v.Type.IsFloat() != t.IsFloat(s.Reg) ||
			!slices.Contains(t.Allocatable(f, false, false), s.Reg) && !slices.Contains(t.Allocatable(f, true, false), s.Reg) {
			return fmt.Errorf("split v%d in %s", v.ID, t.RegName(s.Reg))
		}
		if len(s.Blocks) == 0 || len(s.Entries) == 0 {
			return fmt.Errorf("split v%d: no loop or no entry", v.ID)
		}
		in := map[*ssa.Block]bool{}
		for _, b := range s.Blocks {
			in[b] = true
		}
		if in[v.Block] || in[f.Entry] {
			return fmt.Errorf("split v%d: defined in its loop, or the loop holds the entry", v.ID)
		}
		h := s.Blocks[0]
		for _, b := range s.Blocks {
			for _, p := range b.Preds {
				if !in[p] && (b != h || !slices.Contains(s.Entries, p)) {
					return fmt.Errorf("split v%d: b%d enters its loop at b%d, not through the loads", v.ID, p.ID, b.ID)
				}
			}
		}
		for _, p := range s.Entries {
			if in[p] || !slices.Contains(h.Preds, p) {
				return fmt.Errorf("split v%d: b%d does not enter the loop at b%d", v.ID, p.ID, h.ID)
			}
		}
		if iv := c.ivOf[v]; iv == nil || !iv.liveAcross(h.Start) && !slices.ContainsFunc(iv.segs, func(sg seg) bool { return sg.from <= h.Start && h.Start < sg.to }) {
			return fmt.Errorf("split v%d is not live into b%d", v.ID, h.ID)
		}
		var ss []seg
		for _, b := range s.Blocks {
			ss = append(ss, seg{b.Start, b.End + 1})
		}
		for _, p := range s.Entries {
			ss = append(ss, seg{p.End, p.End + 1})
		}
		ss = mergeSegs(ss)
		segsOf[k] = ss
		pseudo := &interval{V: v, Start: ss[0].from, End: ss[len(ss)-1].to, segs: ss}
		for i := range ra.Intervals {
			iv := &ra.Intervals[i]
			if iv.V.Loc.InReg() && iv.V.Loc.Reg == s.Reg && segsIntersect(iv.segs, ss) {
				return fmt.Errorf("split v%d and v%d share %s", v.ID, iv.V.ID, t.RegName(s.Reg))
			}
		}
		for j := 0; j < k; j++ {
			if o := &ra.Splits[j]; (o.Reg == s.Reg || o.V == v) && segsIntersect(segsOf[j], ss) {
				return fmt.Errorf("splits of v%d and v%d meet in %s", v.ID, o.V.ID, t.RegName(s.Reg))
			}
		}
		if cl := findClobbers(f, c.pos, t); cl.hits(s.Reg, pseudo) {
			return fmt.Errorf("split v%d in %s, which an instruction of its loop clobbers", v.ID, t.RegName(s.Reg))
		}
		if len(within(ra.callPos, ss)) > 0 && !t.CalleeSaved(s.Reg) {
			return fmt.Errorf("split v%d in caller-saved %s across a call", v.ID, t.RegName(s.Reg))
		}
		if !t.CalleeSaved(s.Reg) {
			for _, p := range within(ra.intPos, ss) {
				if !slices.Contains(ra.Saves[p], v) {
					return fmt.Errorf("split v%d not saved at the interrupt check at %d", v.ID, p)
				}
			}
		}
	}
	return nil
}
