package ssa

import (
	"math/bits"
	"slices"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// scanLoops gives byte-scan loops a vector prologue: built without SIMD,
// wasi-libc's strlen, memchr, memcmp and strchrnul (and most C loops
// that look for a byte) walk memory a byte or a word per iteration, 5 to
// 7 instructions for each, where glibc compares 16 or 32 bytes at once.
//
// The loop is a chain of blocks H -> B1 -> ... -> Bk -> H (k < 4; clang
// puts a loop's early exits in the chain), entered from one block P. Its
// only effects are loads, each of a byte (or a word) from an address
// stepping by its width each iteration (a stream). H's parameters step
// by constants or carry a value loaded in the iteration before (clang
// rotates `while (*p && *p != c) p++` so): such a parameter is a stream
// one iteration behind that load, whose entry value C2 compares with the
// memory there. Every exit tests bytes of the streams (a byte equal to,
// or different from, a loop invariant; two streams' bytes equal or
// different; a word with a zero byte, or a byte equal to an invariant,
// by musl's has-zero trick), or an induction variable against an
// invariant (a count, an end pointer).
//
// Loads have no side effects, so the prologue may read ahead: a new loop
// V compares 16 bytes of each stream at a time, while they are all
// inside the memory's current length and the induction variables allow
// at least that many more iterations, and stops at the first chunk in
// which any lane could make the loop exit (a superset: a byte equal to
// the low byte of an invariant wider than one, for instance). X then
// enters H with the induction variables of the iteration of the first
// such lane (or the one after the last chunk), and the scalar loop runs
// the rest unchanged: it finds the exit, and traps where it would have
// trapped (V skips only iterations whose loads are in bounds and whose
// tests all continue), so results, trap kinds and wasm offsets are the
// loop's own.
//
// A byte loop entered from the exit of a word loop given a prologue is
// left alone: it finishes the word that loop stopped at (musl's strlen
// and memchr), a few bytes, for which the prologue's set-up would cost
// more than the loop.
//
// Runs at OptLevel 2, after loopIdioms and before bounds-check
// elimination.
//
// It reports whether it changed the control flow graph.
func scanLoops(f *Func) bool {
	var words [][]*Block // the chains of the word loops rewritten
	changed := false
	for i := 0; i < len(f.Blocks); i++ {
		l := matchScanLoop(f, f.Blocks[i])
		if l == nil || l.size == 1 && afterWordLoop(l.P, words) {
			continue
		}
		if l.size > 1 {
			words = append(words, l.chain)
		}
		// With a warm-up the prologue is in terms of the latch's
		// arguments (C runs after the warm-up iterations): analyze
		// again; the same loop matches the same way from any iteration,
		// but a rewrite must not start unless it does.
		warm := scanWarmup / l.size
		if l.size == 1 {
			warm = 0
		}
		if warm > 0 && !l.analyze(l.latch.Succs[l.latch.EdgeTo(l.H)].Args) {
			continue
		}
		i += l.rewrite(warm)
		changed = true
	}
	return changed
}

// afterWordLoop reports whether P is at most three edges after a block of
// one of the chains.
func afterWordLoop(P *Block, chains [][]*Block) bool {
	if len(chains) == 0 {
		return false
	}
	level := []*Block{P}
	for d := 0; d <= 3 && len(level) > 0; d++ {
		var next []*Block
		for _, b := range level {
			for _, c := range chains {
				if slices.Contains(c, b) {
					return true
				}
			}
			next = append(next, b.Preds...)
		}
		level = next
	}
	return false
}

// scanChunk is the bytes V compares per stream and iteration.
const scanChunk = 16

const (
	scanMaxChain   = 4
	scanMaxStreams = 3
)

// scanStream is the bytes the loop loads from one address sequence: in
// iteration t, size bytes at addr(t) plus the static offset.
type scanStream struct {
	addr affine
	ld   *Value // the first load (opcode, offset, memory length argument, position)
	// carry is the index of the parameter of H that carries ld's value
	// to the next iteration (-1 for none): the stream is its values,
	// ld's bytes one iteration behind, and the parameter's entry value
	// must be the memory there (C2 checks it).
	carry int
}

type scanPredKind uint8

const (
	scanEq     scanPredKind = iota // exit when a byte of stream a equals x's low byte
	scanNe                         // exit when a byte of a differs from x (x fits the load)
	scanSame                       // exit when the bytes of a and b are equal
	scanDiffer                     // exit when they differ
)

type scanPred struct {
	kind scanPredKind
	a, b int
	x    *Value // scanEq, scanNe: loop-invariant
}

// scanCounter is an exit on an induction variable: the loop continues
// while x(t) rel y, rel OpNe, OpGtU (x steps down) or OpLtU (x steps up).
type scanCounter struct {
	x   affine
	y   *Value // loop-invariant
	rel Op
}

type scanLoop struct {
	f         *Func
	H, P      *Block
	latch     *Block
	entryEdge int
	// entry is what H's parameters are when C takes over: the latch's
	// arguments to H (rewrite: C runs after the warm-up iterations).
	// The analysis is in terms of them: an affine's terms, inv's values.
	entry    []*Value
	chain    []*Block
	step     []uint32
	carried  []*Value // carried[j]: the load whose value H's parameter j carries, or nil
	memo     map[*Value]affine
	size     uint32 // bytes of every load, and the streams' step
	streams  []scanStream
	preds    []scanPred
	counters []scanCounter
}

func (l *scanLoop) inLoop(b *Block) bool { return slices.Contains(l.chain, b) }

// inv returns v as a value defined before the loop (a parameter of H
// that does not change is its entry value), or nil.
func (l *scanLoop) inv(v *Value) *Value {
	if v.Op == OpConst || !l.inLoop(v.Block) {
		return v
	}
	if v.Op == OpParam && v.Block == l.H {
		if j := slices.Index(l.H.Params, v); j >= 0 && l.step != nil && l.step[j] == 0 && l.carried[j] == nil {
			return l.entry[j]
		}
	}
	return nil
}

func (l *scanLoop) aff(v *Value) (affine, bool) {
	if v.Type != TI32 {
		return affine{}, false
	}
	if v.Op == OpConst {
		return affine{c: uint32(v.Aux)}, true
	}
	if !l.inLoop(v.Block) {
		return affine{terms: [maxAffineTerms]*Value{v}, n: 1}, true
	}
	if a, ok := l.memo[v]; ok {
		return a, a.n >= 0
	}
	l.memo[v] = affine{n: -1}
	var a affine
	ok := false
	switch v.Op {
	case OpParam:
		if j := slices.Index(l.H.Params, v); j >= 0 && l.carried[j] == nil {
			e := l.entry[j]
			a, ok = affine{terms: [maxAffineTerms]*Value{e}, n: 1, s: l.step[j]}, true
		}
	case OpAdd, OpSub:
		x, okx := l.aff(v.Args[0])
		y, oky := l.aff(v.Args[1])
		if okx && oky {
			sign := uint32(1)
			if v.Op == OpSub {
				sign = ^uint32(0)
			}
			a, ok = x.add(y, sign)
		}
	}
	if ok {
		l.memo[v] = a
	}
	return a, ok
}

// matchScanLoop returns the scan loop headed by H, or nil.
func matchScanLoop(f *Func, H *Block) *scanLoop {
	if len(H.Preds) != 2 || H.LoopDepth == 0 || H == f.Entry || (H.Kind != BlockIf && H.Kind != BlockPlain) {
		return nil
	}
	// A loop header: entered from outside the loop (a lower depth).
	if (H.Preds[0].LoopDepth < H.LoopDepth) == (H.Preds[1].LoopDepth < H.LoopDepth) {
		return nil
	}
	for _, v := range H.Values { // before any allocation
		if v.Op != OpLoad && (OpInfos[v.Op].effect || OpInfos[v.Op].Call) {
			return nil
		}
	}
	chain, latch := scanChain(H)
	if chain == nil {
		return nil
	}
	P := H.Preds[0]
	if P == latch {
		P = H.Preds[1]
	}
	if P == latch || slices.Contains(chain, P) || P.Kind == BlockBrTable {
		return nil
	}
	entryEdge := P.EdgeTo(H)
	if len(P.Succs) == 2 && P.Succs[1-entryEdge].B == H {
		return nil
	}
	// Cheap screen: loads and pure arithmetic only, at least one load.
	nLoads := 0
	for _, b := range chain {
		for _, v := range b.Values {
			switch {
			case v.Op == OpLoad:
				nLoads++
			case OpInfos[v.Op].effect || OpInfos[v.Op].Call || v.Op == OpSIMD || v.Op == OpShuffle:
				return nil
			}
		}
	}
	if nLoads == 0 {
		return nil
	}
	l := &scanLoop{f: f, H: H, P: P, latch: latch, entryEdge: entryEdge, chain: chain}
	back := latch.EdgeTo(H)
	step := make([]uint32, len(H.Params))
	l.carried = make([]*Value, len(H.Params))
	for j, p := range H.Params {
		next := latch.Succs[back].Args[j]
		st, ok := stepOf(next, p, l.inLoop)
		if !ok {
			// A loaded value carried to the next iteration (clang
			// rotates `while (*p && *p != c) p++` so).
			if next.Op != OpLoad || !l.inLoop(next.Block) || next.Type != p.Type {
				return nil
			}
			l.carried[j] = next
		}
		step[j] = st
	}
	l.step = step
	if !l.analyze(P.Succs[entryEdge].Args) {
		return nil
	}
	return l
}

// analyze finds the loop's streams and exit tests in terms of entry,
// the values of H's parameters in the first iteration it looks at, and
// reports whether every exit is one scanLoops handles.
func (l *scanLoop) analyze(entry []*Value) bool {
	l.entry, l.memo = entry, map[*Value]affine{}
	l.size, l.streams, l.preds, l.counters = 0, nil, nil, nil
	if !l.matchStreams() {
		return false
	}
	for _, b := range l.chain {
		if b.Kind != BlockIf {
			continue
		}
		out := -1 // the edge leaving the loop (scanChain: exactly one)
		for i, e := range b.Succs {
			if e.B != l.H && !l.inLoop(e.B) {
				out = i
			}
		}
		if out < 0 || !l.exitTest(b.Control, out == 0) {
			return false
		}
	}
	return len(l.preds) > 0
}

// scanChain follows H's successors through single-predecessor blocks
// without parameters back to H and returns the chain and its latch. It
// allocates only for a chain found: most loops it looks at are no scan.
func scanChain(H *Block) ([]*Block, *Block) {
	var buf [scanMaxChain]*Block
	n, latch := scanWalk(H, H, &buf, 0)
	if latch == nil {
		return nil, nil
	}
	chain := buf[:n]
	// Every block but the latch's edge to H has one edge out of the chain.
	for _, b := range chain {
		if b.Kind != BlockIf {
			continue
		}
		in := 0
		for _, e := range b.Succs {
			if e.B == H || slices.Contains(chain, e.B) {
				in++
			}
		}
		if in != 1 {
			return nil, nil
		}
	}
	return slices.Clone(chain), latch
}

// scanWalk adds b to chain[:n] and goes on to a successor (depth first)
// until one is H; it returns the chain's length and its latch, or nil.
func scanWalk(H, b *Block, chain *[scanMaxChain]*Block, n int) (int, *Block) {
	if n == scanMaxChain || b.Kind != BlockIf && b.Kind != BlockPlain || b.Kind == BlockIf && b.Control == nil {
		return 0, nil
	}
	chain[n] = b
	n++
	for i, e := range b.Succs {
		if e.B == H {
			if b.Kind == BlockIf && b.Succs[1-i].B == H {
				return 0, nil
			}
			return n, b
		}
	}
	for _, e := range b.Succs {
		c := e.B
		if len(c.Preds) != 1 || len(c.Params) != 0 || slices.Contains(chain[:n], c) {
			continue
		}
		if m, latch := scanWalk(H, c, chain, n); latch != nil {
			return m, latch
		}
	}
	return 0, nil
}

// matchStreams groups the loop's loads into streams: every load reads
// size bytes (1, 4 or 8, the same for all) from an address stepping
// forwards by size.
func (l *scanLoop) matchStreams() bool {
	for _, b := range l.chain {
		for _, v := range b.Values {
			if v.Op != OpLoad {
				continue
			}
			size, _, _ := ScalarAccess(wasm.Opcode(v.Aux2))
			if size != 1 && size != 4 && size != 8 || v.Args[0].Type != TI32 {
				return false
			}
			if l.size == 0 {
				l.size = uint32(size)
			}
			a, ok := l.aff(v.Args[0])
			if !ok || uint32(size) != l.size || a.s != l.size {
				return false
			}
			if l.streamOf(v) < 0 {
				if len(l.streams) == scanMaxStreams {
					return false
				}
				l.streams = append(l.streams, scanStream{addr: a, ld: v, carry: -1})
			}
		}
	}
	for j, ld := range l.carried {
		if ld == nil {
			continue
		}
		a, _ := l.aff(ld.Args[0])
		a.c -= l.size
		if len(l.streams) == scanMaxStreams {
			return false
		}
		l.streams = append(l.streams, scanStream{addr: a, ld: ld, carry: j})
	}
	return true
}

// streamOf returns the index of the stream the load (or carried
// parameter) v reads, or -1.
func (l *scanLoop) streamOf(v *Value) int {
	if v.Op == OpParam && v.Block == l.H {
		if j := slices.Index(l.H.Params, v); j >= 0 && l.carried[j] != nil {
			for i, s := range l.streams {
				if s.carry == j {
					return i
				}
			}
		}
		return -1
	}
	if v.Op != OpLoad || !l.inLoop(v.Block) {
		return -1
	}
	a, ok := l.aff(v.Args[0])
	if !ok {
		return -1
	}
	for i, s := range l.streams {
		if s.carry < 0 && s.ld.Aux == v.Aux && s.ld.Aux2 == v.Aux2 && s.addr.c == a.c && s.addr.sameTerms(a) {
			return i
		}
	}
	return -1
}

// byteStream returns the stream of v when v is a byte of one, as loaded,
// sign-extended (extend8_s, or shifted left and arithmetically right by
// 24) or masked with 0xff, and whether it is signed; -1 otherwise.
func (l *scanLoop) byteStream(v *Value) (int, bool) {
	if l.size != 1 {
		return -1, false
	}
	switch {
	case v.Op == OpExtend8S && v.Type == TI32:
		k, _ := l.byteStream(v.Args[0])
		return k, true
	case v.Op == OpShrS && v.Type == TI32 && constIs(v.Args[1], 24) && v.Args[0].Op == OpShl && constIs(v.Args[0].Args[1], 24):
		k, _ := l.byteStream(v.Args[0].Args[0])
		return k, true
	case v.Op == OpAnd && v.Type == TI32 && constIs(v.Args[1], 0xFF):
		k, _ := l.byteStream(v.Args[0])
		return k, false
	}
	k := l.streamOf(v)
	if k < 0 {
		return -1, false
	}
	switch wasm.Opcode(l.streams[k].ld.Aux2) {
	case wasm.OpI32Load8S, wasm.OpI64Load8S:
		return k, true
	}
	return k, false
}

// exitTest classifies the control c of a block that leaves the loop when
// c is non-zero (exitNZ) or zero.
func (l *scanLoop) exitTest(c *Value, exitNZ bool) bool {
	for c.Op == OpEqz {
		c, exitNZ = c.Args[0], !exitNZ
	}
	if k, _ := l.byteStream(c); k >= 0 {
		kind := scanEq // a zero byte exits
		if exitNZ {
			kind = scanNe
		}
		return l.addPred(kind, k, -1, l.constLike(c, 0))
	}
	switch c.Op {
	case OpEq, OpNe:
		exitEq := exitNZ == (c.Op == OpEq) // exit when the operands are equal
		x, y := c.Args[0], c.Args[1]
		kx, sx := l.byteStream(x)
		ky, sy := l.byteStream(y)
		if kx < 0 && ky >= 0 {
			x, y, kx, ky, sx, sy = y, x, ky, kx, sy, sx
		}
		switch {
		case kx >= 0 && ky >= 0:
			if exitEq {
				return l.addPred(scanSame, kx, ky, nil)
			}
			if sx != sy { // a signed and an unsigned byte differ in more ways
				return false
			}
			return l.addPred(scanDiffer, kx, ky, nil)
		case kx >= 0:
			yi := l.inv(y)
			if yi == nil {
				return false
			}
			if exitEq {
				return l.addPred(scanEq, kx, -1, yi)
			}
			if !fitsByte(sx, yi) {
				return false
			}
			return l.addPred(scanNe, kx, -1, yi)
		}
		if !exitEq { // the loop would continue while the operands are equal
			return false
		}
		return l.addCounter(x, y, OpNe)
	case OpAnd:
		if !exitNZ {
			return false
		}
		w, k := hasZeroOf(c)
		if w == nil {
			return false
		}
		s := l.streamOf(w)
		if s < 0 && k != nil {
			w, k = k, w
			s = l.streamOf(w)
		}
		if s < 0 || l.size != uint32(w.Type.Size()/8) {
			return false
		}
		if k == nil {
			return l.addPred(scanEq, s, -1, l.constLike(w, 0))
		}
		ki := l.inv(k)
		if ki == nil || !uniformWord(ki) {
			return false
		}
		return l.addPred(scanEq, s, -1, ki)
	case OpGtU, OpLtU, OpGeU, OpLeU:
		rel, x, y := c.Op, c.Args[0], c.Args[1]
		if exitNZ {
			rel = negateUnsigned(rel)
		}
		if l.inv(x) != nil {
			x, y = y, x
			rel = swapUnsigned(rel)
		}
		switch {
		case rel == OpGeU && y.Op == OpConst && uint32(y.Aux) > 0:
			y, rel = l.constLike(y, int64(uint32(y.Aux)-1)), OpGtU
		case rel == OpLeU && y.Op == OpConst && uint32(y.Aux) < ^uint32(0):
			y, rel = l.constLike(y, int64(uint32(y.Aux)+1)), OpLtU
		}
		if rel != OpGtU && rel != OpLtU {
			return false
		}
		return l.addCounter(x, y, rel)
	}
	if !exitNZ {
		return l.addCounter(c, l.constLike(c, 0), OpNe)
	}
	return false
}

// constLike is a constant of v's type, in no block: rewrite makes every
// constant it uses anew in C (a constant of the loop does not dominate
// C), and a loop that does not match leaves nothing behind.
func (l *scanLoop) constLike(v *Value, x int64) *Value {
	if v.Type == TI32 {
		x = int64(uint32(x))
	}
	return &Value{Op: OpConst, Type: v.Type, Aux: x}
}

// negateUnsigned is the unsigned comparison true when op is false.
func negateUnsigned(op Op) Op {
	switch op {
	case OpGtU:
		return OpLeU
	case OpLeU:
		return OpGtU
	case OpLtU:
		return OpGeU
	}
	return OpLtU
}

// swapUnsigned is the unsigned comparison of the operands swapped.
func swapUnsigned(op Op) Op {
	switch op {
	case OpGtU:
		return OpLtU
	case OpLtU:
		return OpGtU
	case OpGeU:
		return OpLeU
	}
	return OpGeU
}

func (l *scanLoop) addPred(kind scanPredKind, a, b int, x *Value) bool {
	l.preds = append(l.preds, scanPred{kind: kind, a: a, b: b, x: x})
	return true
}

func (l *scanLoop) addCounter(x, y *Value, rel Op) bool {
	if x.Type != TI32 {
		return false
	}
	if rel == OpNe && l.inv(x) != nil {
		x, y = y, x
	}
	a, ok := l.aff(x)
	yi := l.inv(y)
	if !ok || yi == nil || a.s == 0 {
		return false
	}
	m := a.s
	if int32(m) < 0 {
		m = -m
	}
	down := int32(a.s) < 0
	if m&(m-1) != 0 || rel == OpGtU && !down || rel == OpLtU && down {
		return false
	}
	l.counters = append(l.counters, scanCounter{x: a, y: yi, rel: rel})
	return true
}

// fitsByte reports whether the invariant y is a value a byte (signed or
// not) can be, so that a byte different from y's low byte is a value
// different from y.
func fitsByte(signed bool, y *Value) bool {
	if y.Op == OpConst {
		x := y.Aux
		if y.Type == TI32 {
			x = int64(int32(y.Aux))
			if !signed {
				x = int64(uint32(y.Aux))
			}
		}
		if signed {
			return x >= -128 && x <= 127
		}
		return x >= 0 && x <= 255
	}
	if signed {
		return y.Op == OpExtend8S || y.Op == OpShrS && constIs(y.Args[1], 24) && y.Args[0].Op == OpShl && constIs(y.Args[0].Args[1], 24)
	}
	return y.Op == OpAnd && (y.Args[1].Op == OpConst && uint64(y.Args[1].Aux) <= 255 ||
		y.Args[0].Op == OpConst && uint64(y.Args[0].Aux) <= 255)
}

// onesOf is 0x01 in every byte of t.
func onesOf(t Type) uint64 {
	if t == TI64 {
		return 0x0101010101010101
	}
	return 0x01010101
}

func constIs(v *Value, x uint64) bool {
	if v.Op != OpConst {
		return false
	}
	if v.Type == TI32 {
		return uint32(v.Aux) == uint32(x)
	}
	return uint64(v.Aux) == x
}

// hasZeroOf matches musl's has-zero test, (x - ONES) & ~x & HIGHS in any
// association (non-zero exactly when a byte of x is zero), and returns x
// or, when x is w ^ k, w and k.
func hasZeroOf(c *Value) (w, k *Value) {
	t := c.Type
	if t != TI32 && t != TI64 {
		return nil, nil
	}
	var leaves []*Value
	expanded := false
	for _, a := range c.Args {
		if a.Op == OpAnd && !expanded {
			leaves = append(leaves, a.Args...)
			expanded = true
		} else {
			leaves = append(leaves, a)
		}
	}
	if len(leaves) != 3 {
		return nil, nil
	}
	ones := onesOf(t)
	var notX, sub *Value
	haveHighs := false
	for _, v := range leaves {
		switch {
		case constIs(v, ones*0x80):
			haveHighs = true
		case v.Op == OpXor && (constIs(v.Args[1], ^uint64(0)) || constIs(v.Args[0], ^uint64(0))):
			notX = v.Args[0]
			if v.Args[0].Op == OpConst {
				notX = v.Args[1]
			}
		case v.Op == OpSub && constIs(v.Args[1], ones):
			sub = v.Args[0]
		case v.Op == OpAdd && constIs(v.Args[1], -ones):
			sub = v.Args[0]
		}
	}
	if !haveHighs || notX == nil || notX != sub {
		return nil, nil
	}
	if notX.Op == OpXor {
		return notX.Args[0], notX.Args[1]
	}
	return notX, nil
}

// uniformWord reports whether every byte of k is the same: a constant so
// made, or a byte times ONES.
func uniformWord(k *Value) bool {
	if k.Op == OpConst {
		return uniformBytes(uint64(k.Aux), int(k.Type.Size()/8))
	}
	if k.Op != OpMul {
		return false
	}
	x, y := k.Args[0], k.Args[1]
	if x.Op == OpConst {
		x, y = y, x
	}
	if !constIs(y, onesOf(k.Type)) {
		return false
	}
	if x.Op == OpExtendU {
		x = x.Args[0]
	}
	return x.Op == OpAnd && (constIs(x.Args[1], 0xFF) || constIs(x.Args[0], 0xFF))
}

// scanWarmup is the bytes of each stream a word loop (musl's strlen and
// memchr) compares before C: most strings, keys and lines a program
// scans are short, and for them the prologue's set-up (the memory's
// length, two dependent loads; the limits; a chunk compared; the
// iteration of its first exit found) costs more than the few
// iterations it skips. wasmtime runs the scalar loop alone; wasi-libc's
// strlen of a few bytes took 1.4 times its time without the warm-up
// (testdata/bench/wider/glob.wasm). Byte loops go to C at once: a byte
// iteration with the count-down costs as much as a third of the set-up,
// and two-stream compares (memcmp, an LZ77 match) run 4 to 258 bytes
// (testdata/bench/wider/lz77.wasm: 37% more instructions with 16 bytes
// of warm-up, 51% with 4).
const scanWarmup = 16

// rewrite builds C, V, V2, E and X; with warm iterations of warm-up,
// L on the loop's back edge too, all after the latch; else before H. It
// returns the number of blocks it put before H.
//
// With a warm-up, H gets a parameter w, the warm-up iterations left:
// entered from P with warm, it counts down on the back edge, and the
// iteration that takes it to 0 goes to C instead of H; every other way
// into H passes 0 (-1 next: C again only after 2^32 more iterations,
// and C may start from any iteration). The blocks' "entry" is then the
// latch's arguments to H, else P's.
//
//	L:      if w-1 == 0 goto C else H(latch's arguments, w-1)
//	C:      limit = min(bytes of each stream in bounds, bytes the counters allow)
//	        if limit >= 16 goto V(start) else H(entry[, 0])
//	V(q):   compare 16 bytes of each stream at q; if any lane exits goto E
//	V2:     q += 16; if q <= start+limit-16 goto V(q) else X(q)
//	E:      X(q + the iteration of the first lane that exits)
//	X(q):   H(the induction variables at iteration (q-start)/size[, 0])
//
// q is the first stream's address; the others are at fixed distances.
// Lanes before the first that exits belong to iterations that continue,
// so E skips them too, and the scalar loop starts at the iteration that
// may exit.
func (l *scanLoop) rewrite(warm uint32) int {
	f, H, P := l.f, l.H, l.P
	f.Simd = true
	L, C, V, V2, E, X := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	outer := P.LoopDepth // the depth of C, C2, E, X (and L)
	if warm > 0 {
		outer = H.LoopDepth
	}
	for _, b := range []*Block{L, C, V, V2, E, X} {
		b.Sealed, b.LoopDepth = true, outer
	}
	// V and V2 are a loop after H's, or inside it.
	V.LoopDepth, V2.LoopDepth = H.LoopDepth, H.LoopDepth
	if warm > 0 {
		V.LoopDepth, V2.LoopDepth = H.LoopDepth+1, H.LoopDepth+1
	}
	ap := appender{f, l.streams[0].ld.Pos}
	val, cnst, at := ap.val, ap.cnst, ap.at
	// w's zero in C comes first: a constant 0 may be an xor, which must
	// not come between C's compare and its branch.
	if warm > 0 {
		cnst(C, TI32, 0)
	}
	simd := func(b *Block, sub uint32, t Type, args ...*Value) *Value {
		v := val(b, OpSIMD, t, args...)
		v.Aux2 = int64(sub)
		return v
	}
	minS := func(x, y *Value) *Value {
		return val(C, OpSelect, TI64, val(C, OpLtS, TI32, x, y), x, y)
	}

	// C: the bytes V may compare from each stream's first byte, the
	// vectors of the invariants.
	ref := l.streams[0].ld
	var memLen *Value
	if len(ref.Args) > 1 {
		memLen = ref.Args[1] // explicit checks: the length the loads compare with
	} else {
		memLen = val(C, OpMemLen, TI64)
	}
	var limit *Value
	starts := make([]*Value, len(l.streams))
	for i, s := range l.streams {
		starts[i] = at(C, s.addr, nil)
		base := val(C, OpExtendU, TI64, starts[i])
		if off := s.ld.Aux; off != 0 {
			base = val(C, OpAdd, TI64, base, cnst(C, TI64, off))
		}
		fit := val(C, OpSub, TI64, memLen, base)
		if limit == nil {
			limit = fit
		} else {
			limit = minS(limit, fit)
		}
	}
	sizeLog := int64(bits.TrailingZeros32(l.size))
	for _, k := range l.counters {
		x0 := at(C, k.x, nil)
		if k.y.Op == OpConst {
			k.y = cnst(C, TI32, k.y.Aux)
		}
		m := k.x.s
		down := int32(m) < 0
		if down {
			m = -m
		}
		kl := cnst(C, TI32, int64(bits.TrailingZeros32(m)))
		one := cnst(C, TI32, 1)
		var n *Value // iterations that continue past this test, at least
		switch k.rel {
		case OpNe:
			d := val(C, OpSub, TI32, x0, k.y)
			if !down {
				d = val(C, OpSub, TI32, cnst(C, TI32, 0), d)
			}
			n = val(C, OpShrU, TI32, d, kl)
		case OpGtU, OpLtU:
			hi, lo := x0, k.y // x0 - m*t > y, or x0 + m*t < y
			if k.rel == OpLtU {
				hi, lo = k.y, x0
			}
			q := val(C, OpShrU, TI32, val(C, OpSub, TI32, val(C, OpSub, TI32, hi, lo), one), kl)
			q = val(C, OpAdd, TI32, q, one)
			n = val(C, OpSelect, TI32, val(C, OpGtU, TI32, hi, lo), q, cnst(C, TI32, 0))
		}
		bytes := val(C, OpShl, TI64, val(C, OpExtendU, TI64, n), cnst(C, TI64, sizeLog))
		limit = minS(limit, bytes)
	}
	enough := val(C, OpGeS, TI32, limit, cnst(C, TI64, scanChunk))
	// The last q V may start at; start+limit <= 4 GiB, so no i32 wraps.
	lastQ := val(C, OpAdd, TI32, starts[0], val(C, OpWrap, TI32, val(C, OpSub, TI64, limit, cnst(C, TI64, scanChunk))))
	deltas := make([]*Value, len(l.streams))
	for i := 1; i < len(l.streams); i++ {
		deltas[i] = val(C, OpSub, TI32, starts[i], starts[0])
	}
	splat := make([]*Value, len(l.preds))
	for i, p := range l.preds {
		if p.kind != scanEq && p.kind != scanNe {
			continue
		}
		x := p.x
		if x.Op == OpConst {
			b := int64(uint8(x.Aux)) * 0x0101010101010101
			c := val(C, OpConst, TV128)
			c.Aux, c.Aux2 = b, b
			splat[i] = c
			continue
		}
		if x.Type == TI64 {
			x = val(C, OpWrap, TI32, x)
		}
		splat[i] = simd(C, 0x0F, TV128, x) // i8x16.splat
	}

	// V(q): 16 bytes of each stream; the lanes where the loop exits.
	q := f.NewValue(V, OpParam, TI32)
	V.Params = []*Value{q}
	vecs := make([]*Value, len(l.streams))
	for i, s := range l.streams {
		addr := q
		if i > 0 {
			addr = val(V, OpAdd, TI32, q, deltas[i])
		}
		args := []*Value{addr}
		if len(s.ld.Args) > 1 {
			args = append(args, memLen)
		}
		ld := val(V, OpLoad, TV128, args...)
		ld.Aux, ld.Aux2 = s.ld.Aux, int64(wasm.OpV128Load)
		ld.Pos = s.ld.Pos
		vecs[i] = ld
	}
	var exitV, contV *Value // lanes that exit (or), that continue (and)
	for i, p := range l.preds {
		var e *Value
		switch p.kind {
		case scanEq, scanNe:
			e = simd(V, 0x23, TV128, vecs[p.a], splat[i]) // i8x16.eq
		default:
			e = simd(V, 0x23, TV128, vecs[p.a], vecs[p.b])
		}
		if p.kind == scanEq || p.kind == scanSame {
			if exitV == nil {
				exitV = e
			} else {
				exitV = simd(V, 0x50, TV128, exitV, e) // v128.or
			}
		} else if contV == nil {
			contV = e
		} else {
			contV = simd(V, 0x4E, TV128, contV, e) // v128.and
		}
	}
	// E's mask: bit i set when lane i may exit.
	var test *Value
	var mask func() *Value
	switch {
	case contV == nil:
		test = simd(V, 0x53, TI32, exitV) // v128.any_true: exit
		mask = func() *Value { return simd(E, 0x64, TI32, exitV) }
	default:
		if exitV != nil {
			contV = simd(V, 0x4F, TV128, contV, exitV) // v128.andnot
		}
		test = simd(V, 0x63, TI32, contV) // i8x16.all_true: go on
		mask = func() *Value {
			return val(E, OpXor, TI32, simd(E, 0x64, TI32, contV), cnst(E, TI32, 0xFFFF))
		}
	}
	// V2: the next chunk, if there is one.
	next := val(V2, OpAdd, TI32, q, cnst(V2, TI32, scanChunk))
	more := val(V2, OpLeU, TI32, next, lastQ)
	// E: skip to the iteration of the first lane that may exit.
	first := val(E, OpCtz, TI32, mask())
	if l.size > 1 {
		first = val(E, OpAnd, TI32, first, cnst(E, TI32, -int64(l.size)))
	}
	hit := val(E, OpAdd, TI32, q, first)

	// X(q): H's parameters at iteration (q-start)/size.
	xq := f.NewValue(X, OpParam, TI32)
	X.Params = []*Value{xq}
	// u bytes of the streams skipped, t = u/size iterations: a pointer
	// stepping by size moves by u, one stepping down by size by -u.
	u := val(X, OpSub, TI32, xq, starts[0])
	tv := u
	if sizeLog > 0 {
		tv = val(X, OpShrU, TI32, u, cnst(X, TI32, sizeLog))
	}
	pe := &P.Succs[l.entryEdge]
	back := l.latch.EdgeTo(H)
	entry := l.entry // P's arguments to H, or the latch's
	// loadAt loads in b what stream i's load reads at addr (in bounds:
	// C checked it, or V compared it).
	loadAt := func(b *Block, i int, addr *Value) *Value {
		ld := l.streams[i].ld
		args := []*Value{addr}
		if len(ld.Args) > 1 {
			args = append(args, memLen)
		}
		v := val(b, OpLoad, ld.Type, args...)
		v.Aux, v.Aux2, v.Pos = ld.Aux, ld.Aux2, ld.Pos
		return v
	}
	hargs := make([]*Value, len(H.Params), len(H.Params)+1)
	for j, e := range entry {
		if l.carried[j] != nil {
			// The byte (word) of iteration t-1, or the entry value,
			// which C2 found equal to memory there, for t = 0.
			i := slices.IndexFunc(l.streams, func(s scanStream) bool { return s.carry == j })
			off := tv
			if sizeLog > 0 {
				off = val(X, OpShl, TI32, tv, cnst(X, TI32, sizeLog))
			}
			hargs[j] = loadAt(X, i, val(X, OpAdd, TI32, starts[i], off))
		} else if l.step[j] == 0 {
			hargs[j] = e
		} else if l.step[j] == l.size {
			hargs[j] = val(X, OpAdd, TI32, e, u)
		} else if l.step[j] == -l.size {
			hargs[j] = val(X, OpSub, TI32, e, u)
		} else {
			hargs[j] = at(X, affine{terms: [maxAffineTerms]*Value{e}, n: 1, s: l.step[j]}, tv)
		}
		hargs[j].Uses++
	}
	if warm > 0 {
		hargs = append(hargs, cnst(X, TI32, 0))
		hargs[len(hargs)-1].Uses++
	}

	// Wire the blocks: P (or latch -> L) -> C -> V <-> V2, C -> H,
	// V -> E -> X, V2 -> X -> H; L -> H.
	edge := func(b *Block, args ...*Value) Edge {
		for _, a := range args {
			a.Uses++
		}
		return Edge{B: b, Args: args}
	}
	setIf := func(b *Block, c *Value, yes, no Edge, preds ...*Block) {
		b.Kind, b.Control, b.Succs, b.Preds = BlockIf, c, []Edge{yes, no}, preds
		c.Uses++
	}
	// C2 (with carried values): each entry value is the memory its
	// stream starts at, which C's limit has in bounds.
	into := C // V's predecessor
	var C2 *Block
	for i, st := range l.streams {
		if st.carry < 0 {
			continue
		}
		if C2 == nil {
			C2 = f.NewBlock()
			C2.Sealed, C2.LoopDepth = true, outer
			into = C2
			if warm > 0 {
				cnst(C2, TI32, 0) // first: see zeroC
			}
		}
		e := entry[st.carry]
		eq := val(C2, OpEq, TI32, loadAt(C2, i, starts[i]), e)
		if C2.Control == nil {
			C2.Control = eq
		} else {
			C2.Control = val(C2, OpAnd, TI32, C2.Control, eq)
		}
	}
	toH := func(b *Block) Edge {
		args := slices.Clone(entry)
		if warm > 0 {
			args = append(args, b.Values[0]) // b's zero
		}
		return edge(H, args...)
	}
	into0 := P // C's predecessor
	if warm > 0 {
		into0 = L
	}
	if C2 != nil {
		setIf(C, enough, edge(C2), toH(C), into0)
		setIf(C2, C2.Control, edge(V, starts[0]), toH(C2), C)
	} else {
		setIf(C, enough, edge(V, starts[0]), toH(C), into0)
	}
	if warm == 0 {
		// P's arguments: C's edge to H (and C2's) now pass them.
		for _, a := range pe.Args {
			a.Uses--
		}
		pe.B, pe.Args = C, nil
		P.SuccIdx = nil
	} else {
		// H's warm-up count w: warm from P (a constant first in P,
		// before its compare and branch), w-1 from L.
		w := f.NewValue(H, OpParam, TI32)
		H.Params = append(H.Params, w)
		k := f.NewValue(P, OpConst, TI32)
		k.Aux, k.Pos, k.Uses = int64(warm), ap.pos, 1
		P.Values = slices.Insert(P.Values, 0, k)
		pe.Args = append(slices.Clip(pe.Args), k)
		w1 := val(L, OpSub, TI32, w, cnst(L, TI32, 1))
		setIf(L, val(L, OpEq, TI32, w1, cnst(L, TI32, 0)), edge(C),
			Edge{B: H, Args: append(slices.Clone(entry), w1)}, l.latch)
		w1.Uses++
		l.latch.Succs[back] = Edge{B: L} // its arguments move to L's edge to H
		l.latch.SuccIdx = nil
	}
	if contV == nil {
		setIf(V, test, edge(E), edge(V2), into, V2)
	} else {
		setIf(V, test, edge(V2), edge(E), into, V2)
	}
	setIf(V2, more, edge(V, next), edge(X, next), V)
	E.Kind, E.Succs, E.Preds = BlockPlain, []Edge{edge(X, hit)}, []*Block{V}
	X.Kind, X.Succs, X.Preds = BlockPlain, []Edge{{B: H, Args: hargs}}, []*Block{V2, E}
	blocks := []*Block{C, V, V2, E, X}
	if C2 != nil {
		blocks = []*Block{C, C2, V, V2, E, X}
	}
	if warm == 0 {
		H.Preds[slices.Index(H.Preds, P)] = C
		H.Preds = append(H.Preds, X)
		if C2 != nil {
			H.Preds = append(H.Preds, C2)
		}
		i := slices.Index(f.Blocks, H)
		f.Blocks = slices.Insert(f.Blocks, i, blocks...)
		return len(blocks)
	}
	H.Preds[slices.Index(H.Preds, l.latch)] = L
	H.Preds = append(H.Preds, C, X)
	if C2 != nil {
		H.Preds = append(H.Preds, C2)
	}
	i := slices.Index(f.Blocks, l.latch)
	f.Blocks = slices.Insert(f.Blocks, i+1, append([]*Block{L}, blocks...)...)
	return 0
}
