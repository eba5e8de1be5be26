package ssa_test

import (
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// optimizedExport builds m's export name and optimizes it at level.
func optimizedExport(t *testing.T, m *wasm.Module, name string, level int) *ssa.Func {
	t.Helper()
	fi := -1
	for _, e := range m.Exports {
		if e.Name == name {
			fi = int(e.Index)
		}
	}
	f, err := frontend.BuildSSA(m, uint32(fi), &ssa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ssa.Optimize(f, level)
	return f
}

// bulkOps counts f's memory.copy and memory.fill builtins.
func bulkOps(f *ssa.Func) (copies, fills int) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpBuiltin && abi.Builtin(v.Aux) == abi.BuiltinMemoryCopy {
				copies++
			}
			if v.Op == ssa.OpBuiltin && abi.Builtin(v.Aux) == abi.BuiltinMemoryFill {
				fills++
			}
		}
	}
	return copies, fills
}

// TestLoopIdioms checks that loopIdioms recognises the loops clang -O2
// makes of C copy and fill loops (../testdata/idiom/idiom.c: musl's
// shapes, unrolled, with a remainder loop, with one or three induction
// variables, forwards and backwards), each loop versioned once, and
// leaves alone a word fill whose bytes differ and every loop below -O 2.
func TestLoopIdioms(t *testing.T) {
	b, err := os.ReadFile("../testdata/idiom/idiom.wasm")
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		fn            string
		copies, fills int
	}{
		{"copy_back8", 2, 0},         // a remainder loop and the loop unrolled by 4
		{"copy_fwd8", 2, 0},          // the same forwards, three induction variables
		{"copy_fwd32", 2, 0},         // words
		{"copy_back32", 2, 0},        // words backwards
		{"copy_fwd64", 2, 0},         // an up-counting index compared with the count
		{"fill8", 0, 2},              // a byte from a parameter
		{"fill32_uniform", 0, 2},     // 0x5a5a5a5a is a byte fill
		{"fill32_mixed", 0, 0},       // 0x01020304 is not
		{"copy_words_rem", 2, 0},     // while n > 15, n -= 32, unrolled, with a remainder loop
		{"copy_words_wrap", 1, 0},    // while n > 2, n -= 4: checked not to wrap
		{"copy_pairs_swapped", 2, 0}, // stores against the walk: checked for no overlap
		// musl memcpy's misaligned loops: words merged from two loads,
		// one carried, as a byte copy (and the tail loop, unrolled with
		// a remainder); with the carried word from the caller as well.
		{"copy_merge1", 3, 0},
		{"copy_merge2", 3, 0},
		{"copy_merge3", 3, 0},
		{"copy_merge1_w", 3, 0},
		{"copy_merge2_w", 3, 0},
		{"copy_merge3_w", 3, 0},
		{"copy_merge_skew", 2, 0}, // bytes at two distances: only the tail loop
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			for _, level := range []int{1, 2} {
				f := optimizedExport(t, m, tt.fn, level)
				c, fl := bulkOps(f)
				wc, wf := tt.copies, tt.fills
				if level < 2 {
					wc, wf = 0, 0
				}
				if c != wc || fl != wf {
					t.Errorf("-O %d: %d copies, %d fills, want %d, %d:\n%s", level, c, fl, wc, wf, f)
				}
			}
		})
	}
}
