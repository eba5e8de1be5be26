package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Code placement: where loops and jump tables go.
//
// The front end fetches code by 64-byte lines (and the op cache holds
// it so): a small loop, or the first block of a larger one, that
// straddles two lines costs a second fetch every iteration. Left to the
// lengths of the code before it, that was luck: interp's dispatch block
// (43 bytes) ran 0.85 of the time when it started a line and 1.0-1.1
// when it crossed one; strlen's 28-byte word loop made `strings` swing
// 0.95-1.15 as an unrelated shift moved the whole text by 16-byte steps
// (see the README). So:
//
//   - a loop head starts on a 16-byte boundary (loopAlign), padded with
//     multi-byte NOPs, as gcc and LLVM do; a head entered by falling
//     through runs at most two of them per entry into the loop, so one
//     whose block calls a function (callsIn) is left where it falls;
//   - the emitter records where each loop's code lies; a loop of at most
//     a line (else its head block, if that fits one) wants a function
//     start, modulo the line, that keeps it within one line
//     (FuncCode.Phases); inner loops weigh more than outer ones, and the
//     linker pads the function to the first start that suits most of
//     them (at most 48 bytes, none when every start does);
//   - so does a loop's back edge: a jump that straddles two lines costs
//     Zen 5 a cycle or more each time it is taken (matmul_simd's 16-
//     instruction loop, 65 bytes from a line start with its jge's last
//     byte in the next line, ran 1.3x the time it takes placed 32 bytes
//     on), so each loop weighs once more, at the starts that keep its
//     last back edge's jump within one line.
//
// A br_table's jump table goes after the function's code, with the trap
// stubs and constants, not after its indirect jmp: the cases stay next
// to their dispatch, and the bytes after an indirect jump, which the
// front end may fetch and decode before the target is known, are code.
const loopAlign = 16

// loopSpan is where a loop lies in the function's code: its head block
// is [start, headEnd), the blocks up to its last back edge [start, end).
type loopSpan struct {
	start, headEnd, end int32
	depth               int32
	// brStart, brEnd are the bytes of its last back edge's jump, if
	// recorded (brEnd > brStart).
	brStart, brEnd int32
}

// jumpTable is a br_table's table of rel32 offsets from tbl, emitted
// after the function's code (emitJumpTables): its targets are
// e.tableTargets[lo:hi].
type jumpTable struct {
	tbl    asm.Label
	lo, hi int32
}

// loopHeads reports, by position in f.Blocks, the emitted blocks that a
// jump from themselves or a later emitted block reaches: the heads of
// the loops as laid out (after threading, which decides where jumps
// really go). skip marks the blocks not emitted; pos maps a block ID to
// its position in f.Blocks plus one.
func (e *emitter) loopHeads(skip []bool) (head []bool, pos []int32) {
	f := e.f
	pos = f.WS.Int32s(int(f.NextBlock))
	for i, b := range f.Blocks {
		pos[b.ID] = int32(i + 1)
	}
	head = f.WS.Bools(len(f.Blocks))
	for j, b := range f.Blocks {
		if skip[j] {
			continue
		}
		for _, s := range b.Succs {
			if t := int(pos[e.target(s.B).ID]) - 1; t <= j {
				head[t] = true
			}
		}
	}
	return head, pos
}

// callsIn reports whether block b calls a guest function. A loop head
// with a call is not aligned when the block before it runs into it: its
// NOPs would run at every entry into the loop (fib's two per call that
// loops: 4.5% of its instructions) while the call and return redirect
// the fetch every iteration anyway, whatever the head's alignment.
func callsIn(b *ssa.Block) bool {
	for _, v := range b.Values {
		if v.Op == ssa.OpCall || v.Op == ssa.OpCallIndirect {
			return true
		}
	}
	return false
}

// alignLoopHead pads to the next loopAlign boundary.
func (e *emitter) alignLoopHead() {
	e.a.Nop(-e.a.Len() & (loopAlign - 1))
}

// phases returns FuncCode.Phases for the loops in e.spans: the function
// starts (multiples of loopAlign modulo isa.LineSize) that keep the
// most heavily weighted set of them each within one line, or 0 when
// every start does as well.
func (e *emitter) phases() uint8 {
	const n = isa.LineSize / loopAlign
	var score [n]int64
	within := func(k, lo, hi int32) bool {
		return (k*loopAlign+lo)/isa.LineSize == (k*loopAlign+hi-1)/isa.LineSize
	}
	for _, s := range e.spans {
		w := int64(1) << min(3*s.depth, 48)
		if s.brEnd > s.brStart {
			for k := range int32(n) {
				if within(k, s.brStart, s.brEnd) {
					score[k] += w
				}
			}
		}
		lo, hi := s.start, s.end
		if hi-lo > isa.LineSize {
			hi = s.headEnd
		}
		if hi <= lo || hi-lo > isa.LineSize {
			continue
		}
		for k := range int32(n) {
			if within(k, lo, hi) {
				score[k] += w
			}
		}
	}
	best := score[0]
	for _, sc := range score[1:] {
		best = max(best, sc)
	}
	var m uint8
	for k, sc := range score {
		if sc == best {
			m |= 1 << k
		}
	}
	if m == 1<<n-1 {
		return 0
	}
	return m
}

// emitJumpTables emits the deferred jump tables, each 4-byte aligned
// (padded with int3, which never runs).
func (e *emitter) emitJumpTables() {
	a := e.a
	for _, t := range e.jumpTables {
		a.AlignWith(4, 0xCC)
		a.Bind(t.tbl)
		for _, l := range e.tableTargets[t.lo:t.hi] {
			a.DataLabel32(t.tbl, l)
		}
	}
}
