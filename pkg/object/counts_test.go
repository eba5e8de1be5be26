package object_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestHostileCountsBounded: a list of the module's own in an object's
// metadata holds at most what the decoder accepts of a .wasm module, so
// no more than lucetc writes, and a longer one is refused before it is
// allocated. Bounded by the bytes left alone, a list cost up to 26 times
// its encoding (imports: 4 bytes each, 104 in memory): a crafted 1 GiB
// object asked for 26 GiB, before a signature check could refuse it.
func TestHostileCountsBounded(t *testing.T) {
	l := decode.DefaultLimits
	for _, tc := range []struct {
		what string
		fill func(m *object.Meta, n int)
		most uint32
	}{
		{"types", func(m *object.Meta, n int) { m.Types = make([]wasm.FuncType, n) }, l.Types},
		{"imports", func(m *object.Meta, n int) { m.Imports = make([]wasm.Import, n) }, l.Imports},
		{"functions", func(m *object.Meta, n int) { m.Funcs = make([]object.Func, n) }, l.Funcs},
		{"tables", func(m *object.Meta, n int) { m.Tables = make([]wasm.TableType, n) }, l.Tables},
		{"memories", func(m *object.Meta, n int) { m.Mems = make([]wasm.MemType, n) }, l.Memories},
		{"globals", func(m *object.Meta, n int) { m.Globals = make([]wasm.Global, n) }, l.Globals},
		{"exports", func(m *object.Meta, n int) { m.Exports = make([]wasm.Export, n) }, l.Exports},
		{"elements", func(m *object.Meta, n int) { m.Elems = make([]wasm.Elem, n) }, l.ElemSegments},
		{"data", func(m *object.Meta, n int) { m.Datas = make([]object.Data, n) }, l.DataSegments},
		{"entry stubs", func(m *object.Meta, n int) { m.EntryStubs = make([]uint32, n) }, l.Types},
		{"import stubs", func(m *object.Meta, n int) { m.ImportStubs = make([]uint32, n) }, l.Imports},
	} {
		t.Run(tc.what, func(t *testing.T) {
			m := &object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1}
			tc.fill(m, int(tc.most)+1)
			b, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var got object.Meta
			err = got.UnmarshalBinary(b)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tc.what+" at byte") || !strings.Contains(err.Error(), "entries, past the") {
				t.Errorf("%d %s: error %v, want the list refused", tc.most+1, tc.what, err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<10 {
				t.Errorf("%d %s (%d bytes of metadata): %d bytes allocated before refusing them", tc.most+1, tc.what, len(b), alloc)
			}
		})
	}
	// At the limit, a list is read.
	m := &object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Start: -1, Exports: make([]wasm.Export, l.Exports)}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got object.Meta
	if err := got.UnmarshalBinary(b); err != nil || len(got.Exports) != int(l.Exports) {
		t.Errorf("%d exports: %d read, %v", l.Exports, len(got.Exports), err)
	}
}
