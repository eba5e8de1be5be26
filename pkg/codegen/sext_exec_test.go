package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSignExtendShifts runs shl-then-shr_s pairs by the same count, the
// form C's (int8_t)/(int16_t)/(int32_t) casts take without the
// sign-extension feature (AES's xtime in tiny-AES-c, Lua's and
// QuickJS's byte decoding), over x and over loads at x: at -O 2 those
// that extend 8, 16 or (i64) 32 bits become one sign extension
// (ssa.pass_fold.go), near misses (shr_u, unequal counts, a 24-bit
// field) stay shifts, and every result and out-of-bounds trap (kind and
// wasm offset) is the baseline tier's, in both bounds modes.
func TestSignExtendShifts(t *testing.T) {
	x := []byte{0x20, 0}
	x64 := []byte{0x20, 0, 0xad} // i64.extend_i32_u
	c32 := func(v int32) []byte { return i32Const(v) }
	c64 := func(v int64) []byte { return append([]byte{0x42}, sleb64(v)...) }
	pair32 := func(e []byte, l, r int32, shr byte) []byte {
		return cat(e, c32(l), []byte{0x74}, c32(r), []byte{shr, 0xad})
	}
	pair64 := func(e []byte, l, r int64, shr byte) []byte {
		return cat(e, c64(l), []byte{0x86}, c64(r), []byte{shr})
	}
	const shrS32, shrU32, shrS64, shrU64 = 0x75, 0x76, 0x87, 0x88
	load32 := cat(x, []byte{0x28, 2, 0})       // i32.load [x]
	load8 := cat(x, []byte{0x2d, 0, 3})        // i32.load8_u [x+3]
	load64 := cat(x, []byte{0x29, 3, 0})       // i64.load [x]
	load16 := cat(x, []byte{0x2f, 1, 0x81, 1}) // i32.load16_u [x+129]
	tests := []struct {
		name string
		body []byte
		ext  ssa.Op // the extension it becomes, or OpInvalid
	}{
		{"i32/8", pair32(x, 24, 24, shrS32), ssa.OpExtend8S},
		{"i32/16", pair32(x, 16, 16, shrS32), ssa.OpExtend16S},
		{"i32/8/count-mod-32", pair32(x, 24+32, 24, shrS32), ssa.OpExtend8S},
		{"i32/16/count-mod-32-right", pair32(x, 16, 16+64, shrS32), ssa.OpExtend16S},
		{"i32/shr_u", pair32(x, 24, 24, shrU32), ssa.OpInvalid},
		{"i32/unequal", pair32(x, 24, 16, shrS32), ssa.OpInvalid},
		{"i32/24-bit", pair32(x, 8, 8, shrS32), ssa.OpInvalid},
		{"i32/by-0", pair32(x, 0, 0, shrS32), ssa.OpInvalid},
		{"i64/8", pair64(x64, 56, 56, shrS64), ssa.OpExtend8S},
		{"i64/16", pair64(x64, 48, 48, shrS64), ssa.OpExtend16S},
		{"i64/32", pair64(x64, 32, 32, shrS64), ssa.OpExtend32S},
		{"i64/32/count-mod-64", pair64(x64, 32+64, 32, shrS64), ssa.OpExtend32S},
		{"i64/40-bit", pair64(x64, 24, 24, shrS64), ssa.OpInvalid},
		{"i64/shr_u", pair64(x64, 56, 56, shrU64), ssa.OpInvalid},
		{"i64/unequal", pair64(x64, 56, 48, shrS64), ssa.OpInvalid},
		{"load32/8", pair32(load32, 24, 24, shrS32), ssa.OpExtend8S},
		{"load8/8", pair32(load8, 24, 24, shrS32), ssa.OpExtend8S},
		{"load16/16", pair32(load16, 16, 16, shrS32), ssa.OpExtend16S},
		{"load64/32", pair64(load64, 32, 32, shrS64), ssa.OpExtend32S},
		{"load64/8", pair64(load64, 56, 56, shrS64), ssa.OpExtend8S},
		{"load64/unequal", pair64(load64, 32, 8, shrS64), ssa.OpInvalid},
	}
	names := make([]string, len(tests))
	bodies := make([][]byte, len(tests))
	for i, tc := range tests {
		names[i], bodies[i] = tc.name, tc.body
	}
	m := accessModule(wasm.I32, names, bodies)
	for i, tc := range tests {
		f, err := frontend.BuildSSA(m, uint32(i), &ssa.Options{OptLevel: 2})
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		exts := map[ssa.Op]int{}
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				switch v.Op {
				case ssa.OpExtend8S, ssa.OpExtend16S, ssa.OpExtend32S, ssa.OpShl, ssa.OpShrS:
					exts[v.Op]++
				}
			}
		}
		if tc.ext != ssa.OpInvalid && (exts[tc.ext] != 1 || exts[ssa.OpShl]+exts[ssa.OpShrS] != 0) ||
			tc.ext == ssa.OpInvalid && exts[ssa.OpExtend8S]+exts[ssa.OpExtend16S]+exts[ssa.OpExtend32S] != 0 {
			t.Errorf("%s: ops %v, want one %v and no shift pair:\n%s", tc.name, exts, tc.ext, f)
		}
	}
	// Values with the sign bit of each width set and clear, and
	// addresses in bounds, at the end of the page and past it.
	xs := []uint64{0, 3, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x12345678, 0x7fffffff, 0x80000000,
		0xdeadbeef, 65400, 65528, 65532, 65533, 65535, 65536, 1 << 31, 0xffffffff}
	matchBaselineOn(t, m, names, xs)
}
