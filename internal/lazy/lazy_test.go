package lazy

import (
	"sync"
	"testing"
)

func TestValueBuildsOnce(t *testing.T) {
	calls := 0
	v := Value[map[string]int]{New: func() map[string]int { calls++; return map[string]int{"a": 1} }}
	if calls != 0 {
		t.Fatalf("New ran before Get")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := v.Get()["a"]; got != 1 {
				t.Errorf("Get()[a] = %d, want 1", got)
			}
		}()
	}
	wg.Wait()
	if calls != 1 {
		t.Fatalf("New ran %d times, want 1", calls)
	}
}

func TestGetAllocatesNothingAfterFirst(t *testing.T) {
	v := Value[*[256]bool]{New: func() *[256]bool { return new([256]bool) }}
	p := v.Get()
	if n := testing.AllocsPerRun(100, func() {
		if v.Get() != p {
			t.Fatal("Get returned a different value")
		}
	}); n != 0 {
		t.Fatalf("Get allocates %v times per call", n)
	}
}
