package regalloc

import (
	"cmp"
	"errors"
	"math"
	"slices"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Target is what the allocator needs to know of an instruction set: its
// allocatable registers in order of preference, their classes, and the
// registers of the calling convention it uses as hints.
type Target interface {
	// Allocatable returns the registers values of f may take: the
	// general registers, or with float those for floats and vectors; with
	// acrossCalls, in the order that suits values live across a call
	// (registers no call takes arguments in first).
	Allocatable(f *ssa.Func, float, acrossCalls bool) []ssa.Reg
	// IsFloat reports whether r holds floats and vectors.
	IsFloat(r ssa.Reg) bool
	// CalleeSaved reports whether calls (and exits to the host) preserve
	// r: a value there lives across them without a save.
	CalleeSaved(r ssa.Reg) bool
	// ArgReg is the register parameter i of f arrives in, or NoReg.
	ArgReg(f *ssa.Func, i int) ssa.Reg
	// ParamRegs are the registers a call passes arguments of the given
	// types in (NoReg: on the stack).
	ParamRegs(params []ssa.Type) []ssa.Reg
	// RegName names r in messages.
	RegName(r ssa.Reg) string
	// Clobbers are the registers the code for v (with the values fused
	// into it) may overwrite besides v's own location, for any locations
	// of its operands and result: the scratch registers its lowering
	// uses. Only registers of MayClobber count.
	Clobbers(f *ssa.Func, v *ssa.Value) RegMask
	// TermClobbers are the registers b's terminator may overwrite (with
	// the comparison fused into it); the moves on edges must leave every
	// allocatable register alone but their destinations.
	TermClobbers(f *ssa.Func, b *ssa.Block) RegMask
	// MayClobber are the allocatable registers some instruction of f may
	// clobber: the union of Clobbers and TermClobbers, and what the
	// baseline tier, which does not look where, never allocates.
	MayClobber(f *ssa.Func) RegMask
	// TwoAddress reports whether instructions overwrite their first
	// operand with the result (x86): then a subtraction or division whose
	// result takes its second operand's register costs a detour, and the
	// allocator avoids that register.
	TwoAddress() bool
}

// NeedsReg reports whether v occupies a location at all: constants are
// rematerialized at each use, fused comparisons live in the flags.
func NeedsReg(v *ssa.Value) bool {
	return v.Type != ssa.TNone && v.Op != ssa.OpConst && !v.Fused
}

// interval is a value's live range [start, end] over instruction positions.
type interval struct {
	V          *ssa.Value
	Start, End int32
	// weight estimates the cost of spilling: uses weighted by loop depth.
	weight float32
	// cost is spillCost's result once costed.
	cost   float32
	costed bool
	// crosses is set by the scan when the value is live across a call
	// (crossesCall); assignSlots looks for the calls only then.
	crosses bool
	// next is where the scan's intersection tests with the interval
	// resume (holderIntersects).
	next int32
	// segs are the half-open ranges [from, to) where the value is live,
	// sorted: the holes between them (blocks laid out in between where it
	// is dead) can hold other values in the same register. A use by a
	// value at p ends a range at p, so the result defined at p can take
	// the register.
	segs []seg
}

type seg struct{ from, to int32 }

// intersects reports whether two intervals are live at a common position.
// Each list is entered by binary search at the first range that reaches
// the other's first position, and the walk stops at the end of either, so
// a long interval with many ranges costs only what overlaps the other.
func intersects(a, b *interval) bool {
	if a.End < b.Start-1 || b.End < a.Start-1 || len(a.segs) == 0 || len(b.segs) == 0 {
		return false
	}
	// Only the list starting first needs the search: the other's first
	// range ends after its own start, so after the earlier start too.
	i, j := 0, 0
	if a0, b0 := a.segs[0].from, b.segs[0].from; a0 <= b0 {
		i = segFrom(a.segs, b0)
	} else {
		j = segFrom(b.segs, a0)
	}
	aEnd, bEnd := a.segs[len(a.segs)-1].to, b.segs[len(b.segs)-1].to
	for i < len(a.segs) && j < len(b.segs) {
		x, y := a.segs[i], b.segs[j]
		if x.from >= bEnd || y.from >= aEnd {
			return false
		}
		if x.from < y.to && y.from < x.to {
			return true
		}
		if x.to <= y.to {
			i++
		} else {
			j++
		}
	}
	return false
}

// holderIntersects is intersects(it, cur) for the scan: it holds a
// register, cur is being allocated. Intervals are allocated by start, so
// it starts at or before cur, and cur no later than the next one: the
// ranges of it ending at or before cur's start end before any later
// interval's too. it.next skips them for good, where intersects searches
// for the first range that matters at every test, and an interval held
// through thousands of allocations was searched as often. The merge
// below is intersects' own, spelled out again: through a shared
// function (not inlined, for its loop) it cost gobig's compile 17M
// more instructions of 4.4G under callgrind.
func holderIntersects(it, cur *interval) bool {
	as, bs := it.segs, cur.segs
	if it.End < cur.Start-1 || len(as) == 0 || len(bs) == 0 {
		return false
	}
	i := int(it.next)
	for i < len(as) && as[i].to <= cur.Start {
		i++
	}
	it.next = int32(i)
	aEnd, bEnd := as[len(as)-1].to, bs[len(bs)-1].to
	for j := 0; i < len(as) && j < len(bs); {
		x, y := as[i], bs[j]
		if x.from >= bEnd || y.from >= aEnd {
			return false
		}
		if x.from < y.to && y.from < x.to {
			return true
		}
		if x.to <= y.to {
			i++
		} else {
			j++
		}
	}
	return false
}

// searchAbove is the index of the first position of ps (sorted) above
// p (positions are far below MaxInt32).
func searchAbove(ps []int32, p int32) int { return searchFrom(ps, p+1) }

// searchFrom is the index of the first position of ps (sorted) at or
// above p.
func searchFrom(ps []int32, p int32) int {
	lo, hi := 0, len(ps)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ps[m] < p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// segFrom is the index of the first range of ss ending after p.
func segFrom(ss []seg, p int32) int {
	lo, hi := 0, len(ss)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ss[m].to <= p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// liveAcross reports whether iv is defined before position p and used
// after it.
func (iv *interval) liveAcross(p int32) bool {
	k := segFrom(iv.segs, p)
	return k < len(iv.segs) && iv.segs[k].from < p
}

// spillCost is the weight of an interval (its definition and uses, each
// weighted by its loop depth) per position it is live, each position
// weighted by its loop depth too, with the live length counted as at
// least minSpillLen positions at the depth of its start: the uses per
// executed position. A long interval spilled frees the register for
// everything defined while it would have held it, and a short-lived value
// freed from its register helps little (it is stored and reloaded right
// away). Without the floor, a value of a few positions outranked any long
// one: a byte loaded and stored 3 positions later (weight 2 per position)
// evicted the state pointer used every 7 positions of AES's round loop,
// which was then reloaded at each use for its whole life
// (testdata/bench/wider/aes.wasm's ShiftRows).
//
// Positions are weighted like uses so that a value's cold parts do not
// dilute its hot ones: per plain position, a pointer used in every
// statement of a loop but idle through a long stretch of code outside it
// averaged below a byte used twice in the loop, and was evicted for its
// whole life (TestPointerKeepsRegisterInLoop); per weighted position, the
// stretch counts an eighth of the loop's positions, and the pointer's
// uses per executed position are those of the loop. Holes (ranges where
// the value is dead, which other values may share) do not count.
//
// The weighted positions are a prefix sum by position (depthPrefix),
// built at the first eviction; the cost is computed once per interval.
func (s *scanner) spillCost(iv *interval) float32 {
	if iv.costed {
		return iv.cost
	}
	if s.dp == nil {
		s.dp = depthPrefix(s.f)
	}
	dp := s.dp
	var wl float32
	for _, sg := range iv.segs {
		wl += dp[sg.to] - dp[sg.from]
	}
	floor := minSpillLen * (dp[iv.Start+1] - dp[iv.Start])
	iv.cost, iv.costed = iv.weight/max(wl, floor), true
	return iv.cost
}

// depthPrefix returns dp with dp[p] the sum of the depth weights
// (depthWeight) of the positions before p, for p up to one past the last
// position a range may end at (the last terminator's, plus one).
func depthPrefix(f *ssa.Func) []float32 {
	n := int32(0)
	if k := len(f.Blocks); k > 0 {
		n = f.Blocks[k-1].End + 1
	}
	dp := f.WS.Float32s(int(n) + 2)
	var acc float32
	for _, b := range f.Blocks {
		dw := depthWeight(b.LoopDepth)
		for p := b.Start; p <= b.End; p++ {
			dp[p] = acc
			acc += dw
		}
	}
	// Past the last terminator: a range ends there; the floor reads the
	// weight of one position from an interval's start.
	dp[n], dp[n+1] = acc, acc+1
	return dp
}

// minSpillLen is the floor of the length spillCost divides by, in
// positions at the depth of the interval's start. Measured (per plain
// position, before positions were weighted)
// over the corpus, the wider set and real C programs (guest
// instructions): 16 and 32 gave the same gains (wider aes -11%, nothing
// worse); the square root of the length instead gained more on some
// programs but lost 19% of lz4's time (long values kept their registers
// through its match finder's hot loop), the weight alone lost on most.
const minSpillLen = 16

func depthWeight(d int32) float32 {
	w := float32(1)
	for ; d > 0 && w < 1e6; d-- {
		w *= 8
	}
	return w
}

// Result is the allocation of one function: the values' locations are
// in their Loc fields; this holds what the emitter needs besides.
type Result struct {
	Intervals []interval
	NumSlots  int32
	// Pos are the positions the allocation numbered (NumberPositions),
	// by value ID, for the emitter: f is unchanged since, so numbering
	// again would give the same.
	Pos []int32
	// saves lists, per call-like value ID, the values in registers that are
	// live across it.
	Saves map[int32][]*ssa.Value
	// callPos are the positions of calls and builtins, intPos those of
	// interrupt checks (whose slow path saves registers itself), sorted.
	callPos, intPos []int32
	// callsBefore[p] and intsBefore[p] count the positions of callPos and
	// intPos below p, for p up to one past the last terminator's (the end
	// of any range): where a binary search would enter the lists (nil for
	// an empty list).
	callsBefore, intsBefore []int32
	// callDepth is the loop depth of the block of each of callPos.
	callDepth []int32
	// exitStores lists, per block ID, the values stored to their slots
	// at the block's top (exitstore.go); nil when none.
	exitStores [][]*ssa.Value
	// Splits are the spilled values kept in a register through a loop
	// (split.go); inLoop and reloads index them by block ID.
	Splits          []Split
	inLoop, reloads [][]int32
	// webOf pairs the two parameters of each web spilled into one slot
	// (paramweb.go), both ways; webReg is p's register from the scan,
	// given back if the slot is taken; reserved are the slots of webs'
	// q values waiting for their p.
	webOf    map[*ssa.Value]*ssa.Value
	webReg   map[*ssa.Value]ssa.Reg
	webIn    []bool // by value ID: in webOf
	reserved map[int32]bool
	// wanted counts, per slot, the spilled partners still to come of the
	// value in it (settlePartners).
	wanted map[int32]int32
}

// NumberPositions assigns instruction positions in layout order: one for
// each block's entry (where parameters are defined), one per value, one for
// the terminator.
func NumberPositions(f *ssa.Func) []int32 {
	pos := f.WS.Int32s(int(f.NextID))
	n := int32(0)
	for _, b := range f.Blocks {
		b.Start = n
		for _, p := range b.Params {
			pos[p.ID] = n
		}
		n++
		for _, v := range b.Values {
			pos[v.ID] = n
			n++
		}
		b.End = n
		n++
	}
	return pos
}

// globalIDs numbers the values that are used outside the block defining
// them; only those take part in the liveness dataflow, which keeps the
// per-block bitsets small.
func globalIDs(f *ssa.Func) ([]int32, int) {
	gid, n, _ := globalUses(f, false)
	return gid, n
}

// globalUses is globalIDs, and with withUses also the uses liveness
// starts from, as pairs (value ID, layout index of the using block) in
// walk order: a use inside a block, or an edge argument leaving it, of a
// value defined in another. One walk over the operands instead of three.
func globalUses(f *ssa.Func, withUses bool) ([]int32, int, []int32) {
	gid := f.WS.Int32s(int(f.NextID))
	for i := range gid {
		gid[i] = -1
	}
	n := 0
	var uses []int32
	if withUses {
		uses = f.WS.Int32s(64)[:0]
	}
	bump := f.WS.Int32Bump()
	use := func(a *ssa.Value, b *ssa.Block, at int32) {
		if a != nil && a.Block != b && NeedsReg(a) {
			if gid[a.ID] < 0 {
				gid[a.ID] = int32(n)
				n++
			}
			if withUses {
				uses = append(ssa.Grow(bump, uses, 2), a.ID, at)
			}
		}
	}
	for i, b := range f.Blocks {
		at := int32(i)
		for _, v := range b.Values {
			if v.Op == ssa.OpResult {
				continue
			}
			for _, a := range v.Args {
				use(a, b, at)
			}
		}
		use(b.Control, b, at)
		for _, r := range b.Results {
			use(r, b, at)
		}
		for _, e := range b.Succs {
			for _, a := range e.Args {
				use(a, b, at)
			}
		}
	}
	return gid, n, uses
}

// ErrTooCostly is what Allocate and AllocateFast panic with when a
// function's live-in sets together pass its budget (liveInLimit); the
// caller compiles the function another way (codegen: the baseline), as
// for the frontend's ssa.ErrTooCostly. (Its own value, not that one: a
// variable set from another package's would be initialised at run time,
// and a program that only runs compiled code must not initialise this
// package, e2e.TestRunSONoCompilerInit.)
var ErrTooCostly = errors.New("regalloc: the function's live ranges pass the allocator's budget")

// liveInBudget bounds the entries of a function's live-in sets, each of
// which costs the allocator about 16 bytes in all. Their number is the
// sum over values of the blocks each is live into: a function that
// writes each of L locals in one of B branches and reads them all after
// has L×B (50,000 locals and 20,000 ifs, a 470 KB module, took 15.5 GB).
// Under that absolute bound a function built from a wasm body has
// liveInPerByte entries per byte of it and liveInFloor more: 2,000
// locals written in 4,000 ifs (a 56 KB module) had 16M, 200 MB at -O 2.
// The real programs measured (scripts/real.sh, gobig) have at most 4.3
// per byte (brotli's largest function, 940K for 218 KB).
const (
	liveInBudget  = 16 << 20
	liveInPerByte = 32
	liveInFloor   = 256 << 10
)

// liveInLimit is f's budget of live-in entries.
func liveInLimit(f *ssa.Func) int {
	if f.BodySize == 0 {
		return liveInBudget
	}
	return min(liveInBudget, liveInPerByte*f.BodySize+liveInFloor)
}

// liveness computes each block's live-in set of global values by path
// exploration (Brandner et al., "Computing Liveness Sets for SSA-Form
// Programs"): from every use, walk backwards through the predecessors
// until the definition, marking the blocks passed. Each value is explored
// on its own, so a per-block stamp tells whether the walk has been there
// already; the cost is the size of the sets, never blocks times values
// (dense bitsets per block) nor an iteration to a fixed point per loop
// level. The sets are Block.LiveIn, of global IDs, sorted; idOf maps
// global IDs to value IDs. It returns the global IDs too (globalIDs).
//
// Live-out sets are not built: a value is live out of a block iff it is
// live into a successor or an argument on an edge leaving it, and the
// users (buildSegments, spans) walk those. The lists, one entry per value
// and block it leaves, were a fifth of this function's cost and written
// only to be read once.
func liveness(f *ssa.Func) (gid []int32, n int, idOf []int32) {
	gid, n, pairs := globalUses(f, true)
	for _, b := range f.Blocks {
		b.LiveIn = b.LiveIn[:0]
	}
	// uses[g] lists the layout indexes of the blocks using global value g.
	counts := f.WS.Int32s(n + 1)
	for k := 0; k < len(pairs); k += 2 {
		counts[gid[pairs[k]]+1]++
	}
	for g := 1; g <= n; g++ {
		counts[g] += counts[g-1]
	}
	uses := f.WS.Int32s(int(counts[n]))
	fill := f.WS.Int32s(n)
	copy(fill, counts[:n])
	for k := 0; k < len(pairs); k += 2 {
		g := gid[pairs[k]]
		uses[fill[g]] = pairs[k+1]
		fill[g]++
	}

	// idOf and defAt (the layout index of the defining block, -1 for a
	// global ID defined in no block) by global ID: dense tables, not the
	// values' own fields, which the walk below read from all over memory.
	idOf = f.WS.Int32s(n)
	defAt := f.WS.Int32s(n)
	for g := range defAt {
		defAt[g] = -1
	}
	for i, b := range f.Blocks {
		for _, p := range b.Params {
			if g := gid[p.ID]; g >= 0 {
				idOf[g], defAt[g] = p.ID, int32(i)
			}
		}
		for _, v := range b.Values {
			if g := gid[v.ID]; g >= 0 {
				idOf[g], defAt[g] = v.ID, int32(i)
			}
		}
	}
	// The marks are by block ID: the walk goes from block to predecessor
	// by pointer.
	inMark := f.WS.Int32s(int(f.NextBlock))
	for i := range inMark {
		inMark[i] = -1
	}
	var work []*ssa.Block
	sc := scratchOf(f.WS)
	if sc != nil {
		work = sc.work[:0]
	}
	bump := f.WS.Int32Bump()
	total, limit := 0, liveInLimit(f) // live-in entries so far, and the most
	for g := int32(0); g < int32(n); g++ {
		if defAt[g] < 0 {
			continue
		}
		if total > limit {
			panic(ErrTooCostly)
		}
		def := f.Blocks[defAt[g]]
		// addIn marks v live into block b, and queues b's predecessors
		// the first time: a block is tested before it is queued, not
		// after, so one reached again is not pushed and popped again.
		addIn := func(b *ssa.Block) {
			if b != def && inMark[b.ID] != g {
				inMark[b.ID] = g
				b.LiveIn = append(ssa.Grow(bump, b.LiveIn, 1), g)
				work = append(work, b)
				total++
			}
		}
		work = work[:0]
		for _, u := range uses[counts[g]:counts[g+1]] {
			addIn(f.Blocks[u])
		}
		for len(work) > 0 {
			b := work[len(work)-1]
			work = work[:len(work)-1]
			for _, p := range b.Preds {
				addIn(p)
			}
		}
	}
	if sc != nil {
		sc.work = work[:0]
	}
	return gid, n, idOf
}

// defs are NumberPositions' positions, with each value that needs a
// location started at its definition: start and end, by value ID, are
// its position (the block's start for a parameter), -1 for the values
// that need none, of which there are n. buildIntervals and spans
// (fast.go) extend the ranges from there.
type defs struct {
	pos, start, end []int32
	n               int
}

// numberDefs is NumberPositions and defs in one walk over the values.
func numberDefs(f *ssa.Func) defs {
	pos := f.WS.Int32s(int(f.NextID))
	start := f.WS.Int32s(int(f.NextID))
	end := f.WS.Int32s(int(f.NextID))
	for i := range start {
		start[i], end[i] = -1, -1
	}
	n, nd := int32(0), 0
	for _, b := range f.Blocks {
		b.Start = n
		for _, p := range b.Params {
			pos[p.ID] = n
			if NeedsReg(p) {
				start[p.ID], end[p.ID] = n, n
				nd++
			}
		}
		n++
		for _, v := range b.Values {
			pos[v.ID] = n
			if NeedsReg(v) {
				start[v.ID], end[v.ID] = n, n
				nd++
			}
			n++
		}
		b.End = n
		n++
	}
	return defs{pos, start, end, nd}
}

// buildIntervals computes one conservative range per value: from its
// definition (or the first block it is live into) to its last use (or the
// end of the last block it is live out of). The start is that of the
// value's first live range: every range starts at the definition or at
// the start of a block the value is live into, and every use lies in a
// range.
// d is numberDefs', gid and idOf are liveness's.
func buildIntervals(f *ssa.Func, d defs, gid []int32, idOf []int32) []interval {
	const none = -1
	pos, start, end, n := d.pos, d.start, d.end, d.n
	weight := f.WS.Float32s(int(f.NextID))
	segsOf, lastUse := buildSegments(f, pos, gid, idOf, rangeTables{start, end, weight})
	// A value used only in the block defining it (no global ID) has one
	// range, from its definition to its last use: its own slot of one
	// array, not a list grown range by range.
	sc := scratchOf(f.WS)
	local := sc.segSlice(n)
	ivs := sc.intervals(n)
	add := func(v *ssa.Value) {
		id := v.ID
		ss := segsOf[id]
		if gid[id] < 0 {
			from := start[id]
			k := len(ivs)
			local[k] = seg{from, max(lastUse[id], from+1)}
			ss = local[k : k+1 : k+1]
		}
		ivs = append(ivs, interval{V: v, Start: ss[0].from, End: end[id], weight: weight[id], segs: ss})
	}
	for _, b := range f.Blocks {
		for _, p := range b.Params {
			if start[p.ID] != none {
				add(p)
			}
		}
		for _, v := range b.Values {
			if start[v.ID] != none {
				add(v)
			}
		}
	}
	// Nearly always in order already (definitions in layout order): a
	// check is one pass, the stable sort several.
	byStart := func(a, b interval) int { return cmp.Compare(a.Start, b.Start) }
	if !slices.IsSortedFunc(ivs, byStart) {
		slices.SortStableFunc(ivs, byStart)
	}
	return ivs
}

// rangeTables are the per-value tables (indexed by value ID) buildSegments
// fills besides the ranges, in the same walk over every operand: the end
// of the conservative interval (start is the definition, -1 for values
// without a location, and stays so: the interval starts where the first
// range does) and the spill weight. One walk instead of
// two: the walks over the operands were ~5% of a big module's compile.
type rangeTables struct {
	start, end []int32
	weight     []float32
}

// buildSegments computes each global value's live ranges block by block:
// from the block start (live in) or its definition to its last use in the
// block or past the terminator (live out), merging ranges of adjacent
// blocks. Of the values local to a block (no global ID) it only records
// the last use, in lastUse by value ID (-1: none), from which
// buildIntervals makes their single range. On the way it extends each
// value's interval end in rt to every position where the value is live or
// used, and adds each use to its weight.
func buildSegments(f *ssa.Func, pos, gid []int32, idOf []int32, rt rangeTables) (segsOf [][]seg, lastUse []int32) {
	sc := scratchOf(f.WS)
	segsOf = sc.segLists(int(f.NextID))
	openAt := f.WS.Int32s(int(f.NextID))
	lastUse = f.WS.Int32s(int(f.NextID))
	for i := range openAt {
		openAt[i], lastUse[i] = -1, -1
	}
	start, end, weight := rt.start, rt.end, rt.weight
	extend := func(id int32, p int32) {
		if start[id] >= 0 && p > end[id] {
			end[id] = p
		}
	}
	// touched are the global values open in the block, each once.
	var touched []int32
	if sc != nil {
		touched = sc.touched[:0]
	}
	open := func(v *ssa.Value, p int32) {
		if gid[v.ID] >= 0 {
			openAt[v.ID] = p
			touched = append(touched, v.ID)
		}
	}
	// A block's uses come in increasing position (the terminator's last),
	// so the latest is the last use. A value used in a block is live into
	// it or defined there before the use (liveness): its range is open.
	for _, b := range f.Blocks {
		touched = touched[:0]
		// Global values (idOf) all need a location and have a start.
		// A value live in is used in the block or live out of it, either
		// past b.Start (NumberPositions): its end is raised there.
		// None is open yet: the list has each once, and every range
		// of the block before was closed.
		for _, g := range b.LiveIn {
			id := idOf[g]
			openAt[id] = b.Start
			touched = append(touched, id)
		}
		for _, p := range b.Params {
			open(p, b.Start)
		}
		dw := depthWeight(b.LoopDepth)
		for _, v := range b.Values {
			weight[v.ID] += dw
			if v.Op != ssa.OpResult {
				p := pos[v.ID]
				for k, a := range v.Args {
					// start is set (defPoints) for the values that need a
					// location: NeedsReg without reading a's fields.
					id := a.ID
					if start[id] < 0 {
						continue
					}
					end[id] = max(end[id], p)
					if a.Op == ssa.OpMemLen || a.Op == ssa.OpParam && isMemLenUse(v, k) {
						// A bounds check compares against memory as cheaply
						// as against a register: memory lengths are the
						// first values to leave registers.
						weight[a.ID] += dw / 16
					} else {
						weight[id] += dw
					}
					lastUse[id] = p
				}
			}
			open(v, pos[v.ID])
		}
		// Terminator operands are read at b.end, after every definition;
		// their ranges reach past it.
		if c := b.Control; c != nil && NeedsReg(c) {
			extend(c.ID, b.End)
			weight[c.ID] += dw
			lastUse[c.ID] = b.End + 1
		}
		for _, r := range b.Results {
			if NeedsReg(r) {
				extend(r.ID, b.End)
				lastUse[r.ID] = b.End + 1
			}
		}
		for _, e := range b.Succs {
			for _, a := range e.Args {
				if NeedsReg(a) {
					extend(a.ID, b.End)
					weight[a.ID] += dw
					lastUse[a.ID] = b.End + 1
				}
			}
		}
		// A value live out is live into a successor or an argument on
		// an edge (above). It is live in or defined here (liveness), so
		// it is open and starts at or before b.Start or its definition.
		for _, e := range b.Succs {
			for _, g := range e.B.LiveIn {
				id := idOf[g]
				end[id] = max(end[id], b.End)
				lastUse[id] = b.End + 1
			}
		}
		for _, id := range touched {
			from := openAt[id]
			to := max(lastUse[id], from+1)
			ss := segsOf[id]
			if n := len(ss); n > 0 && ss[n-1].to >= from {
				ss[n-1].to = max(ss[n-1].to, to)
			} else {
				segsOf[id] = append(ssa.Grow(sc.segBump(), ss, 1), seg{from, to})
			}
			openAt[id], lastUse[id] = -1, -1
		}
	}
	if sc != nil {
		sc.touched = touched[:0]
	}
	return segsOf, lastUse
}

// Allocate runs linear-scan register allocation over live ranges with
// holes (in the manner of Traub et al. and Wimmer): it walks intervals by
// start and gives each a register none of whose current holders it
// intersects, preferring hinted registers (parameter and argument
// registers of the convention, the register of the parameter a value
// flows into, a dying first operand's register so two-address
// instructions need no copy). When none is free, the cheapest interval
// (uses weighted by loop depth, per position weighted so: spillCost) among the
// current one and single blockers is spilled for its whole life. A value
// lives in one register or one
// stack slot, but a spilled one may be split around a loop, where a
// register is free, after the scan (split.go). Values live across calls prefer a
// callee-saved register, which calls preserve; in any other register they
// are stored at their definition and reloaded after each call. A register
// the target's instructions may use as scratch (Target.MayClobber) is
// free for a value only if no instruction in its ranges clobbers it
// (clobber.go).
func Allocate(f *ssa.Func, m *wasm.Module, t Target) *Result {
	d := numberDefs(f)
	pos := d.pos
	gid, ng, idOf := liveness(f)
	ivs := buildIntervals(f, d, gid, idOf)
	ra := &Result{Intervals: ivs, Pos: pos, Saves: map[int32][]*ssa.Value{}}
	callW := ra.findCalls(f, pos)
	h := findHints(f, m, t)
	cl := findClobbersIn(scratchOf(f.WS).clobberTable(), f, pos, t)
	ra.scan(f, t, callW, h, cl)
	ra.spillParamWebs(f)
	ra.assignSlots(f, t)
	ra.sinkDefStores(f)
	ra.split(f, t, gid, ng, cl)
	return ra
}

// findCalls records the positions of calls and interrupt checks and
// returns callW: callW[i] is the total loop-depth weight of the first i
// calls, so the cost of reloading an interval after every call it spans
// is a difference of two prefix sums.
func (ra *Result) findCalls(f *ssa.Func, pos []int32) []float32 {
	callW := []float32{0}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpInterrupt {
				ra.intPos = append(ra.intPos, pos[v.ID])
			} else if ssa.OpInfos[v.Op].Call {
				ra.callPos = append(ra.callPos, pos[v.ID])
				ra.callDepth = append(ra.callDepth, b.LoopDepth)
				callW = append(callW, callW[len(callW)-1]+depthWeight(b.LoopDepth))
			}
		}
	}
	n := int32(0)
	if k := len(f.Blocks); k > 0 {
		n = f.Blocks[k-1].End + 2
	}
	ra.callsBefore = countBefore(f, ra.callPos, n)
	ra.intsBefore = countBefore(f, ra.intPos, n)
	return callW
}

// countBefore returns c with c[p] the number of positions of ps (sorted)
// below p, for p < n; nil for an empty ps.
func countBefore(f *ssa.Func, ps []int32, n int32) []int32 {
	if len(ps) == 0 {
		return nil
	}
	c := f.WS.Int32s(int(n))
	p := int32(0)
	for k, q := range ps {
		for ; p <= q; p++ {
			c[p] = int32(k)
		}
	}
	for ; p < n; p++ {
		c[p] = int32(len(ps))
	}
	return c
}

// hints are the registers a value would like: paramOf maps an edge
// argument to the parameter it binds, pidx a parameter to its index, and
// callArg a value passed to a call to its convention register.
type hints struct {
	paramOf []*ssa.Value
	pidx    []int32
	callArg []ssa.Reg
}

func findHints(f *ssa.Func, m *wasm.Module, t Target) hints {
	// paramOf maps an edge argument to the parameter it binds, so an
	// argument defined after the parameter (a loop back edge) can take the
	// parameter's register and the edge needs no move. An edge split out
	// of its block (no values, one predecessor) counts as that block's.
	// An argument passed on several edges takes the parameter of the one
	// run most often, judged by the loop depth of its two ends (a loop's
	// back edge over its exit: an accumulator that also leaves the loop
	// is hinted to the loop's register, not the exit's).
	paramOf := f.WS.Values(int(f.NextID))
	edgeDepth := f.WS.Int32s(int(f.NextID))
	for _, b := range f.Blocks {
		from := b
		if len(b.Values) == 0 && len(b.Preds) == 1 {
			from = b.Preds[0]
		}
		for _, e := range b.Succs {
			d := min(b.LoopDepth, e.B.LoopDepth)
			for i, a := range e.Args {
				if (a.Block == b || a.Block == from) && NeedsReg(a) && (paramOf[a.ID] == nil || d >= edgeDepth[a.ID]) {
					paramOf[a.ID], edgeDepth[a.ID] = e.B.Params[i], d
				}
			}
		}
	}
	pidx := f.WS.Int32s(int(f.NextID))
	for _, b := range f.Blocks {
		for i, p := range b.Params {
			pidx[p.ID] = int32(i)
		}
	}
	// callArg maps a value passed to a call to its convention register.
	callArg := scratchOf(f.WS).regSlice(int(f.NextID))
	for i := range callArg {
		callArg[i] = ssa.NoReg
	}
	sc := scratchOf(f.WS)
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			var ti uint32
			switch v.Op {
			case ssa.OpCall:
				ti = m.FuncTypeIndex(uint32(v.Aux))
			case ssa.OpCallIndirect:
				ti = uint32(v.Aux)
			default:
				continue
			}
			regs, ok := sc.paramRegs(m, t, ti)
			if !ok {
				continue
			}
			for i, a := range v.Args[:len(regs)] {
				if callArg[a.ID] == ssa.NoReg {
					callArg[a.ID] = regs[i]
				}
			}
		}
	}
	return hints{paramOf, pidx, callArg}
}

// scan is the linear scan proper: each interval in order of start takes
// a free register, preferring its hints, or evicts a cheaper blocker, or
// stays spilled.
func (ra *Result) scan(f *ssa.Func, t Target, callW []float32, h hints, cl *clobbers) {
	s := &scanner{ra: ra, f: f, t: t, callW: callW, h: h, cl: cl, twoAddr: t.TwoAddress()}
	// The target's answers, asked once: the scan asks them for every
	// interval and every register it tries, each a call through the
	// interface.
	for r := range ssa.Reg(ssa.MaxRegs) {
		if t.IsFloat(r) {
			s.float |= 1 << uint(r)
		}
		if t.CalleeSaved(r) {
			s.callee |= 1 << uint(r)
		}
	}
	for c, float := range []bool{false, true} {
		s.regs[c] = [2][]ssa.Reg{t.Allocatable(f, float, false), t.Allocatable(f, float, true)}
	}
	sc := scratchOf(f.WS)
	if sc != nil {
		// The register lists grow in the worker's memory, kept from
		// function to function (~90k allocations per big module).
		for r := range s.assigned {
			s.assigned[r] = sc.assigned[r][:0]
		}
	}
	for r := range s.minEnd {
		s.minEnd[r] = math.MaxInt32
	}
	for i := range ra.Intervals {
		s.allocate(&ra.Intervals[i])
	}
	if sc != nil {
		for r := range s.assigned {
			sc.assigned[r] = s.assigned[r][:0]
		}
	}
}

// scanner is the state of one scan.
type scanner struct {
	ra    *Result
	f     *ssa.Func
	t     Target
	callW []float32 // prefix sums of the calls' weights, by callPos index
	h     hints
	cl    *clobbers // where the registers of Target.MayClobber are clobbered
	// float and callee are the registers for which the target's IsFloat
	// and CalleeSaved hold, twoAddr its TwoAddress; regs[c][x] its
	// Allocatable(f, c == 1, x == 1).
	float, callee RegMask
	twoAddr       bool
	regs          [2][2][]ssa.Reg
	// dp are the loop-weighted positions spillCost divides by, built by
	// the first eviction (depthPrefix).
	dp []float32
	// backArgs are the float loop arguments whose parameters' registers
	// other float values try last (vexfloat.go), found when the first
	// float value is allocated (backArgsFound).
	backArgs      []backArg
	backArgsFound bool

	// assigned[r] holds the intervals given register r that may still be
	// live; with holes, several can share r as long as they never
	// intersect.
	//
	// A register shared by more than maxHolders intervals that may still
	// be live counts as busy without looking: the lists stay short, and
	// allocation linear in the number of intervals, at the price of a few
	// more spills in functions whose values interleave that much.
	assigned [ssa.MaxRegs][]*interval
	// minEnd[r] is at most the earliest end among assigned[r] (MaxInt32
	// for an empty list; an eviction may leave it lower): the list needs
	// pruning only once the scan has passed it.
	minEnd [ssa.MaxRegs]int32
}

// allocate gives cur a register or leaves it spilled.
func (s *scanner) allocate(cur *interval) {
	v := cur.V
	v.Loc = ssa.Loc{Reg: ssa.NoReg, Slot: -1}
	cls := ssa.B2i[int](v.Type.IsFloat())
	regs := s.regs[cls][0]
	s.expire(regs, cur.Start)

	crossesCall := s.crossesCall(cur)
	cur.crosses = crossesCall
	r := ssa.NoReg
	if crossesCall {
		regs = s.regs[cls][1]
		r = s.pickCalleeSaved(cur, regs)
	}
	// A value reloaded after more calls than it is used is cheaper
	// to keep in its slot and load at each use. One live across no call
	// has no reload to weigh (reloadCost counts the calls crossesCall
	// looks for, each of weight at least 1).
	if r == ssa.NoReg && crossesCall && s.reloadCost(cur) > cur.weight {
		return
	}
	if r == ssa.NoReg {
		r = s.pick(cur, regs, crossesCall)
	}
	if r == ssa.NoReg {
		if r = s.evict(cur, regs); r == ssa.NoReg {
			return
		}
	}
	v.Loc.Reg = r
	if cur.End < s.minEnd[r] {
		s.minEnd[r] = cur.End
	}
	s.assigned[r] = append(s.assigned[r], cur)
}

// expire drops from the lists of regs the intervals that end before
// position start.
func (s *scanner) expire(regs []ssa.Reg, start int32) {
	for _, r := range regs {
		if s.minEnd[r] >= start {
			continue
		}
		k := 0
		m := int32(math.MaxInt32)
		for _, it := range s.assigned[r] {
			if it.End >= start {
				s.assigned[r][k] = it
				k++
				m = min(m, it.End)
			}
		}
		s.assigned[r], s.minEnd[r] = s.assigned[r][:k], m
	}
}

// reloadCost is the weight of the calls iv is live across (liveAcross),
// after each of which a value in a register is reloaded. A call in a hole
// of iv costs nothing: a value used before a loop of calls and after it,
// but dead inside, stays in its register.
func (s *scanner) reloadCost(iv *interval) float32 {
	before := s.ra.callsBefore
	var w float32
	for _, sg := range iv.segs {
		lo, hi := before[sg.from+1], before[sg.to]
		if hi > lo {
			w += s.callW[hi] - s.callW[lo]
		}
	}
	return w
}

// crossesCall reports whether cur is live across a call.
func (s *scanner) crossesCall(cur *interval) bool {
	callPos := s.ra.callPos
	if len(callPos) == 0 {
		return false
	}
	lo, hi := s.ra.callsBefore[cur.Start+1], s.ra.callsBefore[cur.End]
	for j := lo; j < hi; j++ {
		if cur.liveAcross(callPos[j]) {
			return true
		}
	}
	return false
}

// free reports whether r is free for cur; if not, an interval blocking it
// and the number of blockers (2 standing for "too many to count", or for
// a register an instruction in cur's ranges clobbers, which no eviction
// frees).
func (s *scanner) free(r ssa.Reg, cur *interval) (bool, *interval, int) {
	if len(s.assigned[r]) > maxHolders || s.cl.hits(r, cur) {
		return false, nil, 2
	}
	var blocker *interval
	n := 0
	for _, it := range s.assigned[r] {
		if holderIntersects(it, cur) {
			blocker = it
			n++
		}
	}
	return n == 0, blocker, n
}

// pick returns the first free register of: cur's hints, then regs in
// order, or NoReg.
func (s *scanner) pick(cur *interval, regs []ssa.Reg, crossesCall bool) ssa.Reg {
	v := cur.V
	r := ssa.NoReg
	try := func(h ssa.Reg) {
		if r == ssa.NoReg && h != ssa.NoReg && s.float.Has(h) == v.Type.IsFloat() {
			if ok, _, _ := s.free(h, cur); ok {
				r = h
			}
		}
	}
	// Hints: the parameter register, the register of the parameter an
	// argument flows into, the argument register of the call it is
	// passed to, the first operand's register.
	if v.Op == ssa.OpArg {
		try(s.t.ArgReg(s.f, int(v.Aux)))
	}
	if p := s.h.paramOf[v.ID]; p != nil && p.Loc.InReg() {
		try(p.Loc.Reg)
	} else if p != nil {
		// The parameter comes later in the scan (its block is laid out
		// after this argument's): it will prefer the register of an
		// argument already allocated, so that is this one's too.
		s.tryArgRegs(p, try)
	}
	if h := s.h.callArg[v.ID]; h != ssa.NoReg {
		try(h)
	}
	if v.Op == ssa.OpParam && !crossesCall {
		// The register of an argument that arrives already allocated
		// (a loop's entry edge) saves the move on that edge.
		s.tryArgRegs(v, try)
	}
	// Three-operand float arithmetic needs no copy either way
	// (vexfloat.go).
	threeAddr := s.f.FloatVEX && vexFloatOp(v.Op)
	// An integer compare's setcc writes a register of its own: one that
	// is none of its operands' can be zeroed before the compare, where an
	// operand's needs a movzx after the setcc (isa/amd64 zeroFirst). So
	// no operand hints, and the operands' registers come last.
	intCmp := ssa.IsCompare(v.Op)
	var held RegMask
	if v.Type.IsFloat() && r == ssa.NoReg {
		held = s.heldForArgs(cur)
	}
	if !threeAddr && !intCmp && r == ssa.NoReg && len(v.Args) > 0 && v.Op != ssa.OpResult {
		// The operands' registers (operandHints), but not one held.
		a, b := operandHints(v)
		if NeedsReg(a) && a.Loc.InReg() && !held.Has(a.Loc.Reg) {
			try(a.Loc.Reg)
		}
		if r == ssa.NoReg && b != nil && NeedsReg(b) && b.Loc.InReg() && !held.Has(b.Loc.Reg) {
			try(b.Loc.Reg)
		}
	}
	// A non-commutative two-address operation whose result shares the
	// second operand's register needs a detour through a scratch
	// register: take that register only as a last resort.
	var avoid RegMask
	if s.twoAddr && !threeAddr && (v.Op == ssa.OpSub || v.Op == ssa.OpFSub || v.Op == ssa.OpFDiv) && NeedsReg(v.Args[1]) {
		avoid = Mask(v.Args[1].Loc.Reg)
	}
	if intCmp {
		avoid = operandRegs(v)
	}
	for _, c := range regs {
		if r != ssa.NoReg {
			return r
		}
		if !avoid.Has(c) && !held.Has(c) {
			try(c)
		}
	}
	if held != 0 {
		for _, c := range regs {
			if r != ssa.NoReg {
				return r
			}
			if !avoid.Has(c) && held.Has(c) {
				try(c)
			}
		}
	}
	for _, c := range regs {
		if avoid.Has(c) {
			try(c)
		}
	}
	return r
}

// operandRegs are the registers v's operands are in, with those of the
// operands of an operand fused into v (a load's address).
func operandRegs(v *ssa.Value) RegMask {
	var m RegMask
	for _, x := range v.Args {
		if x.Loc.InReg() {
			m |= Mask(x.Loc.Reg)
		}
		if x.Fused {
			m |= operandRegs(x)
		}
	}
	return m
}

// tryArgRegs offers try the registers of the arguments already allocated
// that bind parameter p, in the order of p's block's predecessors.
func (s *scanner) tryArgRegs(p *ssa.Value, try func(ssa.Reg)) {
	k := s.h.pidx[p.ID]
	if k < 0 || p.Op != ssa.OpParam {
		return
	}
	for _, pred := range p.Block.Preds {
		if a := pred.Succs[pred.EdgeTo(p.Block)].Args[k]; NeedsReg(a) && a.Loc.InReg() {
			try(a.Loc.Reg)
		}
	}
}

// pickCalleeSaved returns the first free callee-saved register of regs,
// or NoReg: a value live across calls costs nothing at them there, which
// outweighs any hint.
func (s *scanner) pickCalleeSaved(cur *interval, regs []ssa.Reg) ssa.Reg {
	for _, r := range regs {
		if s.callee.Has(r) {
			if ok, _, _ := s.free(r, cur); ok {
				return r
			}
		}
	}
	return ssa.NoReg
}

// evict takes a register of regs from the cheapest single interval
// blocking it, if that is cheaper than cur (spillCost, then the one
// ending last), and returns it; otherwise NoReg and cur
// stays spilled.
func (s *scanner) evict(cur *interval, regs []ssa.Reg) ssa.Reg {
	var victim *interval
	for _, c := range regs {
		_, b, n := s.free(c, cur)
		if n != 1 {
			continue
		}
		if victim == nil || s.spillCost(b) < s.spillCost(victim) || s.spillCost(b) == s.spillCost(victim) && b.End > victim.End {
			victim = b
		}
	}
	if victim == nil || s.spillCost(cur) < s.spillCost(victim) || s.spillCost(cur) == s.spillCost(victim) && cur.End >= victim.End {
		return ssa.NoReg
	}
	r := victim.V.Loc.Reg
	victim.V.Loc.Reg = ssa.NoReg
	for j, it := range s.assigned[r] {
		if it == victim {
			s.assigned[r] = append(s.assigned[r][:j], s.assigned[r][j+1:]...)
			break
		}
	}
	return r
}

// maxHolders bounds the intervals sharing one register (see allocate).
const maxHolders = 64

// assignSlots gives a stack slot to every spilled value and to every value
// in a caller-saved register that is live across a call-like operation,
// reusing slots of expired intervals.
func (ra *Result) assignSlots(f *ssa.Func, t Target) {
	var free []int32
	partners := spilledPartners(f)
	// active is a min-heap of the slots in use by their interval's end.
	var active []act
	// across lists the positions of ps (before: their counts) iv is
	// live across.
	across := func(ps, before []int32, iv *interval) (out []int32) {
		if len(ps) == 0 {
			return nil
		}
		for j := before[iv.Start+1]; j < before[iv.End]; j++ {
			if iv.liveAcross(ps[j]) {
				out = append(out, ps[j])
			}
		}
		return out
	}
	// release frees the slots of the intervals ended before iv starts.
	release := func(iv *interval) {
		for len(active) > 0 && active[0].end < iv.Start {
			free = append(free, active[0].slot)
			active = heapPop(active)
		}
	}
	for i := range ra.Intervals {
		iv := &ra.Intervals[i]
		v := iv.V
		if ra.inWeb(v) {
			// A parameter web (paramweb.go): p takes q's slot if free.
			release(iv)
			if s, rest, ok := ra.webSlot(v, free); ok {
				free = rest
				v.Loc.Slot = s
				active = heapPush(active, act{iv.End, s})
				ra.settlePartners(v, partners[v])
				continue
			}
		}
		if v.Loc.InReg() && t.CalleeSaved(v.Loc.Reg) {
			continue
		}
		// Only a value in a register is saved around calls: a spilled
		// one's calls need not be looked for, nor those of one the scan
		// found live across none (crossesCall is across's test).
		var calls, ints []int32
		if v.Loc.InReg() {
			if iv.crosses {
				calls = across(ra.callPos, ra.callsBefore, iv)
			}
			ints = across(ra.intPos, ra.intsBefore, iv)
			if len(calls) == 0 && len(ints) == 0 {
				continue
			}
		}
		release(iv)
		var s int32
		if v.Type == ssa.TV128 {
			// Two fresh 8-byte slots; slotMem(s) is the lower one.
			s = ra.NumSlots + 1
			ra.NumSlots += 2
		} else if k := ra.partnerSlot(free, partners[v]); k >= 0 {
			s = free[k]
			free = append(free[:k], free[k+1:]...)
		} else if k := ra.freeSlot(free); k >= 0 {
			s = free[k]
			free = append(free[:k], free[k+1:]...)
		} else {
			s = ra.NumSlots
			ra.NumSlots++
		}
		v.Loc.Slot = s
		if !v.Loc.InReg() {
			ra.settlePartners(v, partners[v])
		}
		if ra.inWeb(v) && !v.Loc.InReg() {
			// q of a parameter web: its slot waits for p.
			if ra.reserved == nil {
				ra.reserved = map[int32]bool{}
			}
			ra.reserved[s] = true
		}
		active = heapPush(active, act{iv.End, s})
		if !v.Loc.InReg() {
			continue
		}
		v.Loc.DefStore = len(calls) > 0
		for _, p := range calls {
			ra.Saves[p] = append(ra.Saves[p], v)
		}
		for _, p := range ints {
			ra.Saves[p] = append(ra.Saves[p], v)
		}
	}
}

// spilledPartners maps each spilled value passed on an edge to a spilled
// parameter, and each such parameter, to the values across those edges
// (nil when there are none): a pair in one stack slot needs no move on
// the edge. Loops carry their variables this way: with the parameter in
// one slot and the value computed for the next round in another, the
// back edge copied slot to slot through a register (two instructions) for
// each variable, every round (aes.wasm's round loop rotated its state
// bytes so). 128-bit values, which take two slots, are left out; so is
// every pair when f is nil (the fast tier, fast.go).
func spilledPartners(f *ssa.Func) map[*ssa.Value][]*ssa.Value {
	var m map[*ssa.Value][]*ssa.Value
	if f == nil {
		return nil
	}
	spilled := func(v *ssa.Value) bool {
		return NeedsReg(v) && !v.Loc.InReg() && v.Type != ssa.TV128
	}
	for _, b := range f.Blocks {
		for _, e := range b.Succs {
			for i, a := range e.Args {
				q := e.B.Params[i]
				if a == q || !spilled(a) || !spilled(q) || a.Type != q.Type {
					continue
				}
				if m == nil {
					m = map[*ssa.Value][]*ssa.Value{}
				}
				m[a] = append(m[a], q)
				m[q] = append(m[q], a)
			}
		}
	}
	return m
}

// partnerSlot returns the index in free of the slot of one of ps that
// already has one, free now (its value's interval has ended, so any
// later one may take it, as freeSlot's do), and not waiting for a
// parameter web; or -1.
func (ra *Result) partnerSlot(free []int32, ps []*ssa.Value) int {
	for _, p := range ps {
		if p.Loc.Slot < 0 || ra.reserved[p.Loc.Slot] {
			continue
		}
		for k := len(free) - 1; k >= 0; k-- {
			if free[k] == p.Loc.Slot {
				return k
			}
		}
	}
	return -1
}

// settlePartners records that spilled v, partnered with ps
// (spilledPartners), has its slot: the slots of the partners given one
// before v no longer wait for it, and v's slot waits for the partners
// still to come. freeSlot gives a waited-for slot to no other value: one
// defined between a loop parameter's end and the next round's value
// would take the parameter's slot first.
func (ra *Result) settlePartners(v *ssa.Value, ps []*ssa.Value) {
	for _, p := range ps {
		if p.Loc.Slot >= 0 {
			if n := ra.wanted[p.Loc.Slot]; n > 1 {
				ra.wanted[p.Loc.Slot] = n - 1
			} else if n == 1 {
				delete(ra.wanted, p.Loc.Slot)
			}
			continue
		}
		if ra.wanted == nil {
			ra.wanted = map[int32]int32{}
		}
		ra.wanted[v.Loc.Slot]++
	}
}

// freeSlot returns the index in free of the slot to reuse, the last one
// no parameter web and no partner waits for (paramweb.go,
// settlePartners), or -1.
func (ra *Result) freeSlot(free []int32) int {
	if ra.reserved == nil && ra.wanted == nil {
		return len(free) - 1
	}
	for k := len(free) - 1; k >= 0; k-- {
		if !ra.reserved[free[k]] && ra.wanted[free[k]] == 0 {
			return k
		}
	}
	return -1
}

// act is a stack slot in use until position end.
type act struct {
	end  int32
	slot int32
}

func heapPush(h []act, a act) []act {
	h = append(h, a)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p].end <= h[i].end {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
	return h
}

func heapPop(h []act) []act {
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < n && h[l].end < h[m].end {
			m = l
		}
		if l+1 < n && h[l+1].end < h[m].end {
			m = l + 1
		}
		if m == i {
			return h
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// isMemLenUse reports whether argument i of v is the memory length of a
// bounds check.
func isMemLenUse(v *ssa.Value, i int) bool {
	return v.Op == ssa.OpLoad && i == 1 || v.Op == ssa.OpStore && i == 2
}
