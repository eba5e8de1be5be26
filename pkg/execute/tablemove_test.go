package execute

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A store's growable table starts in the store's arena and moves when it
// grows past its room: to a larger arena block, then to a reservation of
// its own (Table.move). Every path to the elements must follow: grown by
// the guest, by the host from inside a host call while the guest's frames
// are live, and by an instance that imports the table, with call_indirect
// from the owner and the importer, table.set and Table.Get and Set before
// and after each move; a Reset gives the reservation back and the next
// instance starts in the arena again; and with the reservations' budget
// spent, growth past the arena fails (-1) and leaves the table as it was.
func TestTableMove(t *testing.T) {
	obj := compileFile(t, "testdata/tablemove.wasm", object.BoundsExplicit)
	impObj := compileFile(t, "testdata/tablemove-imp.wasm", object.BoundsExplicit)
	const fail = 0xFFFFFFFF
	s := newStore(t, Config{})

	var tb *Table
	var hostTarget uint32
	hostGrow := NewHostFunc(wasm.FuncType{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}}, func(c *Caller, st []uint64) error {
		eight, _ := tb.Get(1)
		old, ok := tb.Grow(uint32(st[0]), eight)
		if !ok || !tb.Set(hostTarget, eight) {
			st[0] = fail
			return nil
		}
		st[0] = uint64(old)
		return nil
	})
	var a, b *Instance
	setup := func() {
		a = instantiateObject(t, s, obj, ImportMap{"env": {"grow": hostGrow}})
		e, _ := a.Export("t")
		tb = e.(*Table)
		b = instantiateObject(t, s, impObj, ImportMap{"a": {"t": tb}})
	}
	setup()
	regions := tableRegions.Load()
	call := func(inst *Instance, name string, args ...uint64) func() (uint64, error) {
		return func() (uint64, error) {
			r, err := inst.Func(name).Call(args...)
			if err != nil || len(r) == 0 {
				return 0, err
			}
			return r[0], nil
		}
	}
	const (
		same     = iota // the elements did not move
		arena           // moved to another block of the arena
		reserved        // moved to a reservation
	)
	steps := []struct {
		name  string
		do    func() (uint64, error)
		want  uint64
		where int
		size  uint32
	}{
		{"call 0", call(a, "call", 0), 7, same, 100},
		{"call 1", call(a, "call", 1), 8, same, 100},
		{"guest grows within its room", call(a, "grow", 60), 100, same, 160},
		{"call 159", call(a, "call", 159), 8, same, 160},
		{"guest grows past its room", call(a, "grow", 40), 160, arena, 200},
		{"call 0 after the move", call(a, "call", 0), 7, same, 200},
		{"call 199 after the move", call(a, "call", 199), 8, same, 200},
		{"table.set after the move", call(a, "set", 150), 0, same, 200},
		{"importer calls through 150", call(b, "call", 150), 7, same, 200},
		{"importer grows past the room", call(b, "grow", 300), 200, arena, 500},
		{"table.set of an element the importer added", call(a, "set", 499), 0, same, 500},
		{"importer calls through 499", call(b, "call", 499), 7, same, 500},
		{"owner calls through 150", call(a, "call", 150), 7, same, 500},
		// 7 through element 150 before the host grows the table past
		// the arena and sets the element to $eight, 8 after: 78.
		{"host grows in a host call", func() (uint64, error) { hostTarget = 150; return call(a, "hostgrow", 150, 40000)() }, 78, reserved, 40500},
		{"call 40499 in the reservation", call(a, "call", 40499), 8, same, 40500},
		{"call 150, set by the host", call(a, "call", 150), 8, same, 40500},
		{"call 0, copied", call(a, "call", 0), 7, same, 40500},
		{"call 499, copied", call(b, "call", 499), 7, same, 40500},
		{"importer grows the reservation", call(b, "grow", 1), 40500, same, 40501},
		{"set in the reservation", call(a, "set", 40500), 0, same, 40501},
		{"importer calls through 40500", call(b, "call", 40500), 7, same, 40501},
	}
	prev := loadPtr(tb.desc + abi.TableDescElems)
	for _, st := range steps {
		got, err := st.do()
		if err != nil || got != st.want {
			t.Fatalf("%s: %d, %v; want %d", st.name, got, err, st.want)
		}
		now := loadPtr(tb.desc + abi.TableDescElems)
		where := same
		switch {
		case now != prev && tb.res != nil:
			where = reserved
		case now != prev:
			where = arena
		}
		if where != st.where {
			t.Fatalf("%s: moved %d, want %d (0 none, 1 in the arena, 2 to a reservation)", st.name, where, st.where)
		}
		if tb.Len() != st.size {
			t.Fatalf("%s: %d elements, want %d", st.name, tb.Len(), st.size)
		}
		prev = now
	}
	if n := tableRegions.Load() - regions; n != 1 {
		t.Fatalf("%d reservations taken, want 1", n)
	}

	// Reset gives the reservation back; the next instance's table is in
	// the arena again.
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if n := tableRegions.Load() - regions; n != 0 {
		t.Fatalf("after Reset, %d reservations held, want 0", n)
	}
	setup()
	if tb.res != nil || tb.room != 164 || tb.Len() != 100 {
		t.Fatalf("after Reset: reserved %v, room %d, %d elements; want the arena, 164, 100", tb.res != nil, tb.room, tb.Len())
	}
	if got, err := call(b, "call", 1)(); err != nil || got != 8 {
		t.Fatalf("after Reset, importer calls through 1: %d, %v; want 8", got, err)
	}

	// With no reservation to be had, growth within the arena still
	// works and growth past it fails, leaving the table as it was.
	defer func(l func() int64) { tableRegionLimit = l }(tableRegionLimit)
	tableRegionLimit = func() int64 { return tableRegions.Load() }
	for _, st := range []struct {
		name      string
		n, want   uint64
		size      uint32
		reserved  bool
		callsTo99 uint64
	}{
		{"grow in the arena", 1000, 100, 1100, false, 8},
		{"grow past it, no reservation left", fixedTableBytes / 8, fail, 1100, false, 8},
	} {
		if got, err := call(a, "grow", st.n)(); err != nil || got != st.want {
			t.Fatalf("%s: %d, %v; want %#x", st.name, got, err, st.want)
		}
		if tb.Len() != st.size || (tb.res != nil) != st.reserved {
			t.Fatalf("%s: %d elements, reserved %v; want %d, %v", st.name, tb.Len(), tb.res != nil, st.size, st.reserved)
		}
		if got, err := call(b, "call", 1099)(); err != nil || got != 8 {
			t.Fatalf("%s: importer calls through 1099: %d, %v; want 8", st.name, got, err)
		}
	}
	// A table whose minimum needs a reservation is refused at
	// instantiation with an error naming the limit.
	big := wasm.TableType{Elem: wasm.FuncRef, Limits: lim(fixedTableBytes/8+1, 0, false)}
	_, err := newStore(t, Config{}).Instantiate(loadWasm(t, growWasm(big)), nil)
	if err == nil || !strings.Contains(err.Error(), "the process's tables already hold") {
		t.Fatalf("a table needing a reservation past the budget: %v", err)
	}
}
