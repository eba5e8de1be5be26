package ssa_test

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestCheckUses: the counts Optimize leaves pass, and one count off by
// one either way, on a value, a parameter or a control, is reported.
func TestCheckUses(t *testing.T) {
	for _, delta := range []int32{-1, 1} {
		for _, pick := range []string{"value", "param", "control"} {
			f := ssatest.Build(t, ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...))
			if err := ssa.CheckUses(f); err != nil {
				t.Fatalf("after Optimize: %v", err)
			}
			var v *ssa.Value
			for _, b := range f.Blocks {
				switch {
				case pick == "param" && len(b.Params) > 0:
					v = b.Params[0]
				case pick == "control" && b.Control != nil:
					v = b.Control
				case pick == "value" && len(b.Values) > 0:
					v = b.Values[len(b.Values)-1]
				}
				if v != nil {
					break
				}
			}
			if v == nil {
				t.Fatalf("no %s to change", pick)
			}
			v.Uses += delta
			if err := ssa.CheckUses(f); err == nil || !strings.Contains(err.Error(), v.String()+" ") {
				t.Errorf("%s %s with Uses off by %d: %v", pick, v, delta, err)
			}
			if err := ssa.CheckUses(f); err != nil {
				t.Errorf("after the check recounted: %v", err)
			}
		}
	}
}
