package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestRedundantMasks runs ands that -O 2 drops because their operand has
// no bit outside the mask (ssa.dropRedundantMasks) beside ones it must
// keep: a byte carried around a loop xored with bytes (dropped) or with
// the parameter (kept); halfword loads shifted right (dropped) or left
// (kept), also by 40 (that is, by 8); i64.load32_u masked to 32 bits
// (dropped) or shifted first (kept); a select of two bytes (dropped) or
// of a byte and the parameter (kept); a rotated byte masked to where it
// went (dropped) or to where it was (kept, 0); a comparison & 1. Results
// must match the baseline tier's over memory of varied bytes, and the
// ands said to go must be gone from the optimized SSA (and the others
// there).
func TestRedundantMasks(t *testing.T) {
	x := []byte{0x20, 0}
	ld8 := func(off byte) []byte { return []byte{0x20, 0, 0x2d, 0, off} }
	ld16 := func(off byte) []byte { return []byte{0x20, 0, 0x2f, 1, off} }
	c32 := func(v ...byte) []byte { return append([]byte{0x41}, v...) }
	and, ext := []byte{0x71}, []byte{0xad}
	ff, ffff := c32(0xff, 0x01), c32(0xff, 0xff, 0x03)
	// loop: acc (local 1) = ld8(0); n (local 2) = 8; do acc ^= step; while --n.
	loop := func(step []byte) []byte {
		return cat(ld8(0), []byte{0x21, 1}, c32(8), []byte{0x21, 2, 0x03, 0x40, 0x20, 1}, step,
			[]byte{0x73, 0x21, 1, 0x20, 2, 0x41, 1, 0x6b, 0x22, 2, 0x0d, 0, 0x0b})
	}
	ldn := []byte{0x20, 0, 0x20, 2, 0x6a, 0x2d, 0, 0} // load8_u(x + n)
	cases := []struct {
		name string
		body []byte
		drop bool // the and goes
	}{
		{"loop-bytes", cat(loop(ldn), []byte{0x20, 1}, ff, and, ext), true},
		{"loop-param", cat(loop(x), []byte{0x20, 1}, ff, and, ext), false},
		{"shr16", cat(ld16(4), c32(8), []byte{0x76}, ff, and, ext), true},
		{"shl16", cat(ld16(4), c32(1), []byte{0x74}, ffff, and, ext), false},
		// Shift counts are taken mod 32: by 40 is by 8.
		{"shl16-mod", cat(ld16(4), c32(40), []byte{0x74}, ff, and, ext), false},
		{"shr16-mod", cat(ld16(4), c32(40), []byte{0x76}, ff, and, ext), true},
		{"load32u", cat([]byte{0x20, 0, 0x35, 2, 8}, []byte{0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83}), true},
		{"load32u-shl", cat([]byte{0x20, 0, 0x35, 2, 8, 0x42, 4, 0x86}, []byte{0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83}), false},
		{"select-bytes", cat(ld8(1), ld8(2), x, []byte{0x1b}, ff, and, ext), true},
		{"select-param", cat(ld8(1), x, ld8(3), []byte{0x1b}, ff, and, ext), false},
		{"rotl-to", cat(ld8(5), c32(8), []byte{0x77}, ffff, and, ext), true},
		{"rotl-from", cat(ld8(5), c32(8), []byte{0x77}, ff, and, ext), false},
		{"compare", cat(x, ld8(6), []byte{0x49}, c32(1), and, ext), true},
		{"xor-bytes", cat(ld8(1), ld8(7), []byte{0x73}, ff, and, ext), true},
		{"or-param", cat(ld8(1), x, []byte{0x72}, ff, and, ext), false},
	}
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
		},
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	var names []string
	for i, c := range cases {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Locals: []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, NumLocals: 2, Body: append(c.body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: c.name, Kind: wasm.ExternFunc, Index: uint32(i)})
		names = append(names, c.name)
	}
	m.Funcs = append(m.Funcs, 1)
	m.Codes = append(m.Codes, wasm.Code{Body: []byte{0x20, 0, 0x20, 1, 0x37, 3, 0, 0x0b}})
	m.Exports = append(m.Exports, wasm.Export{Name: "poke", Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	for i, c := range cases {
		f, err := frontend.BuildSSA(m, uint32(i), &ssa.Options{OptLevel: 2})
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		ands := 0
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == ssa.OpAnd {
					ands++
				}
			}
		}
		if c.drop != (ands == 0) {
			t.Errorf("%s: %d ands left, want the and dropped: %v\n%s", c.name, ands, c.drop, f)
		}
	}
	matchBaselineOn(t, m, names, []uint64{0, 1, 100, 0x1234, 0xfff0})
}
