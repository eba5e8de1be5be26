package execute

import (
	"errors"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A function reference is an address in its store's arena that carries
// its instance's vmctx. A host funcref table or mutable funcref global
// imported by two stores let one store's guest call another store's
// function in that store's instance, and once that store was closed (or
// reset), call through its freed arena: store B then ran store A's code
// on whatever the next store had put there (TestHostRefsOneStore found
// the call still succeeding after A's Close). Such externs now serve one
// store at a time and come back nulled when it closes or resets.
func TestHostRefsOneStore(t *testing.T) {
	obj := compileFile(t, "testdata/hostref.wasm", object.BoundsExplicit)
	tab := hostTable(t, 2)
	g := NewGlobal(wasm.GlobalType{Type: wasm.FuncRef, Mutable: true}, 0)
	imports := ImportMap{"h": {"tab": tab, "g": g}}
	for _, end := range []struct {
		name string
		do   func(*Store) error
	}{{"close", (*Store).Close}, {"reset", (*Store).Reset}} {
		t.Run(end.name, func(t *testing.T) {
			a := newStore(t, Config{})
			ia := instantiateObject(t, a, obj, imports)
			if _, err := ia.Func("set").Call(0xa); err != nil {
				t.Fatal(err)
			}
			if _, err := ia.Func("keep").Call(); err != nil {
				t.Fatal(err)
			}
			if r, err := ia.Func("callg").Call(); err != nil || r[0] != 0xa {
				t.Fatalf("callg in the store that set it: %v %v, want 0xa", r, err)
			}
			// A second instance in the same store shares them.
			if _, err := a.InstantiateObject(obj, imports); err != nil {
				t.Fatalf("second instance in the same store: %v", err)
			}

			b := newStore(t, Config{})
			var le *LinkError
			_, err := b.InstantiateObject(obj, imports)
			if !errors.As(err, &le) || !strings.Contains(le.Detail, "another store") {
				t.Fatalf("second store importing the host table: %v, want a link error naming another store", err)
			}
			// The global alone is bound as well.
			gOnly := ImportMap{"h": {"tab": hostTable(t, 2), "g": g}}
			if _, err := b.InstantiateObject(obj, gOnly); !errors.As(err, &le) || !strings.Contains(le.Detail, "another store") {
				t.Fatalf("second store importing the host global: %v, want a link error naming another store", err)
			}

			if err := end.do(a); err != nil {
				t.Fatal(err)
			}
			for i := uint32(0); i < 2; i++ {
				if v, _ := tab.Get(i); v != 0 {
					t.Errorf("table element %d is %#x after the store that set it ended, want null", i, v)
				}
			}
			if v := g.Get(); v != 0 {
				t.Errorf("global is %#x after the store that set it ended, want null", v)
			}
			ib, err := b.InstantiateObject(obj, imports)
			if err != nil {
				t.Fatalf("after the first store ended: %v", err)
			}
			var tr *Trap
			if _, err := ib.Func("callg").Call(); !errors.As(err, &tr) {
				t.Errorf("call through the nulled global: %v, want a trap", err)
			}
			ib.Func("set").Call(0xb)
			if r, err := ib.Func("call").Call(0); err != nil || r[0] != 0xb {
				t.Errorf("call in the second store: %v %v, want 0xb", r, err)
			}
			b.Close()
		})
	}
}
