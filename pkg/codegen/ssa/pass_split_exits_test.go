package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// TestSplitExits checks that the argument a calling side uses after a
// call reaches it as a parameter of its own (splitExits), and that it
// does not when both sides call.
func TestSplitExits(t *testing.T) {
	// if x < 8 { return f(x) + x }; return x * 3
	early := ssatest.Module1(ssatest.I32s, ssatest.I32s, nil,
		0x20, 0, 0x41, 8, 0x49, 0x04, 0x40, 0x20, 0, 0x10, 0, 0x20, 0, 0x6a, 0x0f, 0x0b,
		0x20, 0, 0x41, 3, 0x6c)
	// if x < 8 { return f(x) + x }; return f(x) * 3
	both := ssatest.Module1(ssatest.I32s, ssatest.I32s, nil,
		0x20, 0, 0x41, 8, 0x49, 0x04, 0x40, 0x20, 0, 0x10, 0, 0x20, 0, 0x6a, 0x0f, 0x0b,
		0x20, 0, 0x10, 0, 0x41, 3, 0x6c)
	for _, tc := range []struct {
		name   string
		f      *ssa.Func
		params int
	}{
		{"early exit", ssatest.Build(t, early), 1},
		{"calls on both sides", ssatest.Build(t, both), 0},
	} {
		n := 0
		for _, b := range tc.f.Blocks {
			if b != tc.f.Entry {
				n += len(b.Params)
			}
		}
		if n != tc.params {
			t.Errorf("%s: %d block parameters, want %d\n%s", tc.name, n, tc.params, tc.f)
		}
	}
}
