package regalloc

import (
	"math/bits"
	"slices"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// RegMask is a set of registers (ssa.Reg numbers, below ssa.MaxRegs).
type RegMask uint64

// Mask returns the set of rs.
func Mask(rs ...ssa.Reg) RegMask {
	var m RegMask
	for _, r := range rs {
		m |= 1 << uint(r)
	}
	return m
}

// Has reports whether r is in m.
func (m RegMask) Has(r ssa.Reg) bool { return r >= 0 && r < ssa.MaxRegs && m&(1<<uint(r)) != 0 }

// clobbers are, per register an instruction may overwrite besides its
// result (Target.Clobbers, Target.MayClobber), the positions where it
// is overwritten, in order. A value may take such a register only if
// none of these positions lies within one of its ranges, ends included:
// it is then neither live across, nor an operand of, nor the result of
// an instruction that writes the register, so the emitter may use the
// register as scratch there. A block's terminator clobbers at the block's
// end (Target.TermClobbers).
type clobbers struct {
	mask RegMask
	at   [ssa.MaxRegs][]int32
}

// findClobbers collects the positions of f where t's instructions clobber
// registers; nil when the target has no register that is both allocatable
// and scratch.
func findClobbers(f *ssa.Func, pos []int32, t Target) *clobbers {
	return findClobbersIn(&clobbers{}, f, pos, t)
}

// findClobbersIn is findClobbers into c, an empty table.
func findClobbersIn(c *clobbers, f *ssa.Func, pos []int32, t Target) *clobbers {
	mask := t.MayClobber(f)
	if mask == 0 {
		return nil
	}
	c.mask = mask
	add := func(m RegMask, p int32) {
		for m != 0 {
			r := bits.TrailingZeros64(uint64(m))
			m &^= 1 << uint(r)
			c.at[r] = append(c.at[r], p)
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			add(t.Clobbers(f, v)&mask, pos[v.ID])
		}
		add(t.TermClobbers(f, b)&mask, b.End)
	}
	return c
}

// hits reports whether iv is live, defined or used at a position where r
// is clobbered.
func (c *clobbers) hits(r ssa.Reg, iv *interval) bool {
	if c == nil || !c.mask.Has(r) {
		return false
	}
	ps := c.at[r]
	for _, s := range iv.segs {
		k, _ := slices.BinarySearch(ps, s.from)
		if k < len(ps) && ps[k] <= s.to {
			return true
		}
	}
	return false
}
