package ssa

import "testing"

// TestSuccIndex checks edgeTo's index of a br_table's successors in both
// forms: dense targets in an array over their IDs, sparse ones (a few
// targets spanning many blocks) in a map, whose size is that of the
// targets, not of their span.
func TestSuccIndex(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ids    []int32
		sparse bool
	}{
		{"dense", []int32{5, 6, 7, 5, 8, 9, 10, 11, 12, 6}, false},
		{"sparse", []int32{0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 1000}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Block{}
			blocks := map[int32]*Block{}
			for _, id := range tc.ids {
				if blocks[id] == nil {
					blocks[id] = &Block{ID: id}
				}
				p.Succs = append(p.Succs, Edge{B: blocks[id]})
			}
			for i, id := range tc.ids {
				want := i
				for j := range i {
					if tc.ids[j] == id {
						want = j // the first edge to the block
						break
					}
				}
				if got := p.EdgeTo(blocks[id]); got != want {
					t.Errorf("EdgeTo(b%d) = %d, want %d", id, got, want)
				}
			}
			x := p.SuccIdx
			if x == nil {
				t.Fatal("no index built for a block of more than 8 successors")
			}
			if (x.m != nil) != tc.sparse || tc.sparse && len(x.at) != 0 {
				t.Errorf("sparse %v: map %v, array of %d", tc.sparse, x.m != nil, len(x.at))
			}
			if got := x.find(4); got != -1 {
				t.Errorf("find(b4), not a successor: %d, want -1", got)
			}
		})
	}
}
