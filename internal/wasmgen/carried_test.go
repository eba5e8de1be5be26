package wasmgen_test

import (
	"testing"

	"github.com/lucet-go/lucet/internal/wasmgen"
)

// TestDiffCarried compares the modules of Options.Carried (loops
// rotating carried values, counters wrapping inside them, exits on
// derived counters: what the optimizer's loop passes and the register
// allocator's coalescing see) in wazero and in both of lucet's tiers.
func TestDiffCarried(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 15
	}
	from, to := seedRange(t, n)
	got, total := sweep(t, from, to, tiers, wasmgen.Options{Carried: true})
	t.Logf("%d modules, calls by outcome: %v", to-from, got)
	if got[""]*100 < total*40 {
		t.Errorf("%d of %d calls returned: too many traps", got[""], total)
	}
}

// TestDiffHostExtern compares the modules of Options.HostExtern (host
// functions making non-null externrefs, which the guest keeps in table
// 2, a global and locals, passes back and tests) in wazero and in both
// of lucet's tiers; an externref is its id in both engines' host
// functions.
func TestDiffHostExtern(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 15
	}
	got, _ := sweep(t, 0, int64(n), []tier{{opt: 2}, {opt: 0}}, wasmgen.Options{HostExtern: true})
	t.Logf("%d modules, calls by outcome: %v", n, got)
	if got[""] == 0 {
		t.Errorf("no call returned")
	}
}

// sweep compares the modules of seeds from..to-1 made with opts in
// wazero and in each tier, and returns the calls by outcome ("" for a
// return) and their total.
func sweep(t *testing.T, from, to int64, tiers []tier, opts wasmgen.Options) (got map[string]int, total int) {
	before := map[string]int{}
	for k, v := range stats {
		before[k] = v
	}
	for seed := from; seed < to; seed++ {
		for _, c := range tiers {
			diffModuleWith(t, seed, c, opts)
		}
	}
	got = map[string]int{}
	for k, v := range stats {
		got[k] = v - before[k]
		total += got[k]
	}
	return got, total
}
