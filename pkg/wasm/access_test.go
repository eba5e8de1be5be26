package wasm

import (
	"strings"
	"testing"
)

// TestScalarAccess checks the table against the opcodes' text names: the
// width in the name (or the type's own width), the type before the dot,
// and load or store.
func TestScalarAccess(t *testing.T) {
	for op := OpI32Load - 1; op <= OpI64Store32+1; op++ {
		a, ok := ScalarAccess(op)
		if op < OpI32Load || op > OpI64Store32 {
			if ok {
				t.Errorf("%#x: ScalarAccess ok for a non-access opcode", byte(op))
			}
			continue
		}
		name := op.String()
		typ, rest, _ := strings.Cut(name, ".")
		size := uint8(4)
		if typ == "i64" || typ == "f64" {
			size = 8
		}
		for _, w := range []struct {
			s string
			n uint8
		}{{"8", 1}, {"16", 2}, {"32", 4}} {
			if strings.HasSuffix(strings.TrimSuffix(strings.TrimSuffix(rest, "_s"), "_u"), w.s) {
				size = w.n
			}
		}
		if !ok || a.Size != size || a.Type.String() != typ || a.Store != strings.HasPrefix(rest, "store") {
			t.Errorf("%s: ScalarAccess = %+v, %v; want size %d, type %s, store %v", name, a, ok, size, typ, strings.HasPrefix(rest, "store"))
		}
	}
}
