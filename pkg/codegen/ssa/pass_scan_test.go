package ssa_test

import (
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// vectorLoads counts f's v128.load values.
func vectorLoads(f *ssa.Func) int {
	n := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpLoad && wasm.Opcode(v.Aux2) == wasm.OpV128Load {
				n++
			}
		}
	}
	return n
}

// TestScanLoops checks which loops of ../testdata/scan/scan.c (clang -O2
// shapes of musl's strlen, memchr and memcmp and of C scanning loops)
// scanLoops gives a vector prologue, counted by the streams it loads
// (one v128.load each), and that nothing changes below -O 2.
func TestScanLoops(t *testing.T) {
	b, err := os.ReadFile("../testdata/scan/scan.wasm")
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		fn    string
		loads int
	}{
		{"musl_strlen", 1},  // the word loop; not the bytes of the last word
		{"musl_memchr", 1},  // the word loop; not the bytes after it
		{"musl_memcmp", 2},  // two streams
		{"strlen_bytes", 1}, //
		{"scan_until", 2},   // the byte carried to the next iteration is a stream too
		{"skip_spaces", 1},  // exits on a byte that differs
		{"bytes_strcmp", 2}, // two streams, two exits
		{"index_of", 1},     // a count up to n
		{"find_end", 1},     // an end pointer
		{"find_neg", 1},     // a signed byte
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			for _, level := range []int{1, 2} {
				f := optimizedExport(t, m, tt.fn, level)
				want := tt.loads
				if level < 2 {
					want = 0
				}
				if n := vectorLoads(f); n != want {
					t.Errorf("-O %d: %d vector loads, want %d:\n%s", level, n, want, f)
				}
			}
		})
	}
}
