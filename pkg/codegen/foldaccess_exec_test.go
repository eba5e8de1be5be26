package codegen_test

import "testing"

// TestFoldAfterAccess runs accesses at x + c after an access at x, where
// -O 2 moves c into the offset (an access that did not trap bounds x:
// memories have at most 65535 pages), and where it must not: before the
// access at x, after it on a path it does not dominate, x + c off an
// address that may itself have wrapped. At x near the end of the one-page
// memory and near 2^32, where x + c wraps to a small valid address, in
// both bounds modes: results and trap offsets must match the baseline
// tier, which folds nothing.
func TestFoldAfterAccess(t *testing.T) {
	i32 := i32Const
	get := []byte{0x20, 0}
	cat := catCode
	add := func(a []byte, c int32) []byte { return cat(a, i32(c), []byte{0x6a}) }
	load := func(addr []byte, off byte) []byte { return cat(addr, []byte{0x29, 3, off}) } // i64.load
	load8 := func(addr []byte) []byte { return cat(addr, []byte{0x31, 0, 0}) }            // i64.load8_u
	store := func(addr []byte) []byte { return cat(addr, get, []byte{0x36, 2, 0}) }       // i32.store x
	plus := []byte{0x7c}                                                                  // i64.add
	// if (x <u 100) { drop(load [x]) }
	ifLoad := cat(get, i32(100), []byte{0x49, 0x04, 0x40}, load(get, 0), []byte{0x1a, 0x0b})
	tests := []struct {
		name string
		body []byte
	}{
		{"[x] + [x + 8]", cat(load(get, 0), load(add(get, 8), 0), plus)},
		{"store [x]; [x + 16]", cat(store(get), load(add(get, 16), 0))},
		{"byte [x] + [x + 1] + [x + 3]", cat(load8(get), load8(add(get, 1)), plus, load8(add(get, 3)), plus)},
		{"[x] offset 8 + [x + 65551]", cat(load(get, 8), load(add(get, 65551), 0), plus)},
		{"[x] offset 8 + [x + 65552]", cat(load(get, 8), load(add(get, 65552), 0), plus)},
		{"[x] + [x + 65000] offset 500", cat(load(get, 0), load(add(get, 65000), 200), plus)},
		{"[x + 8] + [x]", cat(load(add(get, 8), 0), load(get, 0), plus)},
		{"if x < 100: [x]; then [x + 8]", cat(ifLoad, load(add(get, 8), 0))},
		{"[x + 8] + [x + 16]", cat(load(add(get, 8), 0), load(add(get, 16), 0), plus)},
		{"[x] + [x - 8]", cat(load(get, 0), load(cat(get, i32(8), []byte{0x6b}), 0), plus)},
	}
	var names []string
	var bodies [][]byte
	for _, tt := range tests {
		names, bodies = append(names, tt.name), append(bodies, tt.body)
	}
	xs := []uint64{0, 1, 7, 8, 16, 100, 65000, 65519, 65520, 65527, 65528, 65535, 65536,
		0x7ffffff8, 0xfffe0000, 0xffff0000, 0xfffffff0, 0xfffffff7, 0xfffffff8, 0xfffffffc, 0xffffffff}
	matchBaseline(t, names, bodies, xs)
}
