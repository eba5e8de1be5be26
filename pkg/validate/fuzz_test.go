package validate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// FuzzValidate must never panic. The first byte picks a mode: even bytes
// decode the rest as a whole module (the real pipeline); odd bytes use the
// rest as the body of a function added to base(), which reaches deep into
// body validation far more often than random modules do. Sequential and
// parallel validation must agree.
func FuzzValidate(f *testing.F) {
	f.Add(append([]byte{0}, syntheticModule(3, 3)...))
	f.Add(cat(op(1), i32c(1), i32c(2), op(0x6A, 0x1A, 0x0B)))
	f.Add(cat(op(3), op(0x02, 0x7F), i32c(7), i32c(0), op(0x0E, 1, 0, 1, 0x0B, 0x1A, 0x0B)))
	f.Add(cat(op(5), v128c(), v128c(), simd(0x0D, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31), op(0x1A, 0x0B)))
	f.Add(cat(op(7), op(0x00, 0x1B, 0x0D, 0, 0x1A, 0x0B)))
	// Small spec modules, one per feature area, as realistic seeds.
	files, _ := filepath.Glob("../../testdata/small/*.wasm")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{0}, b...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		var m *wasm.Module
		if data[0]&1 == 0 {
			var err error
			if m, err = decode.Decode(data[1:], decode.Options{}); err != nil {
				return
			}
		} else {
			m = base()
			addFunc(m, uint32(data[0]>>1)%uint32(len(m.Types)), []wasm.LocalEntry{{Count: 2, Type: wasm.I32}, {Count: 1, Type: wasm.V128}}, data[1:])
		}
		_, err1 := Module(m, Options{Parallel: 1})
		_, err2 := Module(m, Options{Parallel: 2})
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("sequential %v, parallel %v", err1, err2)
		}
	})
}
