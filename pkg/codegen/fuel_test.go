package codegen

import (
	"bytes"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFuelCode: the charge, sub qword [r15+0x48], imm, is in the code with
// Options.Fuel and nowhere without; Meta.Fuel says which.
func TestFuelCode(t *testing.T) {
	m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...)
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
