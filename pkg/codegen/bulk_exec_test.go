package codegen_test

import (
	"bytes"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestMemoryCopyOverlap checks the inline memory.copy and memory.fill
// against Go's copy for overlapping ranges in both directions and lengths
// around the 8-, 16- and 64-byte loop boundaries.
func TestMemoryCopyOverlap(t *testing.T) {
	i32 := wasm.I32
	m := &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{i32, i32, i32}}},
		Funcs: []uint32{0, 0},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Codes: []wasm.Code{
			{Body: []byte{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 10, 0, 0, 0x0b}}, // memory.copy
			{Body: []byte{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 11, 0, 0x0b}},    // memory.fill
		},
		Exports: []wasm.Export{{Name: "copy", Kind: wasm.ExternFunc, Index: 0}, {Name: "fill", Kind: wasm.ExternFunc, Index: 1}},
	}
	obj, err := codegen.Compile(m, codegen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inst, err := st.InstantiateObject(obj, execute.ImportMap{})
	if err != nil {
		t.Fatal(err)
	}
	mem := inst.Memory().Bytes()
	ref := make([]byte, len(mem))
	reset := func() {
		for i := range mem {
			mem[i] = byte(i*7 + i>>8)
		}
		copy(ref, mem)
	}
	for _, n := range []int{0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 200, 1000} {
		for _, dist := range []int{-40, -33, -9, -8, -1, 0, 1, 3, 8, 9, 31, 32, 33, 40} {
			src := 5000
			dst := src + dist
			reset()
			if _, err := inst.Func("copy").Call(uint64(dst), uint64(src), uint64(n)); err != nil {
				t.Fatal(err)
			}
			copy(ref[dst:dst+n], ref[src:src+n])
			if !bytes.Equal(mem, ref) {
				t.Fatalf("memory.copy(dst=%d, src=%d, n=%d) differs from copy", dst, src, n)
			}
		}
		reset()
		if _, err := inst.Func("fill").Call(77, 0x1ab, uint64(n)); err != nil {
			t.Fatal(err)
		}
		for i := 77; i < 77+n; i++ {
			ref[i] = 0xab
		}
		if !bytes.Equal(mem, ref) {
			t.Fatalf("memory.fill(n=%d) differs", n)
		}
	}
}
