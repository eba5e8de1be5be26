package execute

import (
	"os"
	"testing"
)

// TestPageSize checks the constant pageSize against the kernel's page size
// (the auxiliary vector's, as the runtime reads it).
func TestPageSize(t *testing.T) {
	if got := os.Getpagesize(); uintptr(got) != pageSize {
		t.Fatalf("page size %d, pageSize %d", got, pageSize)
	}
}

// TestSlabSizes checks that the spelled-out slab sizes are arenaClasses'.
func TestSlabSizes(t *testing.T) {
	for i, c := range arenaClasses {
		if slabs[i].size != c {
			t.Errorf("slabs[%d].size = %d, arenaClasses[%d] = %d", i, slabs[i].size, i, c)
		}
	}
}

// TestMonoNow checks that monoNow is positive (0 is "no deadline") and
// does not go back.
func TestMonoNow(t *testing.T) {
	a := monoNow()
	b := monoNow()
	if a <= 0 || b < a {
		t.Fatalf("monoNow %d then %d", a, b)
	}
}
