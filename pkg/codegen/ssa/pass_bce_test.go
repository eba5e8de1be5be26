package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
)

// checkedLoads counts the loads that still carry an explicit bounds check.
func checkedLoads(f *ssa.Func) (checked, all int) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpLoad {
				all++
				if len(v.Args) == 2 {
					checked++
				}
			}
		}
	}
	return checked, all
}

func TestElimBoundsChecks(t *testing.T) {
	load := func(off byte) []byte { return []byte{0x20, 0, 0x28, 2, off, 0x1a} } // drop (i32.load offset=off (local.get 0))
	ifThen := func(body []byte) []byte { return ssatest.Cat([]byte{0x20, 0, 0x04, 0x40}, body, []byte{0x0b}) }
	tests := []struct {
		name         string
		body         []byte
		checked, all int
	}{
		{"dominated by a wider check", ssatest.Cat(load(4), ifThen(load(0))), 1, 2},
		{"dominated by a narrower check", ssatest.Cat(load(0), ifThen(load(4))), 2, 2},
		{"sibling arms do not dominate each other",
			ssatest.Cat([]byte{0x20, 0, 0x04, 0x40}, load(0), []byte{0x05}, load(0), []byte{0x0b}), 2, 2},
		{"a check in an if arm does not cover the join", ssatest.Cat(ifThen(load(0)), load(0)), 2, 2},
		{"an outer check covers a loop body",
			ssatest.Cat(load(0), []byte{0x03, 0x40}, load(0), []byte{0x20, 0, 0x0d, 0, 0x0b}), 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ssatest.Build(t, ssatest.Module1(ssatest.I32s, nil, nil, tt.body...))
			if c, a := checkedLoads(f); c != tt.checked || a != tt.all {
				t.Errorf("%d of %d loads checked, want %d of %d:\n%s", c, a, tt.checked, tt.all, f)
			}
		})
	}
	// Guard mode has no checks to remove.
	m := ssatest.Module1(ssatest.I32s, nil, nil, ssatest.Cat(load(4), ifThen(load(0)))...)
	f, err := frontend.BuildSSA(m, 0, &ssa.Options{Bounds: object.BoundsGuard, MemReserve: codegen.DefaultMemReserve, MemGuard: codegen.DefaultMemGuard})
	if err != nil {
		t.Fatal(err)
	}
	ssa.Optimize(f, 2)
	if c, _ := checkedLoads(f); c != 0 {
		t.Errorf("guard mode: %d checked loads", c)
	}
}
