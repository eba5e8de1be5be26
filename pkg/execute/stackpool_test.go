package execute

import "testing"

// TestStackPoolSizes: an idle stack is handed out again only for its own
// size, each size keeps its own bucket, and a bucket holds at most
// maxPooledStacks (the rest are unmapped).
func TestStackPoolSizes(t *testing.T) {
	const owner = 1 << 50
	small, big := uintptr(64<<10), uintptr(256<<10)
	a, err := getStack(small, owner)
	if err != nil {
		t.Fatal(err)
	}
	b, err := getStack(big, owner)
	if err != nil {
		t.Fatal(err)
	}
	putStack(a)
	putStack(b)
	if got, _ := getStack(big, owner); got != b {
		t.Errorf("getStack(big) = %p, want the pooled big stack %p", got, b)
	} else {
		putStack(got)
	}
	if got, _ := getStack(small, owner); got != a {
		t.Errorf("getStack(small) = %p, want the pooled small stack %p", got, a)
	} else {
		putStack(got)
	}
	// Fill the small bucket past its bound.
	var sts []*guestStack
	for range maxPooledStacks + 2 {
		st, err := getStack(small, owner)
		if err != nil {
			t.Fatal(err)
		}
		sts = append(sts, st)
	}
	for _, st := range sts {
		putStack(st)
	}
	stackPool.mu.Lock()
	n := len(pooled(roundUp(small+stackMargin, pageSize)).stacks)
	stackPool.mu.Unlock()
	if n != maxPooledStacks {
		t.Errorf("%d idle stacks of one size kept, want maxPooledStacks (%d)", n, maxPooledStacks)
	}
}
