package execute

import (
	"errors"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// pokeModule exports poke(), which writes 0x5a5a5a5a at address 0 of its
// one page of memory.
func pokeModule(t testing.TB) *load.Module {
	t.Helper()
	one := wasm.Limits{Min: 1, Max: 1, HasMax: true}
	m := &wasm.Module{
		Types:   []wasm.FuncType{{}},
		Funcs:   []uint32{0},
		Mems:    []wasm.MemType{{Limits: one}},
		Codes:   []wasm.Code{{Body: []byte{0x41, 0, 0x41, 0xda, 0xb4, 0xe9, 0xd2, 0x05, 0x36, 2, 0, 0x0b}}},
		Exports: []wasm.Export{{Name: "poke", Kind: wasm.ExternFunc, Index: 0}},
	}
	obj, err := codegen.Compile(m, codegen.Options{Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	mod, err := load.FromObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}

// TestCloseRacingCall: Store.Close (and Reset) from one goroutine while
// another starts a call on the store. Close used to look only at the call
// depth, which the call raises late (after taking its stack), and under
// the store's mutex, which a call does not take: a Close in between gave
// the memory back to the pool, scrubbed, and the call then ran the guest
// on it, so its writes reached the next store to get that reservation.
// Now Close and Reset claim the store as a call does (ErrBusy while a call
// runs on another goroutine), and a call starting after them finds the
// store closed (or reset, with no instance left to run).
func TestCloseRacingCall(t *testing.T) {
	mod := pokeModule(t)
	n := 3000
	if raceEnabled {
		n = 300
	}
	for _, reset := range []bool{false, true} {
		for i := 0; i < n; i++ {
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			inst, err := s.Instantiate(mod, nil)
			if err != nil {
				t.Fatal(err)
			}
			f := inst.Func("poke")
			ready, done := make(chan struct{}), make(chan error)
			go func() {
				close(ready)
				_, err := f.Call()
				done <- err
			}()
			<-ready
			var cerr error
			if reset {
				cerr = s.Reset()
			} else {
				cerr = s.Close()
			}
			callErr := <-done
			if cerr != nil && !errors.Is(cerr, ErrBusy) {
				t.Fatalf("close or reset racing a call: %v", cerr)
			}
			s.Close()
			// The next tenant of the reservation sees none of it.
			s2, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			inst2, err := s2.Instantiate(mod, nil)
			if err != nil {
				t.Fatal(err)
			}
			for j, b := range inst2.Memory().Bytes() {
				if b != 0 {
					s2.Close()
					t.Fatalf("reset %v, round %d: byte %d of a new store's memory is %#x (call: %v, close: %v): a call ran on a closed store's memory", reset, i, j, b, callErr, cerr)
				}
			}
			s2.Close()
		}
	}
}
