package ssa

// gvn (global value numbering) replaces a pure value by an identical one
// (same op, type, immediates and operands, commutative operands in
// either order) that dominates it, walking the dominator tree with a
// scoped table. Beyond the arithmetic it saves, it gives a recomputed
// address the identity of the first one, which elimBoundsChecks needs
// to drop the repeated check.
//
// Only operations whose result depends on their operands alone are
// numbered: loads, the memory length and globals can change between two
// occurrences (stores, memory.grow, calls), and trapping operations are
// effects that deadCode keeps anyway. Constants and comparisons are left
// alone: a constant is an immediate or a cheap move where it is used,
// and sharing it would stretch its register's live range across blocks;
// a comparison with one use fuses into its branch or select.
func gvn(f *Func, children domTree) {
	if len(f.Blocks) == 0 {
		return
	}
	// The table is empty again when the walk ends: a worker keeps one.
	avail := &gvnTable{}
	if f.WS != nil {
		avail = &f.WS.gvn
	}
	avail.walk(children, f.Entry, func(b *Block) {
		for _, v := range b.Values {
			for i, a := range v.Args {
				v.Args[i] = resolve(a)
			}
			// Tested here, not by gvnKeyOf returning a flag: most
			// values are not numbered, and a call returning an empty
			// 40-byte key for each was 0.7% of gobig's -O 2 compile.
			if !gvnNumbered(v) {
				continue
			}
			if w := avail.findOrAdd(gvnKeyOf(v), v); w != nil {
				v.fwd = w
			}
		}
	})
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i, a := range v.Args {
				v.Args[i] = resolve(a)
			}
		}
		if b.Control != nil {
			b.Control = resolve(b.Control)
		}
		for i, r := range b.Results {
			b.Results[i] = resolve(r)
		}
		for _, e := range b.Succs {
			for i, a := range e.Args {
				e.Args[i] = resolve(a)
			}
		}
	}
}

// gvnKey identifies a pure value by what it computes.
type gvnKey struct {
	op         Op
	t          Type
	aux, aux2  int64
	a0, a1, a2 int32
}

// gvnNumbered reports whether gvn numbers v.
func gvnNumbered(v *Value) bool {
	return gvnPure(v.Op) && !OpInfos[v.Op].effect && len(v.Args) > 0 && len(v.Args) <= 3
}

// gvnKeyOf returns the key of v, which gvnNumbered.
func gvnKeyOf(v *Value) gvnKey {
	k := gvnKey{op: v.Op, t: v.Type, aux: v.Aux, aux2: v.Aux2, a0: -1, a1: -1, a2: -1}
	ids := [3]*int32{&k.a0, &k.a1, &k.a2}
	for i, a := range v.Args {
		*ids[i] = a.ID
	}
	if OpInfos[v.Op].Commutative && k.a1 < k.a0 {
		k.a0, k.a1 = k.a1, k.a0
	}
	return k
}

// gvnPure reports whether op's result is a function of its operands and
// immediates only.
func gvnPure(op Op) bool {
	switch {
	case op >= OpAdd && op <= OpRotr, op >= OpClz && op <= OpPopcnt,
		op >= OpFAdd && op <= OpFSqrt, op >= OpWrap && op <= OpReinterpret:
		return op != OpTruncS && op != OpTruncU
	case op == OpSelect:
		return true
	}
	return false
}

// gvnTable is gvn's scoped table of available values, by key: open
// addressing with linear probing, each slot the key and its value; log
// lists the slots filled, in order, and a block's subtree done empties
// those it filled. Emptying the last filled slot first leaves every
// other key findable (none filled before it probed past it: it was
// empty then), so the table needs no tombstones. It replaced a Go map,
// whose hashing of the 40-byte key, second lookup to record the old
// binding and deletes were ~2.5% of gobig's -O 2 compile.
type gvnTable struct {
	slots []gvnSlot
	log   []int32
}

type gvnSlot struct {
	k gvnKey
	v *Value // nil: empty
}

// walk calls visit on every block of the dominator tree under b, each
// before its children, and empties what visit added once the block's
// subtree is done.
func (t *gvnTable) walk(tree domTree, b *Block, visit func(*Block)) {
	mark := len(t.log)
	visit(b)
	for _, c := range tree.of(b) {
		t.walk(tree, c, visit)
	}
	for _, i := range t.log[mark:] {
		t.slots[i].v = nil
	}
	t.log = t.log[:mark]
}

// findOrAdd returns the value available with key k, or adds v with it
// and returns nil.
func (t *gvnTable) findOrAdd(k gvnKey, v *Value) *Value {
	if 2*(len(t.log)+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := k.hash() & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.v == nil {
			s.k, s.v = k, v
			t.log = append(t.log, int32(i))
			return nil
		}
		if s.k == k {
			return s.v
		}
	}
}

// grow doubles the table (at least 1024 slots), adding the entries again
// in the order they came.
func (t *gvnTable) grow() {
	old := t.slots
	t.slots = make([]gvnSlot, max(1024, 2*len(old)))
	mask := uint64(len(t.slots) - 1)
	for j, oi := range t.log {
		s := old[oi]
		i := s.k.hash() & mask
		for t.slots[i].v != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = s
		t.log[j] = int32(i)
	}
}

// reset empties the table (after a walk that did not finish).
func (t *gvnTable) reset() {
	for _, i := range t.log {
		t.slots[i].v = nil
	}
	t.log = t.log[:0]
}

func (k gvnKey) hash() uint64 {
	const m = 0x9e3779b97f4a7c15
	h := uint64(k.op) | uint64(k.t)<<16 | uint64(uint32(k.a2))<<32
	h = (h ^ uint64(k.aux)) * m
	h = (h ^ uint64(k.aux2)) * m
	h = (h ^ (uint64(uint32(k.a0)) | uint64(uint32(k.a1))<<32)) * m
	return h ^ h>>29
}
