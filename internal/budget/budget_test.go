package budget

import (
	"sync"
	"testing"
)

// Takers racing for a budget of 100 get exactly 100 between them.
func TestTakeNeverPastLimit(t *testing.T) {
	var c Counter
	var got sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range 8 {
		got.Add(1)
		go func() {
			defer got.Done()
			for range 50 {
				if c.Take(100) {
					mu.Lock()
					taken++
					mu.Unlock()
				}
			}
		}()
	}
	got.Wait()
	if taken != 100 || c.Load() != 100 {
		t.Fatalf("took %d, count %d; want 100 and 100", taken, c.Load())
	}
	c.Add(-1)
	if !c.Take(100) || c.Take(100) {
		t.Fatal("after one given back, want exactly one more")
	}
}
