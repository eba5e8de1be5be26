package frontend

import (
	"math"
	"slices"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// hops lets readVar skip the blocks between a read and the last write of
// the variable, where Braun et al.'s construction walks them one by one:
// at each sealed join it makes a parameter, recurses into every
// predecessor, drops the parameter as trivial and records the value in
// every block passed. A function with L locals and B sequential ifs that
// each write one of them, reading every local at the end, cost O(L×B)
// values and definitions that way (issue 11 §4).
//
// Wasm is structured, and blocks are filled in code order: a block holds
// the instructions from the offset where it became current (its start)
// to its terminator. Every block but the entry gets a link, a block that
// dominates it, such that the value of a variable x on entry to the block
// is its value on entry to the link when no instruction in the link's
// start up to the block's reach writes x:
//   - a then or else arm, and the block after a br_if: the block that
//     branched there (its one predecessor); the reach is the block's
//     start, so the span covers the link's code (and, for an else arm,
//     the then arm too, which only makes the test stricter);
//   - the join after a block or if: the block where the construct began,
//     whose code from there on is the construct's, and the construct's
//     code lies between that block's start and the join's start, the
//     offset of its end;
//   - a loop header: the block before the loop; the reach is the offset of
//     the loop's end, since the back edges bring the body's writes. Until
//     its end is translated a header is not sealed and is never skipped
//     (its body is not all seen): readVar stops at the innermost open loop
//     enclosing the block read.
//
// Chaining links, the value on entry to block B is the value on entry to
// an ancestor A when x has no write from A's start up to the furthest
// reach of the blocks passed: B's start, or the end of a loop whose
// header was passed (which encloses B when it reaches beyond B's start).
// A definition found on the way between A and B can only be a value
// Braun's reads cached there, equal to A's, since a write would be in the
// span. So readVar goes straight to the furthest such A (hopTarget), or
// the nearest block on the way with such a cached value, and records the
// value in B and A only. (Only translated code records writes: code after
// an unconditional branch never runs, and its writes cannot reach a read.)
//
// The writes of each variable are kept in offset order (they are met in
// code order), and both chains — the links and each variable's writes —
// carry skew-binary jump pointers (Myers, "An applicative random-access
// stack", 1983), so that finding the last write before an offset and the
// furthest ancestor after it take O(log n) steps: no chain of joins or
// writes costs a step per element. Memory is a record per block and per
// write, and a head per variable, which the function's code bounds (or a
// map, when it declares many more locals than its code could write).
type hops struct {
	blks []hopBlock // by block ID
	wr   []hopWrite
	head []int32 // per variable, 1 + its last write's index in wr; 0: none
	// headMap replaces head when the function declares far more
	// variables than its body has bytes.
	headMap map[int32]int32
	// open are the starts of the headers of the open loops, outermost
	// first (increasing).
	open []int32
}

type hopBlock struct {
	blk   *ssa.Block
	start int32
	link  int32 // block ID, -1 for none (the entry, and blocks never read)
	// (a block never current has blk nil)
	jump  int32 // block ID of the jump pointer's target
	depth int32
	// seg is the outermost loop header, among the blocks from this one up
	// to jump (exclusive), whose loop was open when this block was made,
	// -1 for none: its end bounds the span a jump must check (openOnly).
	seg int32
	// end is, for a loop header, the offset of its end; MaxInt32 while
	// the loop is open, or for other blocks.
	end    int32
	header bool
}

type hopWrite struct {
	pos   int32
	prev  int32 // index of the variable's previous write, -1 for none
	jump  int32
	depth int32
}

// init prepares h for a function of nvars variables and a body of n bytes.
func (h *hops) init(nvars, n int) {
	h.blks, h.wr, h.open = h.blks[:0], h.wr[:0], h.open[:0]
	h.headMap = nil
	if nvars > 16*n+4096 {
		h.head = h.head[:0]
		h.headMap = map[int32]int32{}
		return
	}
	if cap(h.head) < nvars {
		h.head = make([]int32, nvars)
	} else {
		h.head = h.head[:nvars]
		clear(h.head)
	}
}

// reuse takes old's memory, old being the previous function's.
func (h *hops) reuse(old *hops) {
	h.blks, h.wr, h.head, h.open = old.blks[:0], old.wr[:0], old.head[:0], old.open[:0]
}

// enter records blk becoming current at offset pos, entered from the end of
// from (nil: no link).
func (h *hops) enter(blk, from *ssa.Block, pos int32) {
	id := int(blk.ID)
	if l := len(h.blks); id >= l {
		h.blks = slices.Grow(h.blks, id+1-l)[:id+1]
		clear(h.blks[l:id]) // blocks never current, if any: blk nil
	}
	n := hopBlock{blk: blk, start: pos, link: -1, jump: int32(id), seg: -1, end: math.MaxInt32}
	if from == nil {
		n.start = -1
		h.blks[id] = n
		return
	}
	p := int32(from.ID)
	if int(p) >= len(h.blks) || h.blks[p].blk != from {
		h.blks[id] = n
		return
	}
	n.link = p
	n.depth = h.blks[p].depth + 1
	pn := &h.blks[p]
	j := &h.blks[pn.jump]
	if pn.link >= 0 && pn.depth-j.depth == j.depth-h.blks[j.jump].depth {
		n.jump = j.jump
		n.seg = h.outer(h.openOnly(pn.seg), h.openOnly(j.seg))
	} else {
		n.jump = p
	}
	h.blks[id] = n
}

// openOnly is seg if its loop is still open, else -1. The loops open when
// a block is made enclose it and nest; a header whose loop closed before
// ends at or before the block's start, so it cannot extend a span that
// starts from the block or a later one, and neither can the headers of
// the loops it enclosed, closed before it. So of a segment's headers only
// the outermost of those still open matters.
func (h *hops) openOnly(seg int32) int32 {
	if seg >= 0 && h.blks[seg].end != math.MaxInt32 {
		return -1
	}
	return seg
}

// outer is whichever of loop headers a and b (-1: none) starts first.
func (h *hops) outer(a, b int32) int32 {
	if a < 0 || (b >= 0 && h.blks[b].start < h.blks[a].start) {
		return b
	}
	return a
}

// openLoop records hdr, current now, as the header of a loop starting at
// pos.
func (h *hops) openLoop(hdr *ssa.Block, pos int32) {
	n := &h.blks[hdr.ID]
	n.header = true
	n.seg = h.outer(n.seg, int32(hdr.ID))
	h.open = append(h.open, pos)
}

// closeLoop records the end, at pos, of the loop headed by hdr, sealed now.
func (h *hops) closeLoop(hdr *ssa.Block, pos int32) {
	h.blks[hdr.ID].end = pos
	h.open = h.open[:len(h.open)-1]
}

// wrote records a write of variable x at offset pos.
func (h *hops) wrote(x int, pos int32) {
	var last int32
	if h.headMap != nil {
		last = h.headMap[int32(x)]
	} else {
		last = h.head[x]
	}
	i := int32(len(h.wr))
	w := hopWrite{pos: pos, prev: last - 1, jump: i}
	if last > 0 {
		p := &h.wr[last-1]
		j := &h.wr[p.jump]
		w.depth = p.depth + 1
		if p.prev >= 0 && p.depth-j.depth == j.depth-h.wr[j.jump].depth {
			w.jump = j.jump
		} else {
			w.jump = last - 1
		}
	}
	h.wr = append(h.wr, w)
	if h.headMap != nil {
		h.headMap[int32(x)] = i + 1
	} else {
		h.head[x] = i + 1
	}
}

// lastWrite is the offset of the last write of x before offset end,
// MinInt32 for none.
func (h *hops) lastWrite(x int, end int32) int32 {
	var i int32
	if h.headMap != nil {
		i = h.headMap[int32(x)] - 1
	} else {
		i = h.head[x] - 1
	}
	if i < 0 {
		return math.MinInt32
	}
	if p := h.wr[i].pos; p < end {
		return p
	}
	return h.lastWriteBefore(i, end)
}

// lastWriteBefore is lastWrite's search from write i, at or after end.
func (h *hops) lastWriteBefore(i, end int32) int32 {
	// The furthest earlier write still at or after end; its previous is
	// the answer. Offsets decrease along the chain.
	for {
		w := &h.wr[i]
		if w.jump != i && h.wr[w.jump].pos >= end {
			i = w.jump
		} else if w.prev >= 0 && h.wr[w.prev].pos >= end {
			i = w.prev
		} else {
			break
		}
	}
	if p := h.wr[i].prev; p >= 0 {
		return h.wr[p].pos
	}
	return math.MinInt32
}

// hopTarget is the furthest ancestor of blk whose value of x on entry is
// blk's (see hops), blk itself if none is.
func (b *builder) hopTarget(blk *ssa.Block, x int) *ssa.Block {
	h := &b.hops
	c := int32(blk.ID)
	if int(c) >= len(h.blks) || h.blks[c].blk != blk || h.blks[c].link < 0 || !blk.Sealed {
		return blk
	}
	reach := h.blks[c].start
	w := h.lastWrite(x, reach)
	if h.blks[h.blks[c].link].start <= w {
		return blk // the common failure, before setting up the search
	}
	// An ancestor qualifies when it starts after both the last write of
	// x before reach and (≥) the header of the innermost open loop
	// enclosing blk, the last one opened at or before blk's start: an
	// open loop's body is not all seen, so its header is never skipped.
	bar := int32(math.MinInt32)
	if lo, hi := 0, len(h.open); hi > 0 {
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if h.open[m] <= reach {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo > 0 {
			bar = h.open[lo-1] - 1
		}
	}
	for {
		n := &h.blks[c]
		if n.link < 0 || (c != int32(blk.ID) && b.def(n.blk, x) != nil) {
			// A value cached by an earlier read is the one found
			// above: stopping at it keeps reads from neighbouring
			// blocks as cheap as Braun's one hop.
			break
		}
		// Try the jump, then the link; passing a loop header extends the
		// span to the loop's end, which may bring a later write.
		a, seg := n.jump, n.seg
		if a == n.link {
			a, seg = n.link, -1
			if n.header {
				seg = c
			}
		}
		for {
			s := h.blks[a].start
			if s > bar && s > w {
				if seg >= 0 && h.blks[seg].end > reach {
					r := h.blks[seg].end
					if w2 := h.lastWrite(x, r); s > w2 {
						c, reach, w = a, r, w2
						break
					}
				} else {
					c = a
					break
				}
			}
			if a == n.link {
				return h.blks[c].blk
			}
			a, seg = n.link, -1
			if n.header {
				seg = c
			}
		}
	}
	return h.blks[c].blk
}
