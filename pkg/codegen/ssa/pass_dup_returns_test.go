package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestDupReturns checks that small return blocks reached by several
// jumps are copied into each (dupReturns): no return block keeps
// parameters, and the copies fold with the jumps' arguments (fib's n + 0
// on its n < 2 exit is n: the loop exit keeps its add). A return
// block with a load is not copied.
func TestDupReturns(t *testing.T) {
	fibloop := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}},
		0x02, 0x40, 0x20, 0, 0x41, 2, 0x49, 0x0d, 0, // block; br_if x < 2
		0x03, 0x40, 0x20, 0, 0x41, 1, 0x6b, 0x10, 0, 0x20, 1, 0x6a, 0x21, 1, // loop; acc += f(x - 1)
		0x20, 0, 0x41, 2, 0x6b, 0x22, 0, 0x41, 1, 0x4b, 0x0d, 0, 0x0b, 0x0b, // x -= 2; br_if x > 1
		0x20, 0, 0x20, 1, 0x6a) // x + acc
	// (if (result i32) x (then 1) (else 2)) + x: a join on each arm.
	ifElse := ssatest.Module1(ssatest.I32s, ssatest.I32s, nil,
		0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x20, 0, 0x6a)
	// The same joined value loaded from: not copied.
	ifElseLoad := ssatest.Module1(ssatest.I32s, ssatest.I32s, nil,
		0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x28, 2, 0)
	tests := []struct {
		name          string
		m             *wasm.Module
		params, adds  int
		returnsWanted int
	}{
		{"fibloop", fibloop, 0, 2, 2},
		{"if/else + x", ifElse, 0, 2, 2},
		{"if/else load", ifElseLoad, 1, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := ssatest.Build(t, tc.m)
			params, returns := 0, 0
			for _, b := range f.Blocks {
				if b.Kind == ssa.BlockReturn {
					returns++
					if b != f.Entry {
						params += len(b.Params)
					}
				}
			}
			if params != tc.params || returns != tc.returnsWanted || ssatest.CountOps(f, ssa.OpAdd) != tc.adds {
				t.Errorf("return blocks %d with %d parameters, %d adds; want %d, %d, %d\n%s",
					returns, params, ssatest.CountOps(f, ssa.OpAdd), tc.returnsWanted, tc.params, tc.adds, f)
			}
		})
	}
}
