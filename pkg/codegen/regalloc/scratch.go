package regalloc

import (
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

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
	// typeRegs caches paramRegs' answers by type index for typeMod, the
	// module the workspace compiles (one per workspace, for one target:
	// codegen.compile).
	typeMod  *wasm.Module
	typeRegs map[uint32]typeRegs
}

type typeRegs struct {
	regs []ssa.Reg
	ok   bool
}

// paramRegs returns the registers a call of type index ti passes its
// arguments in, and false for a type with no register convention
// (ssa.ValTypes fails). findHints asks it for every call of every
// function, and most calls of a module share a few types: the
// conversion and the target's answer were ~0.4% of a big module's
// compile.
func (s *scratch) paramRegs(m *wasm.Module, t Target, ti uint32) ([]ssa.Reg, bool) {
	if s != nil && s.typeMod == m {
		if r, hit := s.typeRegs[ti]; hit {
			return r.regs, r.ok
		}
	}
	var r typeRegs
	if ps, err := ssa.ValTypes(m.Types[ti].Params); err == nil {
		r = typeRegs{t.ParamRegs(ps), true}
	}
	if s != nil {
		if s.typeMod != m {
			s.typeMod, s.typeRegs = m, map[uint32]typeRegs{}
		}
		s.typeRegs[ti] = r
	}
	return r.regs, r.ok
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
