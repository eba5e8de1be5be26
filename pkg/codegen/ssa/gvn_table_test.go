package ssa

import "testing"

// TestGVNTableScopes: the open-addressing table finds what the blocks on
// the way down added, forgets a subtree's entries when it is done (the
// last added emptied first, with no tombstones), and keeps every entry
// findable across its growth (from 1,024 slots, half full at most).
func TestGVNTableScopes(t *testing.T) {
	// b0 dominating b1 and b2, each adding 700 keys (differing in a0).
	blocks := make([]*Block, 3)
	for i := range blocks {
		blocks[i] = &Block{ID: int32(i)}
	}
	tree := domTree{first: []int32{0, 2, 2, 2}, kids: []*Block{blocks[1], blocks[2]}}
	key := func(b, i int) gvnKey { return gvnKey{op: OpAdd, t: TI32, a0: int32(b*1000 + i), a1: 7, a2: -1} }
	vals := make(map[gvnKey]*Value)
	var tab gvnTable
	tab.walk(tree, blocks[0], func(b *Block) {
		for i := 0; i < 700; i++ {
			k := key(int(b.ID), i)
			v := &Value{ID: int32(len(vals))}
			vals[k] = v
			if w := tab.findOrAdd(k, v); w != nil {
				t.Fatalf("b%d key %d found before it was added", b.ID, i)
			}
		}
		// What the block and its dominator added is there (adding it
		// again finds the first value); in b2, what its sibling b1 added
		// is gone.
		for i := 0; i < 700; i += 37 {
			for _, d := range []int{0, int(b.ID)} {
				k := key(d, i)
				if w := tab.findOrAdd(k, &Value{}); w != vals[k] {
					t.Fatalf("in b%d: b%d key %d gives %v, want %v", b.ID, d, i, w, vals[k])
				}
			}
			if b.ID == 2 {
				if w := tab.findOrAdd(key(1, i), &Value{}); w != nil {
					t.Fatalf("in b2: b1's key %d gives %v", i, w)
				}
			}
		}
	})
	if len(tab.log) != 0 {
		t.Fatalf("%d entries left after the walk", len(tab.log))
	}
	for i, s := range tab.slots {
		if s.v != nil {
			t.Fatalf("slot %d still holds %v", i, s.v)
		}
	}
	if len(tab.slots) < 4096 {
		t.Errorf("%d slots for 1,400 entries: the table did not grow", len(tab.slots))
	}
}
