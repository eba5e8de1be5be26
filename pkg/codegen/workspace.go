package codegen

import "github.com/lucet-go/lucet/internal/asm"

// workspace is the memory one compile worker reuses from function to
// function: the SSA values, argument lists and blocks of the function being
// compiled, and the per-value tables of the passes and the allocator. A big
// module has thousands of functions and millions of values; allocating each
// function's afresh made the garbage collector and the page faults of a
// growing heap cost as much as compiling. Nothing of a function outlives its
// compileFunc (funcCode holds bytes and offsets only), so reset may hand the
// same memory to the next function.
//
// A nil *workspace is valid: every method then allocates, which is what
// the tests that build SSA on their own get.
type workspace struct {
	vals   chunks[Value]
	args   chunks[*Value]
	blocks chunks[Block]
	i32    bump[int32]
	f32    bump[float32]
	ptrs   bump[*Value]
	regs   bump[Reg]
	bptrs  bump[*Block]
	edges  bump[Edge]
	segs   bump[seg]
	segls  bump[[]seg]
	ivs    bump[interval]
	bools  bump[bool]
	labels bump[asm.Label]
	// defs holds the builder's variable definitions, keyed by block ID
	// and variable (builder.writeVar).
	defs map[uint64]*Value
}

// reset makes everything handed out since the last reset reusable.
func (w *workspace) reset() {
	w.vals.reset()
	w.args.reset()
	w.blocks.reset()
	w.i32.reset()
	w.f32.reset()
	w.ptrs.reset()
	w.regs.reset()
	w.bptrs.reset()
	w.edges.reset()
	w.segs.reset()
	w.segls.reset()
	w.ivs.reset()
	w.bools.reset()
	w.labels.reset()
	if len(w.defs) > 1<<14 {
		// Clearing walks the whole table: a function that grew it big
		// would make every later small function pay for its size.
		w.defs = nil
	} else {
		clear(w.defs)
	}
}

// chunks hands out fixed-size chunks of T, reusing those of earlier
// functions. Chunks are not cleared: values and blocks are written whole
// when created.
type chunks[T any] struct {
	list [][]T
	used int
}

// chunkLen is the length of a chunk: big enough that a big function takes
// few, small enough that a worker's set stays a few MiB.
const chunkLen = 4096

func (c *chunks[T]) next(n int) []T {
	if c.used < len(c.list) && len(c.list[c.used]) >= n {
		s := c.list[c.used]
		c.used++
		return s
	}
	s := make([]T, max(n, chunkLen))
	if c.used < len(c.list) {
		c.list[c.used] = s
	} else {
		c.list = append(c.list, s)
	}
	c.used++
	return s
}

func (c *chunks[T]) reset() { c.used = 0 }

// bump hands out zeroed slices of one buffer, reused after reset; a
// request that does not fit gets a new buffer twice the size (the slices
// already handed out keep the old one).
type bump[T any] struct {
	buf []T
	n   int
}

func (b *bump[T]) take(n int) []T {
	if b.n+n > len(b.buf) {
		b.buf = make([]T, max(2*len(b.buf), n, 1024))
		b.n = 0
	}
	s := b.buf[b.n : b.n+n : b.n+n]
	b.n += n
	clear(s)
	return s
}

func (b *bump[T]) reset() { b.n = 0 }

// int32s returns n zeroed int32s that live until the workspace is reset.
func (w *workspace) int32s(n int) []int32 {
	if w == nil {
		return make([]int32, n)
	}
	return w.i32.take(n)
}

// float32s returns n zeroed float32s that live until the workspace is reset.
func (w *workspace) float32s(n int) []float32 {
	if w == nil {
		return make([]float32, n)
	}
	return w.f32.take(n)
}

// values returns n nil *Values that live until the workspace is reset.
func (w *workspace) values(n int) []*Value {
	if w == nil {
		return make([]*Value, n)
	}
	return w.ptrs.take(n)
}

// regs returns n zero Regs that live until the workspace is reset.
func (w *workspace) regSlice(n int) []Reg {
	if w == nil {
		return make([]Reg, n)
	}
	return w.regs.take(n)
}

// grow returns s with room for k more elements, taking new room from b
// when s is full; a nil b (no workspace) leaves s to append's growth.
// Slices come out of b with their capacity capped, so appending to one
// never writes into another's.
func grow[T any](b *bump[T], s []T, k int) []T {
	if b == nil || len(s)+k <= cap(s) {
		return s
	}
	t := b.take(max(2*cap(s), len(s)+k, 4))[:len(s)]
	copy(t, s)
	return t
}

// The bumps grow takes from, nil without a workspace.
func (w *workspace) valueBump() *bump[*Value] {
	if w == nil {
		return nil
	}
	return &w.ptrs
}

func (w *workspace) blockBump() *bump[*Block] {
	if w == nil {
		return nil
	}
	return &w.bptrs
}

func (w *workspace) edgeBump() *bump[Edge] {
	if w == nil {
		return nil
	}
	return &w.edges
}

func (w *workspace) int32Bump() *bump[int32] {
	if w == nil {
		return nil
	}
	return &w.i32
}

func (w *workspace) segBump() *bump[seg] {
	if w == nil {
		return nil
	}
	return &w.segs
}

// segLists returns n nil []segs that live until the workspace is reset.
func (w *workspace) segLists(n int) [][]seg {
	if w == nil {
		return make([][]seg, n)
	}
	return w.segls.take(n)
}

// intervals returns an empty slice with room for n intervals that lives
// until the workspace is reset.
func (w *workspace) intervals(n int) []interval {
	if w == nil {
		return make([]interval, 0, n)
	}
	return w.ivs.take(n)[:0]
}

// boolSlice returns n false bools that live until the workspace is reset.
func (w *workspace) boolSlice(n int) []bool {
	if w == nil {
		return make([]bool, n)
	}
	return w.bools.take(n)
}

// blockPtrs returns n nil *Blocks that live until the workspace is reset.
func (w *workspace) blockPtrs(n int) []*Block {
	if w == nil {
		return make([]*Block, n)
	}
	return w.bptrs.take(n)
}

// labelSlice returns n zero labels that live until the workspace is reset.
func (w *workspace) labelSlice(n int) []asm.Label {
	if w == nil {
		return make([]asm.Label, n)
	}
	return w.labels.take(n)
}
