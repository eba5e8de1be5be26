package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Loop latches: the back edge's moves before the branch.
//
// A loop whose back edge binds the head's parameters to new values ends
//
//	cmp ...; je exit; mov r1, r2; mov r3, r4; jmp head
//
// because a conditional jump carries no moves: the moves sit in the
// block split out of the back edge, reached by falling through, and
// every iteration runs its jmp. A mov changes no flags, so the moves can
// come between the compare and the branch instead:
//
//	cmp ...; mov r1, r2; mov r3, r4; jne head
//
// one instruction fewer per iteration, the moves' cost paid once more
// on the way out. That is correct when the moves' destinations (the
// head's parameters' registers and slots) hold nothing live into the
// exit (its live-in set, which includes what its own edge moves read and
// the parameters' old values if the code after the loop uses them, unless
// a copy of such a value survives the moves to be copied back), and
// when none of them clobbers the flags: a zero constant is `mov r, 0`
// there, not `xor r, r` (keepFlags); the copies, loads, stores and
// immediate stores of parallelMove, its cycle breaking included, and
// xorps/pcmpeqd/movdqu of vector constants leave the flags alone. The
// compare's operands were read before the moves, so they may be among
// the destinations.

// maxLatchMoves bounds the moves moved before the branch: they run on
// every exit from the loop too, so a loop run for a few iterations at a
// time must not pay more there than it saves.
const maxLatchMoves = 6

// findLatches marks, by block ID in e.latch, the blocks split out of a
// loop's back edge whose moves the branch before them takes over
// (foldLatch); those blocks are not emitted.
func (e *emitter) findLatches() {
	f := e.f
	e.latch = f.WS.Bools(int(f.NextBlock))
	if e.opts == nil || e.opts.OptLevel < 1 {
		// The baseline allocator's live-in sets are not kept for this:
		// the baseline tier stays the reference the optimizing tier is
		// tested against.
		return
	}
	var pos []int32
	for i, b := range f.Blocks {
		if b.Kind != ssa.BlockIf || len(b.Succs) != 2 || b.Control == nil || b.Control.Op == ssa.OpConst ||
			b.Succs[0].B == b.Succs[1].B {
			continue
		}
		for k, s := range b.Succs {
			sb := s.B
			if sb.Kind != ssa.BlockPlain || len(sb.Values) != 0 || len(sb.Params) != 0 || len(sb.Preds) != 1 ||
				sb == f.Entry || len(s.Args) != 0 || e.noMoves(sb.Succs[0]) || e.blockWork(sb) {
				continue
			}
			if pos == nil {
				pos = f.WS.Int32s(int(f.NextBlock))
				for j, c := range f.Blocks {
					pos[c.ID] = int32(j)
				}
			}
			if int(pos[e.thread(sb.Succs[0].B).ID]) > i {
				continue // not a back edge
			}
			if _, ok := e.latchSafe(sb.Succs[0], b.Succs[1-k].B, nil); ok {
				e.latch[sb.ID] = true
				break
			}
		}
	}
}

// latchSafe reports whether edge's moves may run on the way into exit
// too: few enough, and none writing a location of a value live into exit
// that the exit could not get back. A value v in a register that a move
// overwrites is restored when another move copies v itself into a
// register holding nothing live into exit (a loop counter whose old
// value the exit reads, `mov %ebx, %r11d; mov %esi, %ebx`): the branch
// is followed, on the exit path only, by the copy back (`mov %r11d,
// %ebx`), which latchSafe appends to restore.
func (e *emitter) latchSafe(edge ssa.Edge, exit *ssa.Block, restore []pmove) ([]pmove, bool) {
	moved := func(i int) bool {
		p := edge.B.Params[i]
		if !regalloc.NeedsReg(p) {
			return false
		}
		a := edge.Args[i]
		return a.Op == ssa.OpConst || !valLoc(a).eq(valLoc(p))
	}
	n := 0
	for i := range edge.B.Params {
		if moved(i) {
			if n++; n > maxLatchMoves {
				return restore, false
			}
		}
	}
	if len(exit.LiveIn) == 0 {
		return restore, true
	}
	if e.liveIn == nil {
		e.liveIn = regalloc.LiveInValues(e.f)
	}
	for _, g := range exit.LiveIn {
		if int(g) >= len(e.liveIn) || e.liveIn[g] == nil {
			return restore, false // not the numbering expected: do not guess
		}
	}
	// regLive reports whether register r holds a value live into exit.
	regLive := func(r ssa.Reg) bool {
		for _, g := range exit.LiveIn {
			if w := e.liveIn[g]; w.Loc.InReg() && w.Loc.Reg == r {
				return true
			}
		}
		return false
	}
	for _, g := range exit.LiveIn {
		v := e.liveIn[g]
		for i, p := range edge.B.Params {
			if !moved(i) || !sharesLoc(p, v) {
				continue
			}
			if !p.Loc.InReg() {
				return restore, false
			}
			from := ssa.NoReg
			for j, q := range edge.B.Params {
				if moved(j) && edge.Args[j] == v && q.Loc.InReg() && !regLive(q.Loc.Reg) {
					from = q.Loc.Reg
					break
				}
			}
			if from == ssa.NoReg {
				return restore, false
			}
			restore = append(restore, pmove{dst: valLoc(v), src: regLoc(asm.Reg(from)), t: v.Type})
		}
	}
	return restore, true
}

// sharesLoc reports whether writing parameter p's location may overwrite
// v: the same register, or overlapping slots (v's slot counts whether v
// is spilled, stored at its definition or saved around calls).
func sharesLoc(p, v *ssa.Value) bool {
	if p.Loc.InReg() {
		return v.Loc.InReg() && v.Loc.Reg == p.Loc.Reg
	}
	if v.Loc.Slot < 0 {
		return false
	}
	plo, phi := slotSpan(p)
	vlo, vhi := slotSpan(v)
	return plo <= vhi && vlo <= phi
}

// slotSpan is the range of 8-byte slots v's slot covers: a v128 takes
// the slot below its own too (assignSlots).
func slotSpan(v *ssa.Value) (lo, hi int32) {
	if v.Type == ssa.TV128 {
		return v.Loc.Slot - 1, v.Loc.Slot
	}
	return v.Loc.Slot, v.Loc.Slot
}

// target is where a jump to successor s of a block really goes: past the
// empty blocks thread skips, and to the loop head for a latch block whose
// moves the branch took over.
func (e *emitter) target(s *ssa.Block) *ssa.Block {
	if e.latch[s.ID] {
		return e.thread(s.Succs[0].B)
	}
	return e.thread(s)
}

// latchSucc returns the index of b's successor whose moves b's branch
// takes over, or -1.
func (e *emitter) latchSucc(b *ssa.Block) int {
	for k, s := range b.Succs {
		if e.latch[s.B.ID] {
			return k
		}
	}
	return -1
}

// foldLatch ends b, whose flags hold cond for its first successor, with
// the moves of its latch successor k, the branch to the loop head and the
// jump (or fall) to the other successor.
func (e *emitter) foldLatch(b *ssa.Block, k int, cond asm.Cond) {
	sb := b.Succs[k].B
	if k == 1 {
		cond = cond.Invert()
	}
	e.keepFlags = true
	e.edgeMoves(sb, sb.Succs[0])
	e.keepFlags = false
	e.a.Jcc(cond, e.labels[e.thread(sb.Succs[0].B).ID])
	if restore, _ := e.latchSafe(sb.Succs[0], b.Succs[1-k].B, nil); len(restore) > 0 {
		e.parallelMove(restore)
	}
	e.jumpTo(b.Succs[1-k].B)
}
