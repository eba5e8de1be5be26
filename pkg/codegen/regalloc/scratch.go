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
