package amd64

import (
	"fmt"
	"slices"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Values split around loops (regalloc.Split).
//
// A split value lives in its stack slot, but in a register through the
// blocks of a loop. The emitter lowers each block with the locations the
// values have there: before a block, splitLocs puts the values split
// around its loops in their registers (the Loc every lowering reads) and
// the others back in their slots; the out-of-line interrupt stubs, which
// save and restore the registers live at their check, get the locations
// of the check's block. The blocks entering a loop load its split values
// at their end, before the terminator (splitReloads): the allocator kept
// the register free across that terminator and its edge moves, and a
// load leaves the flags a fused branch may be about to test. Nothing is
// stored back at the exits: the value never changes, so its slot holds
// it all along. A block with loads to do is never threaded past (thread).

// splitLocs gives the split values the locations they have in b (nil:
// outside every loop).
func (e *emitter) splitLocs(b *ssa.Block) {
	for _, v := range e.splitIn {
		v.Loc.Reg = ssa.NoReg
	}
	e.splitIn = e.splitIn[:0]
	if b == nil {
		return
	}
	for _, k := range e.ra.InLoop(b) {
		s := &e.ra.Splits[k]
		s.V.Loc.Reg = s.Reg
		e.splitIn = append(e.splitIn, s.V)
	}
}

// splitReloads loads the values split around the loop b enters from
// their slots into their registers.
// A load into a callee-saved register before the shrink-wrapped saves
// (e.unsaved) would clobber the caller's value: shrinkWrap counts such a
// block as a writer, and this check turns a mistake there into a compile
// error instead of wrong code.
func (e *emitter) splitReloads(b *ssa.Block) error {
	for _, k := range e.ra.Reloads(b) {
		s := &e.ra.Splits[k]
		r := asm.Reg(s.Reg)
		if e.unsaved && slices.Contains(calleeSaved, r) {
			return fmt.Errorf("block %d loads %s into callee-saved %v before the saves", b.ID, s.V, r)
		}
		e.loadMem(r, slotMem(s.V.Loc.Slot), s.V.Type)
	}
	return nil
}
