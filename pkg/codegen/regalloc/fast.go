package regalloc

import (
	"cmp"
	"slices"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// AllocateFast is the baseline tier's allocator (OptLevel 0): it trades
// code quality for allocation time, which in the optimizing allocator
// (live ranges with holes, interference tests, hints, spill weights) is
// the largest share of compiling a big module.
//
// A value used outside the block defining it (a global value of the
// liveness, including every block parameter that is) lives in a stack
// slot; so does a value live across a call or an interrupt check, so no
// register is ever saved around one. Every other value is local to its
// block and gets a register from a scan of the block alone: the first
// register free at its definition, or, when none is, the register of the
// value whose range ends last if that ends after this one's (that value
// then goes to a slot). No register is live into or out of a block but
// the sources of the edge moves, so the scan needs no liveness of
// registers across blocks. Slots are shared between values whose spans
// (definition, or the first block they are live into, to their last use,
// or the end of the last block they are live out of) do not overlap, as
// in Allocate.
func AllocateFast(f *ssa.Func, m *wasm.Module, t Target) *Result {
	d := numberDefs(f)
	pos := d.pos
	gid, _, idOf := liveness(f)
	start, end := spans(f, d, idOf)

	// callsBefore[p] counts the call-like positions (calls, builtins,
	// interrupt checks) before p, so a range crosses one iff the count
	// differs between its ends.
	npos := 1
	if n := len(f.Blocks); n > 0 {
		npos = int(f.Blocks[n-1].End) + 2
	}
	callsBefore := f.WS.Int32s(npos + 1)
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if ssa.OpInfos[v.Op].Call {
				callsBefore[pos[v.ID]+1]++
			}
		}
	}
	for p := 1; p < len(callsBefore); p++ {
		callsBefore[p] += callsBefore[p-1]
	}
	crosses := func(s, e int32) bool { return callsBefore[e] != callsBefore[s+1] }

	gprs, xmms := t.Allocatable(f, false, false), t.Allocatable(f, true, false)
	// Registers some instruction uses as scratch are left alone: the
	// baseline tier does not look where they are clobbered.
	scratch := t.MayClobber(f)
	var holder [256]*ssa.Value
	var holdEnd [256]int32
	local := func(v *ssa.Value) {
		v.Loc = ssa.Loc{Reg: ssa.NoReg, Slot: -1}
		if start[v.ID] < 0 || gid[v.ID] >= 0 || crosses(start[v.ID], end[v.ID]) {
			return
		}
		s, e := start[v.ID], end[v.ID]
		regs := gprs
		if v.Type.IsFloat() {
			regs = xmms
		}
		r, last := ssa.NoReg, ssa.NoReg
		for _, c := range regs {
			if scratch.Has(c) {
				continue
			}
			if holder[c] == nil || holdEnd[c] < s {
				r = c
				break
			}
			if last == ssa.NoReg || holdEnd[c] > holdEnd[last] {
				last = c
			}
		}
		if r == ssa.NoReg {
			if last == ssa.NoReg || holdEnd[last] <= e {
				return // spilled: nothing free ends later than v
			}
			r = last
			holder[r].Loc.Reg = ssa.NoReg
		}
		v.Loc.Reg = r
		holder[r], holdEnd[r] = v, e
	}
	n := 0
	for _, b := range f.Blocks {
		for _, r := range gprs {
			holder[r] = nil
		}
		for _, r := range xmms {
			holder[r] = nil
		}
		for _, p := range b.Params {
			local(p)
			if start[p.ID] >= 0 {
				n++
			}
		}
		for _, v := range b.Values {
			local(v)
			if start[v.ID] >= 0 {
				n++
			}
		}
	}

	ivs := scratchOf(f.WS).intervals(n)
	for _, b := range f.Blocks {
		for _, p := range b.Params {
			if start[p.ID] >= 0 {
				ivs = append(ivs, interval{V: p, Start: start[p.ID], End: end[p.ID]})
			}
		}
		for _, v := range b.Values {
			if start[v.ID] >= 0 {
				ivs = append(ivs, interval{V: v, Start: start[v.ID], End: end[v.ID]})
			}
		}
	}
	slices.SortStableFunc(ivs, func(a, b interval) int { return cmp.Compare(a.Start, b.Start) })
	// No register value crosses a call or an interrupt check, so there
	// is nothing to save around them: without call positions
	// assignSlots only gives slots to the values not in registers.
	ra := &Result{Intervals: ivs, Pos: pos, Saves: map[int32][]*ssa.Value{}}
	ra.assignSlots(nil, t) // nil: no edge slot sharing in the fast tier
	return ra
}

// spans computes each value's span: from its definition, or the start of
// the first block it is live into, to its last use, or the end of the last
// block it is live out of (-1 for values that need no location). It is
// buildIntervals without the weights and the ranges with holes.
func spans(f *ssa.Func, d defs, idOf []int32) (start, end []int32) {
	pos, start, end := d.pos, d.start, d.end
	extend := func(v *ssa.Value, p int32) {
		if v == nil || start[v.ID] < 0 {
			return
		}
		start[v.ID] = min(start[v.ID], p)
		end[v.ID] = max(end[v.ID], p)
	}
	for _, b := range f.Blocks {
		// Global values all need a location (start set).
		for _, g := range b.LiveIn {
			id := idOf[g]
			start[id] = min(start[id], b.Start)
			end[id] = max(end[id], b.Start)
		}
		// Live out: live into a successor (liveness), or an argument on
		// an edge (below). A value live out is live in or defined here,
		// its start already at or before b.End.
		for _, e := range b.Succs {
			for _, g := range e.B.LiveIn {
				id := idOf[g]
				end[id] = max(end[id], b.End)
			}
		}
		for _, v := range b.Values {
			if v.Op == ssa.OpResult {
				continue
			}
			for _, a := range v.Args {
				extend(a, pos[v.ID])
			}
		}
		extend(b.Control, b.End)
		for _, r := range b.Results {
			extend(r, b.End)
		}
		for _, e := range b.Succs {
			for _, a := range e.Args {
				extend(a, b.End)
			}
		}
	}
	return start, end
}
