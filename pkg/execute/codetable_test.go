package execute

import (
	"math/rand"
	"slices"
	"sort"
	"testing"
	"time"
)

// fakeCode is an address range no user process maps (the kernel's half),
// so a range registered there can never match a real fault.
const fakeCode = uintptr(0xffff_9000_0000_0000)

// referenceTable is publishCode as it was: every registered range sorted
// by start afresh, then merged.
func referenceTable() []uintptr {
	rs := make([][3]uintptr, 0, len(sigCodeRef))
	for k := range sigCodeRef {
		rs = append(rs, k)
	}
	sort.Slice(rs, func(i, j int) bool { return codeOrder(rs[i], rs[j]) < 0 })
	return codeTable(rs)
}

// TestCodeTableKeptInOrder: the published table, kept in order as ranges
// are registered and unregistered (overlapping, nested, repeated), is the
// one sorting every range afresh gives.
func TestCodeTableKeptInOrder(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var live [][3]uintptr
	for step := 0; step < 3000; step++ {
		if len(live) > 0 && r.Intn(3) == 0 {
			i := r.Intn(len(live))
			k := live[i]
			live = slices.Delete(live, i, i+1)
			unregisterCode(k[0], k[2], k[1])
		} else {
			start := fakeCode + uintptr(r.Intn(1<<16))*16
			end := start + uintptr(1+r.Intn(1<<12))*16
			safe := start + (end-start)/2
			if r.Intn(4) == 0 && len(live) > 0 {
				k := live[r.Intn(len(live))] // the same range again
				start, end, safe = k[0], k[1], k[2]
			}
			if err := registerCode(start, safe, end); err != nil {
				t.Fatal(err)
			}
			live = append(live, [3]uintptr{start, end, safe})
		}
		sigMu.Lock()
		got, want := slices.Clone(sigLive), referenceTable()
		sigMu.Unlock()
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: table %x, want %x", step, got, want)
		}
	}
	for _, k := range live {
		unregisterCode(k[0], k[2], k[1])
	}
	for _, rg := range codeRanges() {
		if rg[0] >= fakeCode {
			t.Fatalf("range %x left registered", rg)
		}
	}
}

// TestManyCodeRangesCost: registering n modules' code costs O(n) each, not
// a sort of all of them (4,000 preloads took 2.2 s of CPU, 85% sorting;
// 20,000 ranges here took about a minute). A budget, not a measurement.
func TestManyCodeRangesCost(t *testing.T) {
	const n = 5000
	start := time.Now()
	for i := 0; i < n; i++ {
		s := fakeCode + uintptr(i)*4096
		if err := registerCode(s, s, s+4096); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		s := fakeCode + uintptr(i)*4096
		unregisterCode(s, s, s+4096)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("%d ranges registered and unregistered in %v", n, d)
	}
}
