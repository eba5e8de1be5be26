package ssa_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
)

// TestRecordedOpsComplete checks the promise Optimize's gated passes
// rely on: the ops it records before them (opsOf, plus what divByConst
// makes) include every kind of op a function holds at the end, so no
// pass was skipped for lack of an op the function has. Over the wider
// benchmarks (C and Go), gobig, and the codegen test modules, at opt
// levels 1 and 2.
func TestRecordedOpsComplete(t *testing.T) {
	var files []string
	for _, pat := range []string{"../../../testdata/bench/wider/*.wasm", "../testdata/*.wasm", "../testdata/*/*.wasm", "../../../testdata/gobig.wasm"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("%d modules found, want the wider set, gobig and the codegen test modules", len(files))
	}
	var cur string
	restore := ssa.CheckRecordedOps(func(f *ssa.Func, missing []ssa.Op) {
		t.Errorf("%s: a function ends with ops %v its record lacks", cur, missing)
	})
	defer restore()
	funcs := 0
	for _, file := range files {
		if testing.Short() && filepath.Base(file) == "gobig.wasm" {
			continue // the largest by far; the full run covers it
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			continue // the testdata of invalid modules
		}
		for _, level := range []int{1, 2} {
			cur = file
			for i := range m.Codes {
				f, err := frontend.BuildSSA(m, m.NumImportedFuncs+uint32(i), &ssa.Options{})
				if err != nil {
					break // a module the frontend refuses is not this test's
				}
				ssa.Optimize(f, level)
				funcs++
			}
		}
	}
	t.Logf("%d modules, %d function compilations", len(files), funcs)
}
