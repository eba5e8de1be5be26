package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func TestSplitCriticalEdges(t *testing.T) {
	f := ssatest.Build(t, ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...))
	for _, b := range f.Blocks {
		if len(b.Succs) < 2 {
			continue
		}
		for _, e := range b.Succs {
			if len(e.Args) != 0 {
				t.Errorf("b%d has %d successors and passes arguments to b%d", b.ID, len(b.Succs), e.B.ID)
			}
		}
	}
}
