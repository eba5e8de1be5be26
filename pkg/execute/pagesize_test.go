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

// TestMonoNow checks that monoNow is positive (0 is "no deadline") and
// does not go back.
func TestMonoNow(t *testing.T) {
	a := monoNow()
	b := monoNow()
	if a <= 0 || b < a {
		t.Fatalf("monoNow %d then %d", a, b)
	}
}
