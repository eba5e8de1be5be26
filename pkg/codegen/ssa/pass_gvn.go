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
	var table map[gvnKey]*Value
	if f.WS != nil {
		if f.WS.gvnTable == nil {
			f.WS.gvnTable = map[gvnKey]*Value{}
		}
		table = f.WS.gvnTable
	} else {
		table = map[gvnKey]*Value{}
	}
	avail := scopedMap[gvnKey, *Value]{m: table}
	if f.WS != nil {
		// So is the undo log, kept for its capacity (~10 MB of a big
		// module's compile when grown afresh per function).
		avail.log = f.WS.gvnLog[:0]
		defer func() { f.WS.gvnLog = avail.log[:0] }()
	}
	walkScoped(children, f.Entry, &avail, func(b *Block) {
		for _, v := range b.Values {
			for i, a := range v.Args {
				v.Args[i] = resolve(a)
			}
			k, ok := gvnKeyOf(v)
			if !ok {
				continue
			}
			if w, ok := avail.m[k]; ok {
				v.fwd = w
				continue
			}
			avail.set(k, v)
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

// gvnKeyOf returns v's key, or false when v is not numbered.
func gvnKeyOf(v *Value) (gvnKey, bool) {
	if !gvnPure(v.Op) || OpInfos[v.Op].effect || len(v.Args) == 0 || len(v.Args) > 3 {
		return gvnKey{}, false
	}
	k := gvnKey{op: v.Op, t: v.Type, aux: v.Aux, aux2: v.Aux2, a0: -1, a1: -1, a2: -1}
	ids := [3]*int32{&k.a0, &k.a1, &k.a2}
	for i, a := range v.Args {
		*ids[i] = a.ID
	}
	if OpInfos[v.Op].Commutative && k.a1 < k.a0 {
		k.a0, k.a1 = k.a1, k.a0
	}
	return k, true
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
