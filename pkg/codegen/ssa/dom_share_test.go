package ssa_test

import (
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
)

// TestLoopRewritesReportChanges checks the promise Optimize relies on to
// compute the dominator tree once for gvn, address folding and
// bounds-check elimination: loopIdioms and scanLoops report every change
// of the control flow graph. For every function of the modules whose
// loops they rewrite (and of some they do not), a function whose
// rewrites report nothing must have the same dominator tree before and
// after them; and the rewriting modules must report some changes.
func TestLoopRewritesReportChanges(t *testing.T) {
	tests := []struct {
		file        string
		wantChanged bool
	}{
		{"../testdata/idiom/idiom.wasm", true},
		{"../testdata/scan/scan.wasm", true},
		{"../testdata/scan/carried.wasm", true},
		{"../testdata/calltarget.wasm", false},
		{"../testdata/shrinkwrap.wasm", false},
		{"../testdata/tablefacts.wasm", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := decode.Decode(b, decode.Options{})
			if err != nil {
				t.Fatal(err)
			}
			changes := 0
			for i := range m.Codes {
				fi := m.NumImportedFuncs + uint32(i)
				f, err := frontend.BuildSSA(m, fi, &ssa.Options{})
				if err != nil {
					t.Fatal(err)
				}
				changed, before, after := ssa.LoopRewritesKeepDoms(f)
				if changed {
					changes++
					continue
				}
				if before != after {
					t.Errorf("function %d: no change reported, but the dominator tree went from\n%s\nto\n%s", fi, before, after)
				}
			}
			if got := changes > 0; got != tt.wantChanged {
				t.Errorf("%d functions reported changes; want some: %v", changes, tt.wantChanged)
			}
		})
	}
}
