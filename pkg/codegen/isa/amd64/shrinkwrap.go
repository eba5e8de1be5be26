package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Callee-saved registers saved only on the paths that use them.
//
// The prologue saved every callee-saved register the function allocates
// and every return restored them, also on early exits that never touch
// them: half of fib's calls take the n < 2 return, which paid two stores
// and two loads for the loop's accumulators. When the code that writes
// callee-saved registers all lies in a region R entered only through one
// block S, S's only predecessor outside it, the saves move to the top of
// S and only R's returns restore; the blocks outside R return without.
//
// R is every block reachable from S; it is a region entered through S
// alone when no block reachable from the entry without passing S is in
// it (then no edge enters it but at S, and none leaves it: what R
// reaches is in R). The writes of a block are its values', its
// parameters' and the edge moves it does into its successors' parameters
// (the moves are done before the jump, in the block's own code). Reads
// come after writes (SSA), no lowering names a callee-saved register (as
// scratch or otherwise), calls preserve them, and a trap discards the
// stack, so nothing outside R needs the saves, and a trap in R no
// restores. The frame itself (push rbp, the stack check, sub rsp) stays
// in the prologue: the frame-pointer chain backtraces walk is whole from
// any instruction.
//
// S is searched from the entry down: among the entry's successors with a
// single predecessor, then among the chosen block's, so that nested early
// exits (a null check, then a bounds check) both return without saves.
// S is never a loop head (its one predecessor is outside R), so the saves
// run once.

// shrinkWrapTries bounds the regions tried per function (each costs a
// walk of the function).
const shrinkWrapTries = 8

// shrinkWrap chooses e.saveAt, the block the saves are emitted at (nil:
// the prologue), and marks e.inRegion, the blocks whose returns restore.
func (e *emitter) shrinkWrap() {
	f := e.f
	if len(e.saved) == 0 || len(f.Blocks) < 2 {
		return
	}
	writes := f.WS.Bools(int(f.NextBlock))
	found := false
	for _, b := range f.Blocks {
		if e.writesCalleeSaved(b) {
			writes[b.ID] = true
			found = true
		}
	}
	if !found || writes[f.Entry.ID] {
		return
	}
	outside := f.WS.Bools(int(f.NextBlock))
	inside := f.WS.Bools(int(f.NextBlock))
	var stack []*ssa.Block
	var chosen *ssa.Block
	tries := 0
	for c := f.Entry; c != nil; {
		var next *ssa.Block
		for _, s := range c.Succs {
			if tries >= shrinkWrapTries {
				break
			}
			if len(s.B.Preds) != 1 || s.B == f.Entry {
				continue
			}
			tries++
			if wrapRegion(f, s.B, writes, outside, inside, stack[:0]) {
				next = s.B
				break
			}
		}
		if next == nil {
			break
		}
		chosen, c = next, next
		if writes[c.ID] {
			break // every region below c leaves c's writes out
		}
	}
	if chosen == nil {
		return
	}
	// The marks of the last try need not be chosen's: walk again.
	wrapRegion(f, chosen, writes, outside, inside, stack[:0])
	e.saveAt, e.inRegion = chosen, inside
}

// wrapRegion marks in inside the blocks reachable from s and in outside
// those reachable from the entry without passing s, and reports whether
// the two are disjoint with every writing block inside.
func wrapRegion(f *ssa.Func, s *ssa.Block, writes, outside, inside []bool, stack []*ssa.Block) bool {
	clear(outside)
	clear(inside)
	outside[f.Entry.ID] = true
	stack = append(stack, f.Entry)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if writes[b.ID] {
			return false
		}
		for _, e := range b.Succs {
			if t := e.B; t != s && !outside[t.ID] {
				outside[t.ID] = true
				stack = append(stack, t)
			}
		}
	}
	inside[s.ID] = true
	stack = append(stack, s)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range b.Succs {
			t := e.B
			if outside[t.ID] {
				return false
			}
			if !inside[t.ID] {
				inside[t.ID] = true
				stack = append(stack, t)
			}
		}
	}
	return true
}

// writesCalleeSaved reports whether b's code writes a callee-saved
// register: a value or parameter of b allocated to one, an edge move
// into a successor's parameter allocated to one, or the load of a value
// split into one around the loop b enters (emit_split.go).
func (e *emitter) writesCalleeSaved(b *ssa.Block) bool {
	return e.reloadsCalleeSaved(b) || assignsCalleeSaved(b)
}

// reloadsCalleeSaved reports whether b loads a value split around the
// loop it enters into a callee-saved register.
func (e *emitter) reloadsCalleeSaved(b *ssa.Block) bool {
	for _, k := range e.ra.Reloads(b) {
		for _, r := range calleeSaved {
			if asm.Reg(e.ra.Splits[k].Reg) == r {
				return true
			}
		}
	}
	return false
}

// assignsCalleeSaved reports whether a value or parameter of b, or a
// parameter of a successor b moves an edge argument into, is allocated
// to a callee-saved register.
func assignsCalleeSaved(b *ssa.Block) bool {
	for _, p := range b.Params {
		if inCalleeSaved(p) {
			return true
		}
	}
	for _, v := range b.Values {
		if inCalleeSaved(v) {
			return true
		}
	}
	for _, s := range b.Succs {
		if len(s.Args) == 0 {
			continue
		}
		for _, p := range s.B.Params {
			if inCalleeSaved(p) {
				return true
			}
		}
	}
	return false
}

func inCalleeSaved(v *ssa.Value) bool {
	if !v.Loc.InReg() || !regalloc.NeedsReg(v) {
		return false
	}
	for _, r := range calleeSaved {
		if asm.Reg(v.Loc.Reg) == r {
			return true
		}
	}
	return false
}

// shrinkWrapTrace, when set (by tests only: export_test.go), receives
// each function's emitter once shrinkWrap has chosen where the saves go.
var shrinkWrapTrace func(e *emitter)

// saveCalleeSaved stores the callee-saved registers the function uses to
// their slots: in the prologue, or at the top of e.saveAt.
func (e *emitter) saveCalleeSaved() {
	for k, r := range e.saved {
		e.a.MovMR(64, e.saveSlot(k), r)
	}
}

// restores reports whether the return being emitted restores the
// callee-saved registers: the code emitted now is in the region the
// saves dominate (e.unsaved is false).
func (e *emitter) restores() bool { return !e.unsaved }
