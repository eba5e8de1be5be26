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

// vectorBeforeScalar returns a v128.load of f that some path from the
// entry reaches without going through a block with a scalar load at the
// same wasm position (the load of the loop it compares ahead of), or
// nil: scanLoops' prologue of a word loop runs only after the scalar
// loop's warm-up iterations (short strings do not pay for its set-up);
// a byte loop's runs first.
func vectorBeforeScalar(f *ssa.Func) *ssa.Value {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op != ssa.OpLoad || wasm.Opcode(v.Aux2) != wasm.OpV128Load {
				continue
			}
			scalar := func(c *ssa.Block) bool {
				for _, w := range c.Values {
					if w.Op == ssa.OpLoad && w.Pos == v.Pos && wasm.Opcode(w.Aux2) != wasm.OpV128Load {
						return true
					}
				}
				return false
			}
			seen := map[*ssa.Block]bool{f.Entry: true}
			work := []*ssa.Block{f.Entry}
			for len(work) > 0 {
				c := work[len(work)-1]
				work = work[:len(work)-1]
				if c == b {
					return v
				}
				if scalar(c) {
					continue
				}
				for _, e := range c.Succs {
					if !seen[e.B] {
						seen[e.B] = true
						work = append(work, e.B)
					}
				}
			}
		}
	}
	return nil
}

// TestScanLoops checks which loops of ../testdata/scan/scan.c (clang -O2
// shapes of musl's strlen, memchr and memcmp and of C scanning loops)
// scanLoops gives a vector prologue, counted by the streams it loads
// (one v128.load each), that a word loop's prologue comes after scalar
// iterations and a byte loop's before them, and that nothing changes
// below -O 2.
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
		warm  int // 1: the scalar loop runs first (word loops); -1: not; 0: unchecked
	}{
		{"musl_strlen", 1, 1},   // the word loop; not the bytes of the last word
		{"musl_memchr", 1, 1},   // the word loop; not the bytes after it
		{"musl_memcmp", 2, -1},  // two streams
		{"strlen_bytes", 1, -1}, //
		{"scan_until", 2, 0},    // the byte carried to the next iteration is a stream too
		{"skip_spaces", 1, -1},  // exits on a byte that differs
		{"bytes_strcmp", 2, -1}, // two streams, two exits
		{"index_of", 1, -1},     // a count up to n
		{"find_end", 1, -1},     // an end pointer
		{"find_neg", 1, -1},     // a signed byte
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
				// (scan_until's C2 loads its stream's scalar entry
				// value: the check cannot tell.)
				if v := vectorBeforeScalar(f); want > 0 && tt.warm != 0 && (v == nil) != (tt.warm > 0) {
					t.Errorf("-O %d: warm-up %v, want %v (%v):\n%s", level, v == nil, tt.warm > 0, v, f)
				}
			}
		})
	}
}
