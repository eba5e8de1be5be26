package ssa

import (
	"slices"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Merged word copies. Built without bulk memory, musl's memcpy copies a
// source misaligned against its aligned destination a word at a time,
// each stored word merging two consecutive source words, the one loaded
// last iteration carried in a block parameter (on little-endian, for
// (s-d)%4 == 1: x = load(s+1); store(d, w>>24 | x<<8); w = load(s+5);
// ...). Every stored byte is still one memory byte at a fixed distance
// from it, so the loop is a byte copy: matchMerged finds each stored
// byte's source through the shifts, masks and ors (bytesOf, shared with
// byteSwapOf), from a load of the iteration or from a carried parameter,
// whose value in iteration t is the load that feeds it on the back edge
// from iteration t-1, so its bytes sit one step behind that load.
//
// The carried parameter's value on entry comes from before the loop; C3
// (after the bounds checks) compares each byte of it the loop uses with
// memory before going to the bulk copy. The loop reads whole words, some
// bytes of which it never stores (the last word loaded is carried out of
// the loop unused): the loads' range must be in bounds as well as the
// copy's source. And the destination must not overlap the copied source
// at all (or coincide with it, when every store rewrites the byte that
// is there): then every byte the loop reads is the byte memory held on
// entry, which is what memory.copy copies.

// mergedMaxSpan bounds the bytes an iteration of a merged loop writes:
// the copy's source and the loads' range then lie within a span of each
// other, less than the idiomMinBytes a run has at least, which keeps the
// two bounds checks from being satisfied by ranges a 4 GiB wrap apart.
const mergedMaxSpan = 32

// carriedByte is a byte of a carried parameter's entry value that the
// loop stores: byte j of entry must equal memory at addr (iteration 0)
// plus the loads' static offset.
type carriedByte struct {
	entry *Value
	j     int
	addr  affine
}

// markCarried records parameter j as carried when its back-edge argument
// is a full-width load of L: it is then no induction variable.
func (l *idiomLoop) markCarried(j int, next *Value) bool {
	p := l.L.Params[j]
	if next.Op != OpLoad || next.Block != l.L || next.Type != p.Type || p.Type != TI32 && p.Type != TI64 {
		return false
	}
	if l.carried == nil {
		l.carried = make([]bool, len(l.L.Params))
	}
	l.carried[j] = true
	return true
}

// matchMerged matches L's stores as a byte copy of merged words; the
// stores and loads it collects replace matchAccesses'.
func (l *idiomLoop) matchMerged() bool {
	l.stores, l.loads, l.fillByte = nil, nil, nil
	ldIdx := map[*Value]int{}
	for _, v := range l.L.Values {
		if v.Op != OpStore && v.Op != OpLoad {
			continue
		}
		a, ok := l.access(v)
		if !ok {
			return false
		}
		if v.Op == OpStore {
			l.stores = append(l.stores, a)
			continue
		}
		// Only full-width loads: every byte of one is memory.
		if v.Type != TI32 && v.Type != TI64 || a.size != int(v.Type.Size()/8) {
			return false
		}
		ldIdx[v] = len(l.loads)
		l.loads = append(l.loads, a)
	}
	if len(l.stores) == 0 || len(l.loads) == 0 {
		return false
	}
	var ok bool
	l.lowD, l.ordered, ok = contiguousRun(l.stores)
	if !ok {
		return false
	}
	lowL, _, ok := contiguousRun(l.loads)
	step := l.stores[0].addr.s
	span := step
	if int32(span) < 0 {
		span = -span
	}
	if !ok || l.loads[0].addr.s != step || span > mergedMaxSpan {
		return false
	}
	// srcAddr is the address constant of byte b of a load or carried
	// parameter, relative to the loads' terms.
	used := map[[2]int]bool{}
	srcAddr := func(b byteSrc) (uint32, bool) {
		if k, ok := ldIdx[b.x]; ok {
			return l.loads[k].addr.c + uint32(b.j), true
		}
		j := slices.Index(l.L.Params, b.x)
		if j < 0 || l.carried == nil || !l.carried[j] {
			return 0, false
		}
		k := ldIdx[l.L.Succs[l.back].Args[j]]
		used[[2]int{j, int(b.j)}] = true
		return l.loads[k].addr.c - step + uint32(b.j), true
	}
	var delta uint32
	first := true
	for _, st := range l.stores {
		val := st.v.Args[1]
		if val.Type != TI32 && val.Type != TI64 {
			return false
		}
		budget := 64
		p := bytesOf(val, int(val.Type.Size()/8), 10, &budget)
		for i := 0; i < st.size; i++ {
			c, ok := srcAddr(p.at[i])
			if !ok {
				return false
			}
			d := c - (st.addr.c + uint32(i))
			if !first && d != delta {
				return false
			}
			delta, first = d, false
		}
	}
	l.lowS = l.lowD + delta
	l.lowL = lowL
	l.merged = true
	keys := make([][2]int, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int { return a[0]*8 + a[1] - b[0]*8 - b[1] })
	for _, k := range keys {
		ld := l.loads[ldIdx[l.L.Succs[l.back].Args[k[0]]]]
		a := ld.addr
		a.c = a.c - step + uint32(k[1])
		l.carriedBytes = append(l.carriedBytes, carriedByte{
			entry: l.P.Succs[l.entryEdge].Args[k[0]], j: k[1], addr: a})
	}
	return true
}

// carriedCheck builds in C3 the comparison of the carried bytes with
// memory; C3 runs after the bounds checks, which cover these bytes (they
// are copied by iteration 0).
func (l *idiomLoop) carriedCheck(C3 *Block, val func(*Block, Op, Type, ...*Value) *Value,
	cnst func(*Block, Type, int64) *Value, at func(*Block, affine, *Value) *Value) *Value {
	ref := l.loads[0].v
	var memLen *Value
	if len(ref.Args) > 1 { // the memory length an explicit check reads
		memLen = val(C3, OpMemLen, TI64)
	}
	var ok *Value
	for _, cb := range l.carriedBytes {
		args := []*Value{at(C3, cb.addr, nil)}
		if memLen != nil {
			args = append(args, memLen)
		}
		ld := val(C3, OpLoad, TI32, args...)
		ld.Aux, ld.Aux2 = ref.Aux, int64(wasm.OpI32Load8U)
		e := cb.entry
		if e.Type == TI64 {
			e = val(C3, OpWrap, TI32, val(C3, OpShrU, TI64, e, cnst(C3, TI64, int64(8*cb.j))))
		} else {
			e = val(C3, OpShrU, TI32, e, cnst(C3, TI32, int64(8*cb.j)))
		}
		e = val(C3, OpAnd, TI32, e, cnst(C3, TI32, 0xff))
		eq := val(C3, OpEq, TI32, ld, e)
		if ok == nil {
			ok = eq
		} else {
			ok = val(C3, OpAnd, TI32, ok, eq)
		}
	}
	return ok
}
