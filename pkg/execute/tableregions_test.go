package execute

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Tables with reservations of their own (tableregions.go) are counted
// against a process-wide budget and a store's share of it, so that no
// module can take the mappings the Go runtime needs: one of 30,000
// one-element tables, instantiated twice, took all 65,530 and the process
// died at its next heap growth. Under a budget of 8 more than the test
// found held (once finalizers ran), and a store's share of 2: each limit refuses with its own
// error, a refused store once closed holds nothing, closing gives back,
// tables in the arena (growable ones too, until they grow past it) are
// free, and host tables count too.
func TestTableReservationBudget(t *testing.T) {
	// Host tables earlier tests left unreachable give theirs back in
	// finalizers: let those run first.
	base := tableRegions.Load()
	for range 20 {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		n := tableRegions.Load()
		if n == base {
			break
		}
		base = n
	}
	defer func(l, s func() int64) { tableRegionLimit, storeTableRegions = l, s }(tableRegionLimit, storeTableRegions)
	tableRegionLimit = func() int64 { return base + 8 }
	storeTableRegions = func() int64 { return 2 }
	// Past the arena's largest block (fixedTableBytes): a reservation.
	open := wasm.TableType{Elem: wasm.FuncRef, Limits: lim(fixedTableBytes/8+1, 0, false)}
	small := wasm.TableType{Elem: wasm.FuncRef, Limits: lim(1, 512, true)}
	growable := wasm.TableType{Elem: wasm.FuncRef, Limits: lim(1, 0, false)}
	two := loadWasm(t, growWasm(open, open))
	three := loadWasm(t, growWasm(open, open, open))
	smalls := loadWasm(t, growWasm(small, small, small, small, small, growable, growable))

	var stores []*Store
	defer func() {
		for _, s := range stores {
			s.Close()
		}
	}()
	// in instantiates mod in a store of its own, closed when it fails.
	in := func(mod *load.Module) func() error {
		return func() error {
			s := newStore(t, Config{})
			_, err := s.Instantiate(mod, nil)
			if err != nil {
				s.Close()
			} else {
				stores = append(stores, s)
			}
			return err
		}
	}
	hostTable := func() error {
		tb, err := NewTable(open, 0)
		if err == nil {
			t.Cleanup(func() { tb.Close() })
		}
		return err
	}
	const store, process = "the store's tables already hold 2 reservations", "the process's tables already hold"
	for _, tc := range []struct {
		name    string
		run     func() error
		refused string // "" for success
		held    int64  // reservations counted after it, over base
	}{
		{"three tables in one store", in(three), store, 0},
		{"tables in the arena", in(smalls), "", 0},
		{"first store", in(two), "", 2},
		{"second store", in(two), "", 4},
		{"host table", hostTable, "", 5},
		{"third store", in(two), "", 7},
		{"past the budget", in(two), process, 7},
		{"host table, the last", hostTable, "", 8},
		{"host table past the budget", hostTable, process, 8},
		{"a store closed gives back", func() error { return stores[1].Close() }, "", 6},
		{"room again", in(two), "", 8},
	} {
		err := tc.run()
		if tc.refused == "" && err != nil || tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)) {
			t.Fatalf("%s: %v, want %q", tc.name, err, tc.refused)
		}
		if n := tableRegions.Load() - base; n != tc.held {
			t.Fatalf("%s: %d reservations counted, want %d", tc.name, n, tc.held)
		}
	}
}

// Under the real budget, a module of 30,000 growable tables (a 90 KB
// .wasm) takes none of the process's mappings while they fit the arena,
// and is refused rather than taking them once each needs a reservation of
// its own; Go can still grow its heap afterwards.
func TestManyTablesRefused(t *testing.T) {
	for _, tc := range []struct {
		min     uint64
		refused bool
	}{{1, false}, {fixedTableBytes/8 + 1, true}} {
		one := wasm.TableType{Elem: wasm.FuncRef, Limits: lim(tc.min, 0, false)}
		tables := make([]wasm.TableType, 30000)
		for i := range tables {
			tables[i] = one
		}
		mod := loadWasm(t, growWasm(tables...))
		maps := countMappings()
		for range 2 {
			// The largest table limit; it refuses the tables past the
			// 511th, before the reservations' budget would.
			s := newStore(t, Config{MaxTableElements: MaxTableElems})
			before := tableRegions.Load()
			_, err := s.Instantiate(mod, nil)
			switch {
			case tc.refused && (err == nil || !strings.Contains(err.Error(), "limit of")):
				t.Fatalf("30,000 tables of %d elements: %v, want a refusal", tc.min, err)
			case !tc.refused && err != nil:
				t.Fatalf("30,000 tables of %d elements: %v", tc.min, err)
			case !tc.refused && tableRegions.Load() != before:
				t.Fatalf("30,000 tables of %d elements took %d reservations, want none", tc.min, tableRegions.Load()-before)
			}
		}
		if n := countMappings() - maps; !tc.refused && n > 64 {
			t.Errorf("30,000 tables of %d elements, twice: %d more mappings", tc.min, n)
		}
	}
	keep := make([][]byte, 0, 8)
	for range 8 {
		keep = append(keep, make([]byte, 64<<20))
	}
	runtime.KeepAlive(keep)
}
