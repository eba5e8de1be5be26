package ssa_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFoldAddressAdds checks which constants foldAddressAdds moves into
// the offsets of loads: only where the range of the other operand shows
// that the 32-bit sum does not wrap (TestFoldAddressAdds in pkg/codegen
// runs the same shapes against the baseline tier).
func TestFoldAddressAdds(t *testing.T) {
	i32 := func(v int32) []byte { return ssatest.Cat([]byte{0x41}, sleb(int64(v))) }
	get := []byte{0x20, 0}
	load := func(addr []byte, off byte) []byte { return ssatest.Cat(addr, []byte{0x28, 2, off, 0x1a}) } // drop
	add := func(a []byte, c int32) []byte { return ssatest.Cat(a, i32(c), []byte{0x6a}) }
	sub := func(a []byte, c int32) []byte { return ssatest.Cat(a, i32(c), []byte{0x6b}) }
	mul := func(a []byte, c int32) []byte { return ssatest.Cat(a, i32(c), []byte{0x6c}) }
	ifThen := func(cond, body []byte) []byte { return ssatest.Cat(cond, []byte{0x04, 0x40}, body, []byte{0x0b}) }
	ifElse := func(cond, body []byte) []byte { return ssatest.Cat(cond, []byte{0x04, 0x40, 0x05}, body, []byte{0x0b}) }
	ltU := func(c int32) []byte { return ssatest.Cat(get, i32(c), []byte{0x49}) }
	geU := func(c int32) []byte { return ssatest.Cat(get, i32(c), []byte{0x4f}) }
	tests := []struct {
		name   string
		body   []byte
		folded bool
	}{
		{"i < 4: [56*i + 3752]", ifThen(ltU(4), load(add(mul(get, 56), 3752), 8)), true},
		{"x >= 48: [x - 48] offset 64", ifThen(geU(48), load(sub(get, 48), 64)), true},
		{"x >= 48: [x + -48] offset 48", ifThen(geU(48), load(add(get, -48), 48)), true},
		{"x & 255: [100 + x]", load(ssatest.Cat(i32(100), get, i32(255), []byte{0x71, 0x6a}), 0), true},
		{"x >> 20: [x + 65000]", load(add(ssatest.Cat(get, i32(20), []byte{0x76}), 65000), 0), true},
		{"(x & 255) ^ (x >> 24): [4*that + 3952]", load(add(ssatest.Cat(get, i32(255), []byte{0x71}, get, i32(24), []byte{0x76, 0x73}, i32(2), []byte{0x74}), 3952), 0), true},
		{"(x & 0x300) | (x >> 30): [that + 1000]", load(add(ssatest.Cat(get, i32(0x300), []byte{0x71}, get, i32(30), []byte{0x76, 0x72}), 1000), 0), true},
		{"(x & 255) ^ x: [that + 16]", load(add(ssatest.Cat(get, i32(255), []byte{0x71}, get, []byte{0x73}), 16), 0), false},
		{"x | 1: [that + 16]", load(add(ssatest.Cat(get, i32(1), []byte{0x72}), 16), 0), false},
		{"x == 7: [x - 7]", ifThen(ssatest.Cat(get, i32(7), []byte{0x46}), load(sub(get, 7), 8)), true},
		{"[x + 16]", load(add(get, 16), 0), false},
		{"[x - 16] offset 32", load(sub(get, 16), 32), false},
		{"x >= 48: [x - 48], no offset to take it", ifThen(geU(48), load(sub(get, 48), 0)), false},
		{"x < 2^32-8: [x + 16]", ifThen(ltU(-8), load(add(get, 16), 0)), false},
		{"x < 4 else arm: [56*x + 3752]", ifElse(ltU(4), load(add(mul(get, 56), 3752), 0)), false},
		{"i < 70000: [65536*i + 8]", ifThen(ltU(70000), load(add(mul(get, 65536), 8), 0)), false},
		{"x < 4: [x + 2^31] (past a displacement)", ifThen(ltU(4), load(add(get, -1<<31), 0)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ssatest.Build(t, ssatest.Module1(ssatest.I32s, nil, nil, tt.body...))
			var loads, folded int
			for _, b := range f.Blocks {
				for _, v := range b.Values {
					if v.Op == ssa.OpLoad {
						loads++
						if op := v.Args[0].Op; op != ssa.OpAdd && op != ssa.OpSub {
							folded++
						}
					}
				}
			}
			if loads != 1 || (folded == 1) != tt.folded {
				t.Errorf("%d of %d loads folded, want folded %v:\n%s", folded, loads, tt.folded, f)
			}
		})
	}
}

// sleb encodes v as a signed LEB128.
func sleb(v int64) []byte {
	var out []byte
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v == 0 && b&0x40 == 0 || v == -1 && b&0x40 != 0 {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

// TestFoldAfterAccess checks the folds an access that did not trap
// allows: after an access at x with offset o and size s, x + c folds
// for c up to 64 KiB + o + s - 1 (memories have at most 65535 pages), in
// the same block after it and in the blocks it dominates, nowhere else.
// TestFoldAfterAccess in pkg/codegen runs the same shapes.
func TestFoldAfterAccess(t *testing.T) {
	i32 := func(v int32) []byte { return ssatest.Cat([]byte{0x41}, sleb(int64(v))) }
	get := []byte{0x20, 0}
	acc := func(op byte, addr []byte, off byte) []byte { return ssatest.Cat(addr, []byte{op, 0, off, 0x1a}) } // drop
	load := func(addr []byte, off byte) []byte { return acc(0x28, addr, off) }                                // i32.load
	load8 := func(addr []byte) []byte { return acc(0x2d, addr, 0) }                                           // i32.load8_u
	store := func(addr []byte) []byte { return ssatest.Cat(addr, i32(1), []byte{0x36, 2, 0}) }                // i32.store
	add := func(a []byte, c int32) []byte { return ssatest.Cat(a, i32(c), []byte{0x6a}) }
	sub := func(a []byte, c int32) []byte { return ssatest.Cat(a, i32(c), []byte{0x6b}) }
	ifThen := func(body []byte) []byte { return ssatest.Cat(get, []byte{0x04, 0x40}, body, []byte{0x0b}) }
	tests := []struct {
		name     string
		body     []byte
		unfolded int // accesses still off an add or sub
	}{
		{"[x] then [x + 4]", ssatest.Cat(load(get, 0), load(add(get, 4), 0)), 0},
		{"store [x] then [x + 4]", ssatest.Cat(store(get), load(add(get, 4), 0)), 0},
		{"byte [x] then bytes [x + 1], [x + 3]", ssatest.Cat(load8(get), load8(add(get, 1)), load8(add(get, 3))), 0},
		{"[x] offset 8 then [x + 65547]", ssatest.Cat(load(get, 8), load(add(get, 65547), 0)), 0},
		{"[x] offset 8 then [x + 65548]", ssatest.Cat(load(get, 8), load(add(get, 65548), 0)), 1},
		{"[x] then, in an if, [x + 8]", ssatest.Cat(load(get, 0), ifThen(load(add(get, 8), 0))), 0},
		{"[x + 4] then [x]", ssatest.Cat(load(add(get, 4), 0), load(get, 0)), 1},
		{"[x] in an if, then [x + 4] after it", ssatest.Cat(ifThen(load(get, 0)), load(add(get, 4), 0)), 1},
		{"[x] then [x - 4]", ssatest.Cat(load(get, 0), load(sub(get, 4), 0)), 1},
		{"[x + 4] then [x + 8] (x + 4 may wrap)", ssatest.Cat(load(add(get, 4), 0), load(add(get, 8), 0)), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ssatest.Build(t, ssatest.Module1(ssatest.I32s, nil, nil, tt.body...))
			unfolded := 0
			for _, b := range f.Blocks {
				for _, v := range b.Values {
					if v.Op == ssa.OpLoad || v.Op == ssa.OpStore {
						if op := v.Args[0].Op; op == ssa.OpAdd || op == ssa.OpSub {
							unfolded++
						}
					}
				}
			}
			if unfolded != tt.unfolded {
				t.Errorf("%d accesses off an add or sub, want %d:\n%s", unfolded, tt.unfolded, f)
			}
		})
	}
}

// TestFoldBelowBase checks which x - c foldAddressAdds turns into a
// negative displacement: with guard pages, offset 0 and c up to the
// guard below the memory (abi.MemGuardBelow), whatever x's range; never
// with explicit bounds checks or an offset (TestFoldBelowBase in
// pkg/codegen runs them).
func TestFoldBelowBase(t *testing.T) {
	i32 := func(v int32) []byte { return ssatest.Cat([]byte{0x41}, sleb(int64(v))) }
	get := []byte{0x20, 0}
	load := func(addr []byte, off byte) []byte { return ssatest.Cat(addr, []byte{0x29, 3, off, 0x1a}) } // i64.load, drop
	sub := func(c int32) []byte { return ssatest.Cat(get, i32(c), []byte{0x6b}) }
	guard := &ssa.Options{Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 2 << 30}
	tests := []struct {
		name string
		body []byte
		opts *ssa.Options
		want int64 // the load's offset, or 1 for not folded
	}{
		{"[x - 48]", load(sub(48), 0), guard, -48},
		{"[x + -48]", load(ssatest.Cat(get, i32(-48), []byte{0x6a}), 0), guard, -48},
		{"[x - 65536]", load(sub(abi.MemGuardBelow), 0), guard, -abi.MemGuardBelow},
		{"[x - 65537]", load(sub(abi.MemGuardBelow+1), 0), guard, 1},
		{"[x - 48] offset 8", load(sub(48), 8), guard, 1},
		{"[x - 48] explicit", load(sub(48), 0), &ssa.Options{}, 1},
		{"[x - 48] twice", ssatest.Cat(load(sub(48), 0), load(sub(48), 0)), guard, -48},
		// x - 48 stays live for its other use: x would live beside it.
		{"x - 48 stored at [x - 48]", ssatest.Cat(sub(48), []byte{0x22, 1, 0x20, 1, 0x36, 2, 0}), guard, 1},
		// x - 48 in the block before: x would be the value carried over.
		{"x - 48, then in an if [x - 48]", ssatest.Cat(sub(48), []byte{0x21, 1}, get, []byte{0x04, 0x40, 0x20, 1, 0x29, 3, 0, 0x1a, 0x0b}), guard, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Two i32 parameters: the second is a local for local.tee.
			f, err := frontend.BuildSSA(ssatest.Module1([]wasm.ValType{wasm.I32, wasm.I32}, nil, nil, tt.body...), 0, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			ssa.Optimize(f, 2)
			for _, b := range f.Blocks {
				for _, v := range b.Values {
					if v.Op != ssa.OpLoad && v.Op != ssa.OpStore {
						continue
					}
					got := v.Aux
					if op := v.Args[0].Op; op == ssa.OpAdd || op == ssa.OpSub {
						got = 1
					}
					if got != tt.want {
						t.Errorf("offset %d (1: not folded), want %d:\n%s", got, tt.want, f)
					}
				}
			}
		})
	}
}
