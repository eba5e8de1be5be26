package codegen

import (
	"bytes"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
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
		{"loop", module1(i32s, i32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, sumLoop...), 12, 9},
		// local.get, if, one const per arm; else and end are free. A
		// loop-free leaf has no check: every charge is an OpFuel.
		{"if", module1(i32s, i32s, nil, 0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b), 4, 0},
		// block, nop, drop and end are free.
		{"free", module1(nil, nil, nil, 0x02, 0x40, 0x01, 0x41, 5, 0x1a, 0x0b), 1, 0},
		// Unreachable code after return is not charged.
		{"dead", module1(nil, i32s, nil, 0x41, 1, 0x0f, 0x41, 2), 2, 0},
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
			off := build(t, tt.m)
			if total, _, n := charged(off); total != 0 || n != 0 {
				t.Errorf("without Options.Fuel: %d fuel ops charging %d", n, total)
			}
		})
	}
}

// TestFuelCode: the charge, sub qword [r15+0x48], imm, is in the code with
// Options.Fuel and nowhere without; Meta.Fuel says which.
func TestFuelCode(t *testing.T) {
	m := module1(i32s, i32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, sumLoop...)
	subImm8 := []byte{0x49, 0x83, 0x6f, 0x48}
	subImm32 := []byte{0x49, 0x81, 0x6f, 0x48}
	for _, fuel := range []bool{false, true} {
		obj, err := Compile(m, ssa.Options{Fuel: fuel})
		if err != nil {
			t.Fatal(err)
		}
		if obj.Meta.Fuel != fuel {
			t.Errorf("Fuel %v: Meta.Fuel = %v", fuel, obj.Meta.Fuel)
		}
		n := bytes.Count(obj.Text, subImm8) + bytes.Count(obj.Text, subImm32)
		// Entry check, loop header, the block after the loop.
		if want := map[bool]int{false: 0, true: 3}[fuel]; n != want {
			t.Errorf("Fuel %v: %d fuel charges in the code, want %d", fuel, n, want)
		}
	}
}
