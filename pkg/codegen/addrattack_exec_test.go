package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestAddressFoldAttacks: addresses built to make the -O 2 address
// rewrites (foldAddressAdds with branch and access facts, the guard below
// the base, fuseScaledIndexes, reassociated add chains, gathered lane
// adds, v128 folds, bounds-check elimination across memory.grow) compute
// an address other than wasm's, which in guard mode could land past the
// guard region: every one must give the baseline tier's results, traps
// and trap offsets in both bounds modes, at x around every wrap point.
func TestAddressFoldAttacks(t *testing.T) {
	i32 := i32Const
	cat := catCode
	get := []byte{0x20, 0}
	add := func(a, b []byte) []byte { return cat(a, b, []byte{0x6a}) }
	sub := func(a, b []byte) []byte { return cat(a, b, []byte{0x6b}) }
	and := func(a []byte, m int32) []byte { return cat(a, i32(m), []byte{0x71}) }
	shl := func(a []byte, k int32) []byte { return cat(a, i32(k), []byte{0x74}) }
	remu := func(a []byte, c int32) []byte { return cat(a, i32(c), []byte{0x70}) }
	byteAt := func(a []byte) []byte { return cat(a, []byte{0x2d, 0, 0}) } // i32.load8_u
	load := func(a []byte, off uint64) []byte { return cat(a, []byte{0x29, 3}, uleb(nil, off)) }
	load32 := func(a []byte, off uint64) []byte { return cat(a, []byte{0x35, 2}, uleb(nil, off)) }
	loadV := func(a []byte, off uint64) []byte { // v128.load, its i64 lane 1
		return cat(a, []byte{0xfd, 0x00, 4}, uleb(nil, off), []byte{0xfd, 0x1d, 1})
	}
	grow := []byte{0x41, 1, 0x40, 0, 0x1a} // memory.grow 1, dropped
	plus := func(a, b []byte) []byte { return cat(a, b, []byte{0x7c}) }
	lane := func(k byte) []byte { return cat(i32(0), []byte{0xfd, 0x00, 4, 0, 0xfd, 0x1b, k}) } // i32x4.extract_lane k (v128.load 0)
	tests := []struct {
		name string
		body []byte
	}{
		{"fact from load, then x + 0x7ffffff0", plus(load(get, 0), load(add(get, i32(0x7ffffff0)), 0))},
		{"x - 8 offset 16 (wraps to in bounds)", load(add(get, i32(-8)), 16)},
		{"x + 0xfffffff8 offset 8", load(add(get, i32(-8)), 8)},
		{"x - 8 offset 0 (guard below)", load(sub(get, i32(8)), 0)},
		{"x - 4096 offset 0", load(sub(get, i32(4096)), 0)},
		{"x - 0x10000 offset 0", load(sub(get, i32(0x10000)), 0)},
		{"x - 0x7fffffff offset 0", load(sub(get, i32(0x7fffffff)), 0)},
		{"x - 8 after a load at x", plus(load(get, 0), load(sub(get, i32(8)), 0))},
		{"x + 8 after x - 8", plus(load(sub(get, i32(8)), 0), load(add(get, i32(8)), 0))},
		{"byte << 3 offset 0xfff8", load(shl(byteAt(get), 3), 0xfff8)},
		{"byte << 35 (k = 3) offset 0xf800", load(shl(byteAt(get), 35), 0xf800)},
		{"byte << -29 (k = 3)", load(shl(byteAt(get), -29), 0xf800)},
		{"(x rem_u 8190) << 3", load(shl(remu(get, 8190), 3), 0)},
		{"(x rem_u 8193) << 3", load(shl(remu(get, 8193), 3), 0)},
		{"(x & 0x1fffffff) << 3 offset 0x7ffffff0", load(shl(and(get, 0x1fffffff), 3), 0x7ffffff0)},
		{"(x & 0x3fff) << 2, grow, again + 64 KiB", plus(load32(shl(and(get, 0x3fff), 2), 0), cat(grow, load32(shl(and(get, 0x3fff), 2), 0x10000)))},
		{"load, grow, load + 64 KiB (bounds-check elimination)", plus(load(get, 0), cat(grow, load(get, 0x10000)))},
		{"reassociated ((x + 4) + (x + 12)) + 8", load(add(add(add(get, i32(4)), add(get, i32(12))), i32(8)), 0)},
		{"reassociated x + 0x7fffffff + 0x7fffffff + 2", load(add(add(add(get, i32(0x7fffffff)), i32(0x7fffffff)), i32(2)), 0)},
		{"gathered x + lane 1", load(add(get, lane(1)), 0)},
		{"gathered lane 2 + x + 8", load(add(add(lane(2), get), i32(8)), 0)},
		{"v128 at (x & 0xffff) + 0xfff0", loadV(add(and(get, 0xffff), i32(0xfff0)), 0)},
		{"v128 at (x & 0xffff) offset 0xfff0", loadV(and(get, 0xffff), 0xfff0)},
		{"v128 at x - 16", loadV(sub(get, i32(16)), 0)},
		{"v128 at byte << 3 offset 0xf800", loadV(shl(byteAt(get), 3), 0xf800)},
		{"v128 at x + 0xfffffff0 offset 32", loadV(add(get, i32(-16)), 32)},
	}
	var names []string
	var bodies [][]byte
	for _, tt := range tests {
		names, bodies = append(names, tt.name), append(bodies, tt.body)
	}
	xs := []uint64{0, 1, 7, 8, 9, 15, 16, 0xff, 0xfff, 0x1000, 0x3fff, 0x7ff8, 0xfff0, 0xfff8, 0xffff, 0x10000, 0x10008,
		0x1fff0, 0x1fff8, 0x20000, 0x1fffffff, 0x7ffffff8, 0x7fffffff, 0x80000000, 0x80000008, 0xfffffff0, 0xfffffff8, 0xffffffff}
	m := accessModule(wasm.I32, names, bodies)
	// Room for one memory.grow: the first call that grows gets the
	// second page, later ones -1; both tiers make the same calls in the
	// same order, so they see the same sizes.
	m.Mems[0].Limits = wasm.Limits{Min: 1, Max: 2, HasMax: true}
	matchBaselineOn(t, m, names, xs)
}
