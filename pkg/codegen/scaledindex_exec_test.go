package codegen_test

import "testing"

// TestScaledIndexExec runs loads and stores at x << k (k = 1, 2, 3),
// which -O 2 reads as a scaled index [membase + x*2^k + offset] when x's
// range shows the shift cannot wrap (ssa.fuseScaledIndexes), and must not
// otherwise: x << 2 at x near 2^30 wraps to a small address in bounds,
// where the scaled index would be out of bounds. Results, memory and
// traps (kind and wasm offset) must match the baseline tier in both
// bounds modes, at the edges of the proven ranges.
func TestScaledIndexExec(t *testing.T) {
	i32 := i32Const
	get := []byte{0x20, 0}
	cat := catCode
	shl := func(a []byte, k int32) []byte { return cat(a, i32(k), []byte{0x74}) }
	and := func(a []byte, m int32) []byte { return cat(a, i32(m), []byte{0x71}) }
	shr := func(a []byte, k int32) []byte { return cat(a, i32(k), []byte{0x76}) }
	// i64.load offset=off (addr); i64.load32_u; i64.load8_u.
	load := func(addr []byte, off byte) []byte { return cat(addr, []byte{0x29, 3, off}) }
	load32 := func(addr []byte, off byte) []byte { return cat(addr, []byte{0x35, 2, off}) }
	load8 := func(addr []byte, off byte) []byte { return cat(addr, []byte{0x31, 0, off}) }
	// i32.store offset=off (addr) (x), then the i64 at 8 * (x & 7).
	store := func(addr []byte, off byte) []byte {
		return cat(addr, get, []byte{0x36, 2, off}, load(shl(and(get, 7), 3), 0))
	}
	// v128.load offset=off (addr), its i64 lane 1.
	loadV := func(addr []byte, off byte) []byte { return cat(addr, []byte{0xfd, 0x00, 4, off, 0xfd, 0x1d, 1}) }
	byteXor := cat(and(get, 255), shr(get, 24), []byte{0x73}) // (x & 255) ^ (x >> 24)
	tests := []struct {
		name string
		body []byte
	}{
		// Scaled: the range proves x << k < 2^32.
		{"T[(x&255)^(x>>24)] * 4", load32(shl(byteXor, 2), 16)},
		{"(x&0x3fff) << 2", load32(shl(and(get, 0x3fff), 2), 4)},
		{"(x&0x1fff) << 3 i64", load(shl(and(get, 0x1fff), 3), 8)},
		{"(x>>2) << 2", load32(shl(shr(get, 2), 2), 0)},
		{"(x>>3) << 3 offset 8", load(shl(shr(get, 3), 3), 8)},
		{"(x&0x7fffffff) << 1 byte", load8(shl(and(get, 0x7fffffff), 1), 0)},
		{"store at (x>>2) << 2", store(shl(shr(get, 2), 2), 0)},
		{"store at (x&0x3fff) << 2 offset 12", store(shl(and(get, 0x3fff), 2), 12)},
		{"v128 at (x&0xfff) << 3 offset 8", loadV(shl(and(get, 0xfff), 3), 8)},
		// One shift (gvn) read by two loads.
		{"two loads at (x&0xfff) << 3", cat(load(shl(and(get, 0xfff), 3), 0), load(shl(and(get, 0xfff), 3), 16), []byte{0x7c})},
		// Not scaled: x << k may wrap (x near 2^30 for k = 2).
		{"x << 2", load32(shl(get, 2), 0)},
		{"x << 1", load32(shl(get, 1), 8)},
		{"x << 3", load(shl(get, 3), 0)},
		{"(x>>1) << 2", load32(shl(shr(get, 1), 2), 0)},
		{"(x&0x7fffffff) << 2", load32(shl(and(get, 0x7fffffff), 2), 0)},
		{"store at x << 2", store(shl(get, 2), 0)},
		{"v128 at x << 3", loadV(shl(get, 3), 0)},
		// The shift (one value after gvn) is also an operand: kept.
		{"shift also a value", cat(load32(shl(and(get, 255), 2), 0), shl(and(get, 255), 2), []byte{0xad, 0x7c})},
	}
	var names []string
	var bodies [][]byte
	for _, tt := range tests {
		names, bodies = append(names, tt.name), append(bodies, tt.body)
	}
	xs := []uint64{0, 1, 2, 3, 7, 8, 255, 0x3fff, 0x3ffe, 0x4000, 8190, 8191, 16380, 16381, 16383, 16384, 65528, 65535, 65536,
		0x3fffffff, 0x40000000, 0x40000001, 0x40000002, 0x40003fff, 0x7fffffff, 0x80000000, 0x80000001, 0x80000002,
		0x80001fff, 0x20000000, 0x20000001, 0xfffffff8, 0xfffffffc, 0xffffffff}
	matchBaseline(t, names, bodies, xs)
}
