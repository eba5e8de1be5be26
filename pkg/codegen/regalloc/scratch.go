package regalloc

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// scratch holds the allocator's buffers of its own types, reused from
// function to function like the rest of the workspace (ssa.Workspace),
// in whose Ext it lives.
type scratch struct {
	segs  ssa.Bump[seg]
	segls ssa.Bump[[]seg]
	ivs   ssa.Bump[interval]
	regs  ssa.Bump[ssa.Reg]
	// clob is findClobbers' table, its position lists kept for their
	// capacity: a fresh one per function was ~12 MB of a big module's
	// compile, all of it new pages.
	clob clobbers
	// assigned are the scanner's register lists, kept for their capacity.
	assigned [ssa.MaxRegs][]*interval
	// touched is buildSegments' list of open values, kept for its
	// capacity.
	touched []int32
	// work is liveness's stack of blocks, kept for its capacity.
	work []*ssa.Block
}

// scratchOf returns ws's allocator buffers, nil without a workspace.
func scratchOf(ws *ssa.Workspace) *scratch {
	if ws == nil {
		return nil
	}
	if s, ok := ws.Ext.(*scratch); ok {
		return s
	}
	s := &scratch{}
	ws.Ext = s
	ws.OnReset(func() {
		s.segs.Reset()
		s.segls.Reset()
		s.ivs.Reset()
		s.regs.Reset()
	})
	return s
}

func (s *scratch) segBump() *ssa.Bump[seg] {
	if s == nil {
		return nil
	}
	return &s.segs
}

// segSlice returns n zero segs.
func (s *scratch) segSlice(n int) []seg {
	if s == nil {
		return make([]seg, n)
	}
	return s.segs.Take(n)
}

// segLists returns n nil []segs.
func (s *scratch) segLists(n int) [][]seg {
	if s == nil {
		return make([][]seg, n)
	}
	return s.segls.Take(n)
}

// intervals returns an empty slice with room for n intervals.
func (s *scratch) intervals(n int) []interval {
	if s == nil {
		return make([]interval, 0, n)
	}
	return s.ivs.Take(n)[:0]
}

// regSlice returns n zero registers.
func (s *scratch) regSlice(n int) []ssa.Reg {
	if s == nil {
		return make([]ssa.Reg, n)
	}
	return s.regs.Take(n)
}

// clobberTable returns an empty clobbers table: the worker's, or a new
// one without a workspace.
func (s *scratch) clobberTable() *clobbers {
	if s == nil {
		return &clobbers{}
	}
	c := &s.clob
	c.mask = 0
	for r := range c.at {
		c.at[r] = c.at[r][:0]
	}
	return c
}
