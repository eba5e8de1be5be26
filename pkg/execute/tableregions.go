package execute

import (
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/lucet-go/lucet/internal/budget"
)

// A table too large for the arena has a reservation of its own, which
// costs the process two or three of its vm.max_map_count mappings
// (65,530 by default). A module may define 100,000 tables: one of 30,000
// tables of one element, instantiated twice, took every mapping, and the
// Go runtime died of "fatal error: runtime: out of memory" at its next
// heap growth. Such reservations are therefore counted process-wide
// against an eighth of vm.max_map_count (at most three eighths of the
// mappings), and one store may hold a quarter of that, so that one
// tenant cannot take every table another needs. Tables in the arena (a
// store's tables while they hold up to 32,768 elements, growable or not,
// and host tables of a maximum of up to 512) cost no mapping and are not
// counted.
var tableRegions budget.Counter

// tableRegionLimit is the process-wide budget; a variable for tests.
// Worked out on first use, not at init: running an object initialises
// nothing in this package (e2e: TestRunSONoCompilerInit).
var tableRegionLimit = mapBudget

var tableRegionMax atomic.Int64 // mapBudget's answer, 0 until asked

func mapBudget() int64 {
	if n := tableRegionMax.Load(); n != 0 {
		return n
	}
	n := int64(65530)
	if b, err := os.ReadFile("/proc/sys/vm/max_map_count"); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 {
			n = v
		}
	}
	n = max(n/8, 64)
	tableRegionMax.Store(n)
	return n
}

// storeTableRegions is one store's share of the budget; a variable for
// tests.
var storeTableRegions = func() int64 { return max(tableRegionLimit()/4, 1) }

// acquireTableRegion takes one reservation from the process's budget
// and, for a table owner defines (nil: a host table), from owner's share.
func acquireTableRegion(owner *Store) bool {
	if owner != nil && owner.tableRegions >= storeTableRegions() {
		return false
	}
	if !tableRegions.Take(tableRegionLimit()) {
		return false
	}
	if owner != nil {
		owner.tableRegions++
	}
	return true
}

// releaseTableRegion gives back what acquireTableRegion took.
func releaseTableRegion(owner *Store) {
	tableRegions.Add(-1)
	if owner != nil {
		owner.tableRegions--
	}
}
