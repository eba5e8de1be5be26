package object_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// The decoder cuts the metadata's strings from shared chunks instead of
// allocating each (a hello world's load made 49 string allocations out of
// ~190, a large module's thousands): the count of allocations must not
// grow with the number of names, and the strings must still decode
// exactly, long ones (allocated alone) and empty ones included.
func TestUnmarshalStringAllocs(t *testing.T) {
	for _, c := range []struct {
		name      string
		funcs     int
		long      int // length of one more name, 0 for none
		maxAllocs float64
	}{
		{"none", 0, 0, 2},
		{"few", 10, 0, 4},
		{"many", 5000, 0, 12}, // one allocation per name before
		{"long name", 100, 3000, 6},
		{"empty names", 100, -1, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1,
				Types: []wasm.FuncType{{}}}
			for i := range c.funcs {
				name := fmt.Sprintf("function_%d", i)
				if c.long < 0 {
					name = ""
				}
				m.Funcs = append(m.Funcs, object.Func{Name: name, CodeOffset: uint32(16 * i), CodeSize: 16})
			}
			if c.long > 0 {
				m.Exports = []wasm.Export{{Name: strings.Repeat("x", c.long), Kind: wasm.ExternFunc}}
			}
			_, allocs := roundTripAllocs(t, m)
			if allocs > c.maxAllocs {
				t.Errorf("decoding %d names took %.0f allocations, want at most %.0f", c.funcs, allocs, c.maxAllocs)
			}
		})
	}
}

// roundTripAllocs marshals m, decodes it again (10 times, counting the
// allocations of one decoding) and fails unless the result is m.
func roundTripAllocs(t *testing.T, m object.Meta) (object.Meta, float64) {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got object.Meta
	allocs := testing.AllocsPerRun(10, func() {
		got = object.Meta{}
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
	})
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip differs")
	}
	return got, allocs
}
