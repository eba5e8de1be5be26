package execute

import (
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Globals and tables start from the module's prepared images: constant
// globals are copied, globals read from imports evaluated, and the tables
// hold what the active segments put there, pointing at each instance's own
// function records. prepare.wasm has only constant segments (an image is
// prepared); prepare-dyn.wasm is the same module with one segment at an
// offset read from an import (none is, the segments are applied one by one
// as before): every instance of both must read the same.
func TestPreparedImages(t *testing.T) {
	i32 := wasm.GlobalType{Type: wasm.I32}
	imports := ImportMap{"env": {
		"g":   NewGlobal(i32, 7),
		"off": NewGlobal(i32, 2),
		"f":   NewHostFunc(wasm.FuncType{Results: []wasm.ValType{wasm.I32}}, func(c *Caller, stack []uint64) error { stack[0] = 9; return nil }),
	}}
	// Function indices: the import f 0, then a 1, b 2, c 3.
	wantT := []int{-1, -1, 1, -1, 3, -1, -1, -1} // -1: null
	wantU := []int{3, -1, -1, -1}
	var v128 [16]byte
	for i, x := range []byte{1, 2, 3, 4} {
		v128[4*i] = x
	}
	for _, tc := range []struct {
		file     string
		prepared bool
	}{{"testdata/prepare.wasm", true}, {"testdata/prepare-dyn.wasm", false}} {
		t.Run(tc.file, func(t *testing.T) {
			obj := compileFile(t, tc.file, object.BoundsExplicit)
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// Two instances in one store: each table must point at its
			// own instance's records.
			for k := range 2 {
				inst, err := s.InstantiateObject(obj, imports)
				if err != nil {
					t.Fatal(err)
				}
				if got := inst.mod.tabImg != nil; got != tc.prepared {
					t.Fatalf("table image prepared: %v, want %v", got, tc.prepared)
				}
				index := func(v uint64) int {
					if v == 0 {
						return -1
					}
					return int((uintptr(v) - inst.funcRefs) / abi.FuncRefSize)
				}
				for _, tab := range []struct {
					name string
					want []int
				}{{"t", wantT}, {"u", wantU}} {
					e, _ := inst.Export(tab.name)
					tb := e.(*Table)
					for j, w := range tab.want {
						v, _ := tb.Get(uint32(j))
						if got := index(v); got != w {
							t.Errorf("instance %d: table %s[%d] = function %d, want %d", k, tab.name, j, got, w)
						}
					}
				}
				for _, g := range []struct {
					name string
					want uint64
				}{
					{"i32", uint64(uint32(0xfffffffb))},
					{"i64", 0x123456789abcdef0},
					{"f32", uint64(math.Float32bits(1.5))},
					{"f64", math.Float64bits(-2.25)},
					{"fromimport", 7},
					{"ref", uint64(inst.funcRefs + 2*abi.FuncRefSize)},
					{"null", 0},
				} {
					e, _ := inst.Export(g.name)
					if got := e.(*Global).Get(); got != g.want {
						t.Errorf("instance %d: global %s = %#x, want %#x", k, g.name, got, g.want)
					}
				}
				e, _ := inst.Export("v128")
				if got := e.(*Global).GetV128(); got != v128 {
					t.Errorf("instance %d: global v128 = %v, want %v", k, got, v128)
				}
				// A mutable global written by one instance is not
				// written in the image.
				e, _ = inst.Export("f64")
				e.(*Global).Set(math.Float64bits(100))
			}
		})
	}
}
