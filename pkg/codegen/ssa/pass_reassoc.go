package ssa

// reassociate rebalances chains of integer adds by when their terms are
// ready, shortening the dependency chain through them.
//
// A sum of several terms arrives as a left-leaning chain in source order:
// SHA-256's t1 = h + S1(e) + ch(e,f,g) + K[i] + w[i] comes from clang as
// ((((e&f) + S1) + h) + ch) + K[i]) + w[i], five adds in a row after S1,
// the term ready last: e feeds the next round's e through its rotates and
// then all of them. Integer addition wraps, so any order of the terms
// gives the same sum; combining the two terms ready first, again and
// again (Huffman's rule, which minimises the depth of a binary tree over
// given arrival times), adds the late term last: S1 + (((h + w) + e&f) +
// (ch + K)), one add after e's rotates. The out-of-order core overlaps the
// rest with the previous round, as in gcc's round (ror, xor, then adds).
//
// A chain is an add (the root) whose operands are adds of its type in its
// block used only there, recursively; its terms are the other operands.
// Chains with a constant term are left alone (`x + c` is the address
// displacement or lea that later folds look for), as are chains of two
// terms and those the new shape would not make shallower. A term's
// readiness is its depth: the longest path to it from the block's start
// through values of the block, one step each but constants. A load counts
// one step too: its address is usually ready early, and counting its
// latency would put loads last where the loop-carried values are what is
// late. The new adds reuse the chain's values, the root in place, each
// inner add right after the later of its two operands (past a call's
// results), so no term lives longer than before and a load's one use
// still follows it (fuseLoads). Only adds move, and they cannot trap.
func reassociate(f *Func) {
	var depth, pos []int32 // by value ID, for the block being rewritten
	var inner, moved []bool
	var terms, adds []*Value
	var ns []rnode
	var plan []rbuild
	for _, b := range f.Blocks {
		if len(b.Values) < 4 {
			continue
		}
		// Most blocks hold no chain of three terms: it needs an add
		// read by an add, which this cheap scan looks for first.
		found := false
		for _, v := range b.Values {
			if v.Op == OpAdd && chainAdd(v, b) {
				for _, a := range v.Args {
					if a.Op == OpAdd && a.Uses == 1 && a.Type == v.Type && chainAdd(a, b) {
						found = true
						break
					}
				}
			}
			if found {
				break
			}
		}
		if !found {
			continue
		}
		if depth == nil {
			depth = f.WS.Int32s(int(f.NextID))
			pos = f.WS.Int32s(int(f.NextID))
			inner = f.WS.Bools(int(f.NextID))
			moved = f.WS.Bools(int(f.NextID))
		}
		for i, v := range b.Values {
			pos[v.ID] = int32(i)
			d := int32(0)
			for _, a := range v.Args {
				if a.Block == b && a.Op != OpParam {
					d = max(d, depth[a.ID])
				}
			}
			if v.Op == OpConst {
				d = -1 // ready at once, as the immediate it usually is
			}
			depth[v.ID] = d + 1
			inner[v.ID] = false
		}
		for _, v := range b.Values {
			if chainAdd(v, b) {
				for _, a := range v.Args {
					if chainAdd(a, b) && a.Type == v.Type && a.Uses == 1 {
						inner[a.ID] = true
					}
				}
			}
		}
		plan = plan[:0]
		for _, v := range b.Values {
			if !chainAdd(v, b) || inner[v.ID] {
				continue
			}
			terms, adds = chainTerms(v, b, terms[:0], adds[:0])
			if len(terms) < 3 || len(terms) != len(adds)+2 || hasConst(terms) {
				continue
			}
			ns = ns[:0]
			for _, t := range terms {
				n := rnode{v: t, at: -1}
				if t.Block == b && t.Op != OpParam {
					n.ready, n.at = depth[t.ID], pos[t.ID]
				}
				ns = append(ns, n)
			}
			start := len(plan)
			k := 0
			for len(ns) > 1 {
				x, y := popFirst(&ns), popFirst(&ns)
				w := v
				if len(ns) > 0 {
					w = adds[k]
					k++
				}
				plan = append(plan, rbuild{w: w, x: x.v, y: y.v, at: max(x.at, y.at), root: w == v})
				ns = append(ns, rnode{v: w, ready: max(x.ready, y.ready) + 1, at: max(x.at, y.at)})
			}
			if r := ns[0].ready; r >= depth[v.ID] {
				plan = plan[:start]
				continue
			}
			depth[v.ID] = ns[0].ready
		}
		if len(plan) == 0 {
			continue
		}
		rebuild(f, b, plan, moved)
	}
}

// rnode is a term of a chain being rebuilt: its value, when it is ready,
// and the block index it is defined at (-1: before the block).
type rnode struct {
	v     *Value
	ready int32
	at    int32
}

// rbuild is one add of a rebuilt chain: w = x + y, placed after block
// index at (the root stays where it is).
type rbuild struct {
	w, x, y *Value
	at      int32
	root    bool
}

// popFirst removes and returns the node ready first (the earliest
// defined among equals, so the order is deterministic).
func popFirst(ns *[]rnode) rnode {
	s := *ns
	j := 0
	for i := 1; i < len(s); i++ {
		if s[i].ready < s[j].ready || s[i].ready == s[j].ready && s[i].at < s[j].at {
			j = i
		}
	}
	n := s[j]
	*ns = append(s[:j], s[j+1:]...)
	return n
}

// rebuild gives the planned adds their operands and b's values their new
// order: each inner add after the value at its index (and after the
// results of a call there), in plan order, the roots in place.
func rebuild(f *Func, b *Block, plan []rbuild, isMoved []bool) {
	n := len(b.Values)
	count := f.WS.Int32s(n + 2) // inner adds placed after index i-1, at i+1
	for i := range plan {
		p := &plan[i]
		p.w.Args[0], p.w.Args[1] = p.x, p.y
		if p.root {
			continue
		}
		for p.at+1 < int32(n) && b.Values[p.at+1].Op == OpResult {
			p.at++
		}
		isMoved[p.w.ID] = true
		count[p.at+2]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	// count[i+1] is now where the adds placed after index i start in
	// order; fill it stably (plan order) with a cursor per index.
	order := f.WS.Values(int(count[len(count)-1]))
	for _, p := range plan {
		if !p.root {
			order[count[p.at+1]] = p.w
			count[p.at+1]++
		}
	}
	// count[i+1] is now the end of index i's adds; index i's start is
	// the end of index i-1's.
	vs := f.WS.Values(n)[:0]
	prev := int32(0)
	for i := -1; i < n; i++ {
		if i >= 0 && !isMoved[b.Values[i].ID] {
			vs = append(vs, b.Values[i])
		}
		end := count[i+1]
		vs = append(vs, order[prev:end]...)
		prev = end
	}
	copy(b.Values, vs)
	for _, p := range plan {
		isMoved[p.w.ID] = false
	}
}

// chainAdd reports whether v is an integer add of block b that may be
// part of a chain.
func chainAdd(v *Value, b *Block) bool {
	return v.Op == OpAdd && v.Block == b && (v.Type == TI32 || v.Type == TI64) && len(v.Args) == 2 &&
		v.Aux == 0 && v.Aux2 == 0 && !v.Fused
}

// maxChainTerms bounds the chains rebuilt: popFirst is quadratic in the
// terms (a chain of thousands, as generated code may have, would cost
// millions of steps, and gains nothing more from its depth than one of a
// few dozen), and chainTerms recurses down the chain.
const maxChainTerms = 64

// chainTerms appends the terms of the chain rooted at v to terms and its
// inner adds to adds, in operand order; past maxChainTerms adds it stops,
// leaving fewer terms than the inner adds plus two.
func chainTerms(v *Value, b *Block, terms, adds []*Value) ([]*Value, []*Value) {
	for _, a := range v.Args {
		if len(adds) >= maxChainTerms {
			break // too long: the caller sees terms and adds not matching
		}
		if chainAdd(a, b) && a.Type == v.Type && a.Uses == 1 {
			adds = append(adds, a)
			terms, adds = chainTerms(a, b, terms, adds)
			continue
		}
		terms = append(terms, a)
	}
	return terms, adds
}

func hasConst(ts []*Value) bool {
	for _, t := range ts {
		if t.Op == OpConst {
			return true
		}
	}
	return false
}
