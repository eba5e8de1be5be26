package ssa

import (
	"math/rand"
	"testing"
)

// naiveIdom computes immediate dominators from the dataflow definition
// (dom(b) = {b} ∪ ⋂ dom(p) over b's reachable predecessors, iterated to a
// fixed point): the immediate dominator is the strict dominator that all
// the others dominate, the one with the largest dominator set.
func naiveIdom(f *Func) map[*Block]*Block {
	reach := map[*Block]bool{f.Entry: true}
	for work := []*Block{f.Entry}; len(work) > 0; {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		for _, e := range b.Succs {
			if !reach[e.B] {
				reach[e.B] = true
				work = append(work, e.B)
			}
		}
	}
	dom := map[*Block]map[*Block]bool{}
	for _, b := range f.Blocks {
		if !reach[b] {
			continue
		}
		dom[b] = map[*Block]bool{}
		for _, c := range f.Blocks {
			if reach[c] && (b != f.Entry || c == b) {
				dom[b][c] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks {
			if !reach[b] || b == f.Entry {
				continue
			}
			for c := range dom[b] {
				if c == b {
					continue
				}
				for _, p := range b.Preds {
					if reach[p] && !dom[p][c] {
						delete(dom[b], c)
						changed = true
						break
					}
				}
			}
		}
	}
	idom := map[*Block]*Block{}
	for b, ds := range dom {
		var best *Block
		for c := range ds {
			if c != b && (best == nil || len(dom[c]) > len(dom[best])) {
				best = c
			}
		}
		idom[b] = best
	}
	return idom
}

// TestDominatorsRandom checks dominators against naiveIdom on random
// control flow graphs: reducible and irreducible, with unreachable
// blocks, self loops and parallel edges, with and without a workspace.
func TestDominatorsRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 3000; iter++ {
		f := &Func{}
		if iter%2 == 0 {
			f.WS = &Workspace{}
		}
		n := 1 + rng.Intn(24)
		for i := 0; i < n; i++ {
			f.Blocks = append(f.Blocks, f.NewBlock())
		}
		f.Entry = f.Blocks[0]
		edges := rng.Intn(3 * n)
		for k := 0; k < edges; k++ {
			// Mostly forward edges, some back: loops, nested or not,
			// and irreducible tangles.
			a := rng.Intn(n)
			b := rng.Intn(n)
			if rng.Intn(3) > 0 && a < n-1 {
				b = a + 1 + rng.Intn(n-1-a)
			}
			f.Blocks[a].Succs = append(f.Blocks[a].Succs, Edge{B: f.Blocks[b]})
			f.Blocks[b].Preds = append(f.Blocks[b].Preds, f.Blocks[a])
		}
		got := dominators(f)
		want := naiveIdom(f)
		for _, b := range f.Blocks {
			if got[b.ID] != want[b] {
				t.Fatalf("graph %d, block b%d: idom %v, want %v", iter, b.ID, blockID(got[b.ID]), blockID(want[b]))
			}
		}
	}
}

func blockID(b *Block) int32 {
	if b == nil {
		return -1
	}
	return b.ID
}
