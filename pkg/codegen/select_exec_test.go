package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSelectCompare runs selects fed by comparisons (fused into cmov)
// with register, constant and aliasing operands, and adds of shifted
// values (fused into lea).
func TestSelectCompare(t *testing.T) {
	i32 := wasm.I32
	bodies := map[string][]byte{
		// select(x, y, a < b)
		"regs": {0x20, 2, 0x20, 3, 0x20, 0, 0x20, 1, 0x48, 0x1b},
		// select(7, y, a < b): constant x takes the RDX path
		"constx": {0x41, 7, 0x20, 3, 0x20, 0, 0x20, 1, 0x48, 0x1b},
		// select(a, b, a < b) = min(a, b): operands shared with the compare
		"min": {0x20, 0, 0x20, 1, 0x20, 0, 0x20, 1, 0x48, 0x1b},
		// select(x, 9, a >= 5)
		"consty": {0x20, 2, 0x41, 9, 0x20, 0, 0x41, 5, 0x4e, 0x1b},
		// a + (b << 3): a scaled-index lea
		"scaled": {0x20, 0, 0x20, 1, 0x41, 3, 0x74, 0x6a},
		// (b << 1) + b: the shifted value is also the base
		"scaledself": {0x20, 1, 0x41, 1, 0x74, 0x20, 1, 0x6a},
	}
	want := map[string]func(a, b, x, y int32) int32{
		"regs":       func(a, b, x, y int32) int32 { return pick(a < b, x, y) },
		"constx":     func(a, b, x, y int32) int32 { return pick(a < b, 7, y) },
		"min":        func(a, b, x, y int32) int32 { return pick(a < b, a, b) },
		"consty":     func(a, b, x, y int32) int32 { return pick(a >= 5, x, 9) },
		"scaled":     func(a, b, x, y int32) int32 { return a + b<<3 },
		"scaledself": func(a, b, x, y int32) int32 { return b<<1 + b },
	}
	m := &wasm.Module{Types: []wasm.FuncType{{Params: []wasm.ValType{i32, i32, i32, i32}, Results: []wasm.ValType{i32}}}}
	var names []string
	for name, body := range bodies {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(names))})
		names = append(names, name)
	}
	inst := compileInstance(t, m, codegen.Options{})
	vals := []int32{-3, 0, 4, 5, 6}
	for _, name := range names {
		for _, a := range vals {
			for _, b := range vals {
				got, err := inst.Func(name).Call(uint64(uint32(a)), uint64(uint32(b)), 100, 200)
				if err != nil {
					t.Fatal(err)
				}
				if w := want[name](a, b, 100, 200); int32(got[0]) != w {
					t.Errorf("%s(%d, %d) = %d, want %d", name, a, b, int32(got[0]), w)
				}
			}
		}
	}
}

func pick(c bool, x, y int32) int32 {
	if c {
		return x
	}
	return y
}
