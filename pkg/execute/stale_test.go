package execute

import (
	"errors"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A Func of any instance but a store's first, called after Store.Reset,
// ran its old code on the vmctx the next tenant's instance had been given
// in the same arena: it read the new tenant's memory (0x5ec2) and wrote
// it. Such calls now fail with errStaleFunc, as a Func of the first
// instance already did. (The first instance's Funcs are zeroed by Reset
// and then recycled for the next tenant's first instance, allocation
// free: past that point a stale handle to one is one of the tenant's
// Funcs, which nothing can tell apart, so it is checked before.)
func TestStaleFuncAfterReset(t *testing.T) {
	obj := compileFile(t, "testdata/stale.wasm", object.BoundsExplicit)
	s := newStore(t, Config{})
	old := instances(t, s, obj, 2)
	get0, get1, set1 := old[0].Func("get"), old[1].Func("get"), old[1].Func("set")
	if _, err := set1.Call(0x222); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	cur := instances(t, s, obj, 2)
	type staleCall struct {
		name string
		f    *Func
		args []uint64
	}
	check := func(calls []staleCall) {
		t.Helper()
		for _, c := range calls {
			if r, err := c.f.Call(c.args...); !errors.Is(err, errStaleFunc) {
				t.Errorf("%s after Reset: %#x, %v; want errStaleFunc", c.name, r, err)
			}
			if err := c.f.CallInto(make([]uint64, 1)); !errors.Is(err, errStaleFunc) {
				t.Errorf("%s after Reset (CallInto): %v; want errStaleFunc", c.name, err)
			}
		}
	}
	check([]staleCall{{"first instance's get", get0, nil}})
	for i := range cur {
		if _, err := cur[i].Func("set").Call(uint64(0x5ec1 + i)); err != nil {
			t.Fatal(err)
		}
	}
	check([]staleCall{{"second instance's get", get1, nil}, {"second instance's set", set1, []uint64{0xbad}}})
	for i := range cur {
		if r, err := cur[i].Func("get").Call(); err != nil || r[0] != uint64(0x5ec1+i) {
			t.Errorf("tenant's instance %d reads %#x, %v; want %#x", i, r, err, 0x5ec1+i)
		}
	}
}

// Externs of an instance a Reset discarded live in arena memory the next
// tenant is given, or (the first instance's) are zeroed in the store
// until the next tenant's first instance takes them over: importing one
// into a new instance is refused like an extern of another store, for
// every kind. Before, the second instance's were accepted or refused only
// by accident of what the arena now held, and the first instance's
// zeroed Func and memory were nil dereferences in resolve.
func TestStaleExternsNotImported(t *testing.T) {
	obj := compileFile(t, "testdata/stale.wasm", object.BoundsExplicit)
	imp := compileFile(t, "testdata/staleimp.wasm", object.BoundsExplicit)
	names := []string{"get", "mem", "tab", "g"}
	exports := func(inst *Instance) map[string]Extern {
		m := map[string]Extern{}
		for _, n := range names {
			m[n] = mustExport(t, inst, n)
		}
		return m
	}
	for _, which := range []int{0, 1} { // the store's first instance, a later one
		s := newStore(t, Config{})
		stale := exports(instances(t, s, obj, which+1)[which])
		if _, err := s.InstantiateObject(imp, ImportMap{"t": stale}); err != nil {
			t.Fatalf("instance %d's externs before Reset: %v", which, err)
		}
		if err := s.Reset(); err != nil {
			t.Fatal(err)
		}
		var le *LinkError
		if which == 0 {
			// No first instance yet: each of its externs is refused,
			// the others being the host's.
			for _, name := range names {
				m := hostExterns(t)
				m[name] = stale[name]
				_, err := s.InstantiateObject(imp, ImportMap{"t": m})
				if !errors.As(err, &le) || !strings.Contains(le.Detail, "Reset discarded") {
					t.Errorf("first instance's %s imported after Reset: %v; want a link error", name, err)
				}
			}
			continue
		}
		fresh := instantiateObject(t, s, obj, nil)
		for _, name := range names {
			m := exports(fresh)
			m[name] = stale[name]
			_, err := s.InstantiateObject(imp, ImportMap{"t": m})
			if !errors.As(err, &le) || !strings.Contains(le.Detail, "Reset discarded") {
				t.Errorf("instance %d's %s imported after Reset: %v; want a link error", which, name, err)
			}
		}
		if _, err := s.InstantiateObject(imp, ImportMap{"t": exports(fresh)}); err != nil {
			t.Errorf("the new tenant's own externs: %v", err)
		}
	}
}

// hostExterns are host externs of staleimp.wasm's import types.
func hostExterns(t testing.TB) map[string]Extern {
	mem, tab := hostMemory(t), hostTable(t, 1)
	get := NewHostFunc(wasm.FuncType{Results: []wasm.ValType{wasm.I32}}, func(*Caller, []uint64) error { return nil })
	return map[string]Extern{"get": get, "mem": mem, "tab": tab, "g": NewGlobal(wasm.GlobalType{Type: wasm.I32, Mutable: true}, 0)}
}

// The externs of an instance a Reset discarded (any but the store's
// first, whose externs the next tenant's first instance takes over) are
// arena memory and a reservation the next tenant has been given: through
// them the Go API read and wrote that tenant's memory (Bytes), cells and
// table. They now read as empty: Bytes nil, Pages and Len 0, Grow and
// Set refused; a global's Get and Set panic, having no error to return.
func TestStaleExternUse(t *testing.T) {
	obj := compileFile(t, "testdata/stale.wasm", object.BoundsExplicit)
	s := newStore(t, Config{})
	inst := instances(t, s, obj, 2)[1]
	mem := inst.Memory()
	tab := mustExport(t, inst, "tab").(*Table)
	g := mustExport(t, inst, "g").(*Global)
	if len(mem.Bytes()) != 65536 || tab.Len() != 1 {
		t.Fatalf("live: %d bytes, %d elements", len(mem.Bytes()), tab.Len())
	}
	g.Set(5)
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	cur := instances(t, s, obj, 2)
	for i, inst := range cur {
		inst.Func("set").Call(uint64(0x5ec1 + i))
	}
	if b := mem.Bytes(); b != nil {
		t.Errorf("stale memory's Bytes: %d bytes starting %x, want nil", len(b), b[:4])
	}
	if n := mem.Pages(); n != 0 {
		t.Errorf("stale memory's Pages: %d, want 0", n)
	}
	if _, ok := mem.Grow(1); ok {
		t.Error("stale memory grew")
	}
	if n := tab.Len(); n != 0 {
		t.Errorf("stale table's Len: %d, want 0", n)
	}
	if tab.Set(0, 0xbad) {
		t.Error("stale table's Set succeeded")
	}
	if _, ok := tab.Grow(1, 0); ok {
		t.Error("stale table grew")
	}
	for name, op := range map[string]func(){"Get": func() { g.Get() }, "Set": func() { g.Set(1) }, "GetV128": func() { g.GetV128() }, "SetV128": func() { g.SetV128([16]byte{}) }} {
		func() {
			defer func() {
				if r := recover(); r != errStaleExtern {
					t.Errorf("stale global's %s: recovered %v, want the errStaleExtern panic", name, r)
				}
			}()
			op()
		}()
	}
	for i := range cur {
		if r, err := cur[i].Func("get").Call(); err != nil || r[0] != uint64(0x5ec1+i) {
			t.Errorf("tenant's instance %d reads %#x, %v; want %#x", i, r, err, 0x5ec1+i)
		}
		if tb := mustExport(t, cur[i], "tab").(*Table); tb.Len() != 1 {
			t.Errorf("tenant's instance %d table has %d elements", i, tb.Len())
		}
	}
}

func mustExport(t testing.TB, inst *Instance, name string) Extern {
	t.Helper()
	x, ok := inst.Export(name)
	if !ok {
		t.Fatalf("no export %q", name)
	}
	return x
}

// Externs of a closed store: its arena and memory reservations go back to
// process-wide pools that other stores take from, so they are stale as
// after a Reset.
func TestStaleExternUseAfterClose(t *testing.T) {
	obj := compileFile(t, "testdata/stale.wasm", object.BoundsExplicit)
	s := newStore(t, Config{})
	inst := instances(t, s, obj, 2)[1]
	mem, tab := inst.Memory(), mustExport(t, inst, "tab").(*Table)
	get := inst.Func("get")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, oi := range instances(t, newStore(t, Config{}), obj, 2) {
		oi.Func("set").Call(0x5ec)
	}
	if b := mem.Bytes(); b != nil {
		t.Errorf("closed store's memory: %d bytes, want nil", len(b))
	}
	if tab.Len() != 0 || tab.Set(0, 0xbad) {
		t.Error("closed store's table still usable")
	}
	if r, err := get.Call(); err == nil {
		t.Errorf("closed store's function ran: %#x", r)
	}
}
