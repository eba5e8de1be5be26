package object_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// The decoder cuts the function types' value-type lists from one block
// (lucet-run hello.so's load made 26 allocations for its 13 types, half
// of all it made): the allocations must not grow with the number of
// types, the lists must decode exactly (empty ones as nil), and appending
// to one list must not write into the next.
func TestUnmarshalTypeAllocs(t *testing.T) {
	m := object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1}
	for i := range 200 {
		var ft wasm.FuncType
		for j := range i % 5 {
			ft.Params = append(ft.Params, []wasm.ValType{wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128}[j])
		}
		if i%3 == 0 {
			ft.Results = []wasm.ValType{wasm.FuncRef}
		}
		m.Types = append(m.Types, ft)
	}
	got, allocs := roundTripAllocs(t, m)
	if allocs > 3 {
		t.Errorf("decoding %d types took %.0f allocations, want at most 3", len(m.Types), allocs)
	}
	next := append([]wasm.ValType(nil), got.Types[2].Params...)
	_ = append(got.Types[1].Params, wasm.ExternRef, wasm.ExternRef)
	if !reflect.DeepEqual(got.Types[2].Params, next) {
		t.Errorf("appending to type 1's params changed type 2's: %v, was %v", got.Types[2].Params, next)
	}
}

// The pass that sizes the block checks nothing: a bad list after good
// ones is still refused by the decoding proper, with its own error.
func TestUnmarshalTypeErrors(t *testing.T) {
	// header fields, module name "", then the types.
	pre := append(hdr(), abi.Version, 0, 0, 0, 0, 0, 0)
	for _, c := range []struct {
		name, want string
		types      []byte
	}{
		{"bad value type", "bad value type", []byte{2, 1, 0x7f, 0, 1, 0x55, 0}},
		{"truncated list", "truncated", []byte{2, 1, 0x7f, 0, 3, 0x7f}},
		{"count past the end", "exceeds", []byte{1, 1, 0x7f, 9}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m object.Meta
			err := m.UnmarshalBinary(append(append([]byte(nil), pre...), c.types...))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("UnmarshalBinary = %v, want an error containing %q", err, c.want)
			} else if !strings.HasPrefix(err.Error(), "object: meta: types") {
				t.Errorf("UnmarshalBinary = %v, want an error in the types", err)
			}
		})
	}
}
