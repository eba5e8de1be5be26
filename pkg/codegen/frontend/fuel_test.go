package frontend_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// charged sums the fuel f charges: OpFuel values and the fuel folded into
// interrupt checks.
func charged(f *ssa.Func) (total, folded int64, fuelOps int) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			switch v.Op {
			case ssa.OpFuel:
				total += v.Aux
				fuelOps++
			case ssa.OpInterrupt:
				total += v.Aux
				folded += v.Aux
			}
		}
	}
	return
}

func TestFuelCounts(t *testing.T) {
	tests := []struct {
		name          string
		m             *wasm.Module
		total, folded int64 // with Options.Fuel
	}{
		// 4+4+1 in the loop header (its check pays), 3 after the loop.
		{"loop", ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...), 12, 9},
		// local.get, if, one const per arm; else and end are free. A
		// loop-free leaf has no check: every charge is an OpFuel.
		{"if", ssatest.Module1(ssatest.I32s, ssatest.I32s, nil, 0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b), 4, 0},
		// block, nop, drop and end are free.
		{"free", ssatest.Module1(nil, nil, nil, 0x02, 0x40, 0x01, 0x41, 5, 0x1a, 0x0b), 1, 0},
		// Unreachable code after return is not charged.
		{"dead", ssatest.Module1(nil, ssatest.I32s, nil, 0x41, 1, 0x0f, 0x41, 2), 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := frontend.BuildSSA(tt.m, 0, &ssa.Options{Fuel: true})
			if err != nil {
				t.Fatal(err)
			}
			ssa.Optimize(f, 2)
			if total, folded, _ := charged(f); total != tt.total || folded != tt.folded {
				t.Errorf("charged %d (%d folded into checks), want %d (%d)\n%s", total, folded, tt.total, tt.folded, f)
			}
			off := ssatest.Build(t, tt.m)
			if total, _, n := charged(off); total != 0 || n != 0 {
				t.Errorf("without Options.Fuel: %d fuel ops charging %d", n, total)
			}
		})
	}
}
