// Package heapfloor lets a short-lived batch program (lucetc) skip the
// garbage collections a small heap would trigger: until the live heap
// reaches a floor, the collector's goal stays at about that floor instead
// of twice the live heap; past it, GOGC goes back to what it was. This is
// what Go's own compiler does (cmd/compile's AdjustStartingHeap): a
// compile allocates far more than it keeps, and with the default goal a
// 4 MB module's compile spends about a tenth of its CPU collecting.
//
// In: a floor in bytes, once, early in main. Out: nothing; the collector's
// percentage changes after each cycle until the floor is reached. An
// explicit GOGC in the environment wins: Raise then does nothing.
package heapfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Raise keeps the heap goal near floor bytes until the live heap is half
// of it; then GOGC returns to its previous value (100 by default).
func Raise(floor uint64) {
	if _, set := os.LookupEnv("GOGC"); set || floor == 0 {
		return
	}
	prev := debug.SetGCPercent(-1)
	if prev < 0 {
		return // collection was off already
	}
	t := &tuner{floor: floor, prev: prev, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.adjust()
	t.arm()
}

type tuner struct {
	floor  uint64
	prev   int
	sample []metrics.Sample
}

// adjust sets the percentage that puts the next goal at the floor, or
// restores the previous one once the live heap makes that pointless.
// It reports whether to keep watching.
func (t *tuner) adjust() bool {
	metrics.Read(t.sample)
	live := uint64(0)
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		live = t.sample[0].Value.Uint64()
	}
	if live == 0 {
		live = 1 << 20
	}
	if 2*live >= t.floor {
		debug.SetGCPercent(t.prev)
		return false
	}
	debug.SetGCPercent(int(100 * (t.floor - live) / live))
	return true
}

// arm runs adjust after the next collection: a finalizer on a fresh
// object runs once that object is found unreachable, that is, after a
// cycle, which is when the live heap is known again.
func (t *tuner) arm() {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) {
		if t.adjust() {
			t.arm()
		}
	})
}
