package ssa

import "github.com/lucet-go/lucet/internal/fresh"

// Workspace is the memory one compile worker reuses from function to
// function: the SSA values, argument lists and blocks of the function being
// compiled, the per-value tables of the passes and the allocator, and the
// small per-block slices. A big module has thousands of functions and
// millions of values; allocating each function's afresh made the garbage
// collector and the page faults of a growing heap cost as much as
// compiling. Nothing of a function outlives its compilation (the emitted
// code holds bytes and offsets only), so Reset may hand the same memory to
// the next function.
//
// A nil *Workspace is valid: every method then allocates, which is what
// code that builds SSA on its own (tests) gets.
type Workspace struct {
	vals   chunks[Value]
	args   chunks[*Value]
	blocks chunks[Block]
	i32    Bump[int32]
	u64    Bump[uint64]
	f32    Bump[float32]
	ptrs   Bump[*Value]
	bptrs  Bump[*Block]
	edges  Bump[Edge]
	bools  Bump[bool]
	prefs  Bump[paramRef]
	prefls Bump[[]paramRef]
	doms   []domFrame // dominators' stack, kept for its capacity
	// Defs holds the frontend's variable definitions, keyed by block ID
	// and variable: one table per worker instead of one per block.
	Defs map[uint64]*Value
	// DefsDense is the frontend's dense table of definitions, kept for
	// its capacity.
	DefsDense []*Value
	// gvn is gvn's scoped table, empty between functions.
	gvn gvnTable
	// Frontend holds the frontend's buffers of its own types.
	Frontend any
	// Ext holds what another stage keeps per worker (the register
	// allocator's buffers of its own types), set by that stage.
	Ext any
	// resets are the Ext's reset functions, run by Reset.
	resets []func()
}

// Reset makes everything handed out since the last Reset reusable.
func (w *Workspace) Reset() {
	w.vals.reset()
	w.args.reset()
	w.blocks.reset()
	w.i32.Reset()
	w.u64.Reset()
	w.f32.Reset()
	w.ptrs.Reset()
	w.bptrs.Reset()
	w.edges.Reset()
	w.bools.Reset()
	w.prefs.Reset()
	w.prefls.Reset()
	if len(w.Defs) > 1024 {
		// Clearing walks the whole table: a function that grew it big
		// would make every later small function pay for its size.
		w.Defs = nil
	} else {
		clear(w.Defs)
	}
	if len(w.gvn.log) > 0 {
		// Only a function that panicked halfway leaves entries.
		w.gvn.reset()
	}
	for _, r := range w.resets {
		r()
	}
}

// OnReset registers fn to run at every Reset (for Ext's buffers).
func (w *Workspace) OnReset(fn func()) { w.resets = append(w.resets, fn) }

// chunks hands out fixed-size chunks of T, reusing those of earlier
// functions. Chunks are not cleared: values and blocks are written whole
// when created. New chunks and Bump buffers come from fresh.Make: their
// unused tails would otherwise be read by the collector before a later
// function writes them, costing each page two faults.
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
	s := fresh.Make[T](max(n, chunkLen))
	if c.used < len(c.list) {
		c.list[c.used] = s
	} else {
		c.list = append(c.list, s)
	}
	c.used++
	return s
}

func (c *chunks[T]) reset() { c.used = 0 }

// Bump hands out zeroed slices of one buffer, reused after Reset; a
// request that does not fit gets a new buffer twice the size (the slices
// already handed out keep the old one). Slices come out with their
// capacity capped, so appending to one never writes into another's.
type Bump[T any] struct {
	buf []T
	n   int
}

// Take returns n zero Ts.
func (b *Bump[T]) Take(n int) []T {
	s := b.takeDirty(n)
	clear(s)
	return s
}

// takeDirty is Take without the clearing: the Ts may be left over from
// before the last Reset.
func (b *Bump[T]) takeDirty(n int) []T {
	if b.n+n > len(b.buf) {
		b.buf = fresh.Make[T](max(2*len(b.buf), n, 1024))
		b.n = 0
	}
	s := b.buf[b.n : b.n+n : b.n+n]
	b.n += n
	return s
}

// Reset makes the whole buffer reusable.
func (b *Bump[T]) Reset() { b.n = 0 }

// Grow returns s with room for k more elements, taking new room from b
// when s is full; a nil b (no workspace) leaves s to append's growth.
// Small enough to inline: the allocator's liveness alone appends two
// million IDs one at a time, nearly all into room already there, and a
// call per append was ~2% of a big module's compile (callgrind).
func Grow[T any](b *Bump[T], s []T, k int) []T {
	if len(s)+k <= cap(s) || b == nil {
		return s
	}
	return b.grow(s, k)
}

// grow is Grow's slow path: s copied into new room from b. The room
// past len(s) is not cleared: it is out of the slice's length, and the
// appends Grow is for write it before anything reads it. Clearing it
// was ~1% of gobig's -O 2 compile (callgrind: ~1.2M grows, the pointer
// ones through memclrHasPointers and its write barriers).
func (b *Bump[T]) grow(s []T, k int) []T {
	t := b.takeDirty(max(2*cap(s), len(s)+k, 4))[:len(s)]
	copy(t, s)
	return t
}

// Int32s returns n zero int32s that live until the workspace is reset.
func (w *Workspace) Int32s(n int) []int32 {
	if w == nil {
		return make([]int32, n)
	}
	return w.i32.Take(n)
}

// Uint64s returns n zero uint64s that live until the workspace is reset.
func (w *Workspace) Uint64s(n int) []uint64 {
	if w == nil {
		return make([]uint64, n)
	}
	return w.u64.Take(n)
}

// Float32s returns n zero float32s that live until the workspace is reset.
func (w *Workspace) Float32s(n int) []float32 {
	if w == nil {
		return make([]float32, n)
	}
	return w.f32.Take(n)
}

// Values returns n nil *Values that live until the workspace is reset.
func (w *Workspace) Values(n int) []*Value {
	if w == nil {
		return make([]*Value, n)
	}
	return w.ptrs.Take(n)
}

// BlockPtrs returns n nil *Blocks that live until the workspace is reset.
func (w *Workspace) BlockPtrs(n int) []*Block {
	if w == nil {
		return make([]*Block, n)
	}
	return w.bptrs.Take(n)
}

// Bools returns n false bools that live until the workspace is reset.
func (w *Workspace) Bools(n int) []bool {
	if w == nil {
		return make([]bool, n)
	}
	return w.bools.Take(n)
}

// The Bumps Grow takes from, nil without a workspace.

func (w *Workspace) ValueBump() *Bump[*Value] {
	if w == nil {
		return nil
	}
	return &w.ptrs
}

func (w *Workspace) BlockBump() *Bump[*Block] {
	if w == nil {
		return nil
	}
	return &w.bptrs
}

func (w *Workspace) EdgeBump() *Bump[Edge] {
	if w == nil {
		return nil
	}
	return &w.edges
}

func (w *Workspace) Int32Bump() *Bump[int32] {
	if w == nil {
		return nil
	}
	return &w.i32
}

func (w *Workspace) paramRefBump() *Bump[paramRef] {
	if w == nil {
		return nil
	}
	return &w.prefs
}

// paramRefLists returns n nil []paramRefs.
func (w *Workspace) paramRefLists(n int) [][]paramRef {
	if w == nil {
		return make([][]paramRef, n)
	}
	return w.prefls.Take(n)
}
