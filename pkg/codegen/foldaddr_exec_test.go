package codegen_test

import "testing"

// TestFoldAddressAdds runs loads and stores at x + c and x - c, where
// -O 2 moves the constant into the access's offset when the range of x
// (from a mask, a multiplication or a dominating unsigned compare) shows
// the 32-bit sum cannot wrap, and must not otherwise: at x near 0 and
// near 2^32, with negative constants, in both bounds modes. Results and
// trap offsets must match the baseline tier, which folds nothing.
func TestFoldAddressAdds(t *testing.T) {
	const x = 0 // local 0, the i32 parameter
	i32 := i32Const
	get := []byte{0x20, x}
	cat := catCode
	// i64.load offset=off (addr), as the function's i64 result.
	load := func(addr []byte, off byte) []byte { return cat(addr, []byte{0x29, 3, off}) }
	// i32.store offset=off (addr) (x), then the i64 at the aligned sum
	// of addr and off through an unfolded address (x + c computed first)
	store := func(addr []byte, off byte) []byte {
		return cat(addr, get, []byte{0x36, 2, off}, load(cat(addr, i32(int32(off)), []byte{0x6a}, i32(-8), []byte{0x71}), 0))
	}
	// if (cond) { body } else { -1 }, an i64 block; elseArm the other
	// way round.
	ifElse := func(cond, body []byte) []byte {
		return cat(cond, []byte{0x04, 0x7e}, body, []byte{0x05, 0x42, 0x7f, 0x0b})
	}
	elseArm := func(cond, body []byte) []byte {
		return cat(cond, []byte{0x04, 0x7e, 0x42, 0x7f, 0x05}, body, []byte{0x0b})
	}
	add := func(a []byte, c int32) []byte { return cat(a, i32(c), []byte{0x6a}) }
	sub := func(a []byte, c int32) []byte { return cat(a, i32(c), []byte{0x6b}) }
	mul := func(a []byte, c int32) []byte { return cat(a, i32(c), []byte{0x6c}) }
	ltU := func(c int32) []byte { return cat(get, i32(c), []byte{0x49}) }
	geU := func(c int32) []byte { return cat(get, i32(c), []byte{0x4f}) }
	gtUConstFirst := func(c int32) []byte { return cat(i32(c), get, []byte{0x4b}) } // c >u x
	tests := []struct {
		name string
		body []byte
	}{
		// Folds: the range bounds the sum.
		{"i < 4: a[56*i + 3752]", ifElse(ltU(4), load(add(mul(get, 56), 3752), 8))},
		{"i < 4: store a[56*i + 3752]", ifElse(ltU(4), store(add(mul(get, 56), 3752), 4))},
		{"x >= 48: [x - 48] offset 64", ifElse(geU(48), load(sub(get, 48), 64))},
		{"x >= 48: [x + -48] offset 48", ifElse(geU(48), load(add(get, -48), 48))},
		{"x & 255: [x + 100]", load(add(cat(get, i32(255), []byte{0x71}), 100), 8)},
		{"x >> 20: [x + 65000]", load(add(cat(get, i32(20), []byte{0x76}), 65000), 0)},
		{"4096 > x: [x + 60000]", ifElse(gtUConstFirst(4096), load(add(get, 60000), 0))},
		{"(x & 255) ^ (x >> 24): [4*that + 3952]", load(add(cat(get, i32(255), []byte{0x71}, get, i32(24), []byte{0x76, 0x73}, i32(2), []byte{0x74}), 3952), 0)},
		{"(x & 0x300) | (x >> 30): [that + 60000]", load(add(cat(get, i32(0x300), []byte{0x71}, get, i32(30), []byte{0x76, 0x72}), 60000), 8)},
		// No folds: x + c may wrap, and wrapped it is a small address.
		{"[x + 16]", load(add(get, 16), 0)},
		{"[x - 16] offset 32", load(sub(get, 16), 32)},
		{"[x + -16] offset 16", load(add(get, -16), 16)},
		{"x < 2^32-8: [x + 16]", ifElse(ltU(-8), load(add(get, 16), 0))},
		{"x >= 8: [x - 16] offset 16", ifElse(geU(8), load(sub(get, 16), 16))},
		{"x >= 48 else arm: [x - 48] offset 48", elseArm(geU(48), load(sub(get, 48), 48))},
		{"x < 4 else arm: [56*x + 3752]", elseArm(ltU(4), load(add(mul(get, 56), 3752), 0))},
		{"i*65536 overflows: [i*65536 + 8]", ifElse(ltU(70000), load(add(mul(get, 65536), 8), 0))},
		{"(x & 255) ^ x: [that + 16]", load(add(cat(get, i32(255), []byte{0x71}, get, []byte{0x73}), 16), 0)},
		{"x | 1: [that + 16]", load(add(cat(get, i32(1), []byte{0x72}), 16), 0)},
	}
	var names []string
	var bodies [][]byte
	for _, tt := range tests {
		names, bodies = append(names, tt.name), append(bodies, tt.body)
	}
	xs := []uint64{0, 1, 3, 4, 7, 8, 15, 16, 47, 48, 49, 100, 255, 4095, 4096, 65000, 65528, 65535, 65536,
		0x7fffffff, 0x80000000, 0xffff0000, 0xfffffff0, 0xfffffff7, 0xfffffff8, 0xfffffffc, 0xffffffff}
	matchBaseline(t, names, bodies, xs)
}
