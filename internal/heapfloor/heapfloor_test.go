package heapfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestRaiseThenRestore checks both halves: below the floor the percentage
// is raised well past the default, and once the live heap passes half the
// floor the previous percentage (here 100) comes back.
func TestRaiseThenRestore(t *testing.T) {
	t.Setenv("GOGC", "") // restored after the test
	os.Unsetenv("GOGC")  // Raise looks for its presence
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC()
	Raise(256 << 20)
	if p := peek(); p < 1000 {
		t.Fatalf("GOGC after Raise(256 MiB) with a small heap = %d, want well above 100", p)
	}
	keep := make([][]byte, 0, 200)
	for i := 0; i < 200; i++ {
		keep = append(keep, make([]byte, 1<<20)) // 200 MiB live > half the floor
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // let the finalizer goroutine run
		p := peek()
		if p == 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC still %d with %d MiB live, want 100 restored", p, len(keep))
		}
	}
	runtime.KeepAlive(keep)
}

// TestExplicitGOGCWins: a user's GOGC is left alone.
func TestExplicitGOGCWins(t *testing.T) {
	t.Setenv("GOGC", "150")
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	Raise(256 << 20)
	if p := debug.SetGCPercent(150); p != 150 {
		t.Fatalf("GOGC = %d after Raise with GOGC=150 set, want 150", p)
	}
}

// peek reads the collector's percentage (SetGCPercent's only reader).
func peek() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}
