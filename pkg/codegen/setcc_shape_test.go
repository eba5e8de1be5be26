package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSetccShape pins -O 2's code for a compare whose operands die at
// it, with registers free: the allocator gives the boolean a register
// none of the operands is in (regalloc's pick), so the emitter zeroes it
// before the cmp and needs no movzx after the setcc. The operands in
// registers, one a constant, one loaded from memory (a load fused into
// the cmp, whose address register dies there too). TestMaterializedCompares
// checks the results of every shape.
func TestSetccShape(t *testing.T) {
	x, y, z := []byte{0x20, 0}, []byte{0x20, 1}, []byte{0x20, 2}
	tests := []struct {
		name string
		cond []byte
	}{
		{"x <u y", ssatest.Cat(x, y, []byte{0x49})},
		{"x == 7", ssatest.Cat(x, []byte{0x41, 7, 0x46})},
		{"eqz x", ssatest.Cat(x, []byte{0x45})},
		{"load(x) <s y", ssatest.Cat(x, []byte{0x28, 2, 0}, y, []byte{0x48})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// cond + z: the boolean is an operand of an add, not a result
			// (the result register would be its hint).
			m := ssatest.Module1([]wasm.ValType{wasm.I32, wasm.I32, wasm.I32}, ssatest.I32s, nil, ssatest.Cat(tc.cond, z, []byte{0x6a})...)
			m.Mems = []wasm.MemType{{Limits: wasm.Limits{Min: 1}}}
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := disasm(fc.Code)
			if !strings.Contains(code, "set") || strings.Contains(code, "movzx") {
				t.Errorf("want a setcc and no movzx:\n%s", code)
			}
		})
	}
}
