package codegen_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestConstantAddresses runs loads and stores at constant addresses
// (emitted as displacements off the memory base) at the edge of a
// one-page memory, with offset immediates, past 2 GiB (where they take
// the register path) and repeated in one block with a growing offset
// (the second must still be checked), in both bounds modes and tiers.
func TestConstantAddresses(t *testing.T) {
	load := func(addr int32, off uint32) []byte {
		return append(append([]byte{0x41}, sleb32(addr)...), 0x28, 2, byte(off&0x7f|0x80), byte(off>>7&0x7f|0x80), byte(off>>14&0x7f|0x80), byte(off>>21&0x7f|0x80), byte(off>>28))
	}
	store := func(addr int32, off uint32) []byte {
		b := append([]byte{0x41}, sleb32(addr)...)
		b = append(b, 0x41, 7, 0x36, 2, byte(off&0x7f|0x80), byte(off>>7&0x7f|0x80), byte(off>>14&0x7f|0x80), byte(off>>21&0x7f|0x80), byte(off>>28))
		return append(b, 0x41, 0)
	}
	// twice loads at addr+off1 and then at addr+off2 through one SSA
	// value (the constant kept in local 0), whose first check may cover
	// the second.
	twice := func(addr int32, off1, off2 uint32) []byte {
		b := append([]byte{0x41}, sleb32(addr)...)
		b = append(b, 0x22, 0) // local.tee 0
		b = append(b, load(0, off1)[len(sleb32(0))+1:]...)
		b = append(b, 0x1a, 0x20, 0) // drop; local.get 0
		return append(b, load(0, off2)[len(sleb32(0))+1:]...)
	}
	tests := []struct {
		name string
		body []byte
		trap bool
	}{
		{"load last word", load(65532, 0), false},
		{"load past the end", load(65533, 0), true},
		{"load with offset, last word", load(65500, 32), false},
		{"load with offset past the end", load(65500, 33), true},
		{"store last word", store(65532, 0), false},
		{"store past the end", store(65533, 0), true},
		{"load at 2 GiB - 4", load(0x7ffffffc, 0), true},
		{"load at 4 GiB - 16", load(-16, 0), true},
		{"offset to 4 GiB + 8", load(-16, 24), true},
		{"second access of a checked constant, further", twice(65000, 0, 600), true},
		{"second access of a checked constant, within", twice(65000, 500, 8), false},
	}
	m := &wasm.Module{
		Types: []wasm.FuncType{{Results: []wasm.ValType{wasm.I32}}},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	for i, tt := range tests {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Locals: []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, NumLocals: 1, Body: append(tt.body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: tt.name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	for bname, bounds := range map[string]object.BoundsChecks{"explicit": object.BoundsExplicit, "guard": object.BoundsGuard} {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", bname, opt), func(t *testing.T) {
				opts := codegen.Options{OptLevel: opt, Bounds: bounds}
				if bounds == object.BoundsGuard {
					opts.MemReserve, opts.MemGuard = codegen.DefaultMemReserve, codegen.DefaultMemGuard
				}
				obj, err := codegen.Compile(m, opts)
				if err != nil {
					t.Fatal(err)
				}
				inst := instantiate(t, obj)
				for _, tt := range tests {
					_, err := inst.Func(tt.name).Call()
					var trap *execute.Trap
					if got := errors.As(err, &trap); got != tt.trap || err != nil && !got {
						t.Errorf("%s: error %v, want a trap: %v", tt.name, err, tt.trap)
					}
				}
			})
		}
	}
}
