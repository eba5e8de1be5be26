package codegen_test

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestByteSwap runs or-trees of shifts, rotations and masks of x at -O 0
// and -O 2: those that reverse x's bytes (LLVM's bswap32 and bswap64
// expansions, a rotation-based one, the or-tree in another order) must
// become one byte swap (ssa.OpBswap) and give bits.ReverseBytes; near
// misses (a wrong mask or shift, a byte twice, two sources) must not, and
// must give what the baseline gives.
func TestByteSwap(t *testing.T) {
	type op struct{ i32, i64 byte }
	var (
		shl  = op{0x74, 0x86}
		shrU = op{0x76, 0x88}
		rotl = op{0x77, 0x89}
		rotr = op{0x78, 0x8a}
		and  = op{0x71, 0x83}
		or   = op{0x72, 0x84}
	)
	// An expression is wasm code over x (local 0) or y (local 1).
	type expr func(i64 bool) []byte
	pick := func(o op, i64 bool) byte {
		if i64 {
			return o.i64
		}
		return o.i32
	}
	c := func(v int64) expr {
		return func(i64 bool) []byte {
			if i64 {
				return append([]byte{0x42}, sleb64(v)...)
			}
			return append([]byte{0x41}, sleb32(int32(v))...)
		}
	}
	x := func(bool) []byte { return []byte{0x20, 0} }
	y := func(bool) []byte { return []byte{0x20, 1} }
	bin := func(o op, a, b expr) expr {
		return func(i64 bool) []byte { return append(append(a(i64), b(i64)...), pick(o, i64)) }
	}
	ors := func(es ...expr) expr {
		e := es[0]
		for _, f := range es[1:] {
			e = bin(or, e, f)
		}
		return e
	}
	sh := func(o op, e expr, k int64) expr { return bin(o, e, c(k)) }
	mask := func(e expr, m int64) expr { return bin(and, e, c(m)) }
	llvm32 := ors(sh(shl, x, 24), mask(sh(shl, x, 8), 0xff0000), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24))
	var leaves64 []expr
	for i := int64(0); i < 8; i++ {
		// Byte i goes to byte 7-i.
		d := 8 * (7 - 2*i)
		var e expr
		if d > 0 {
			e = sh(shl, x, d)
		} else {
			e = sh(shrU, x, -d)
		}
		if i != 0 && i != 7 {
			e = mask(e, int64(0xff)<<(8*(7-i)))
		}
		leaves64 = append(leaves64, e)
	}
	tests := []struct {
		name string
		i64  bool
		e    expr
		swap bool // becomes a byte swap
		part bool // ... of part of the expression only
	}{
		{"llvm32", false, llvm32, true, false},
		{"reordered32", false, ors(mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24), sh(shl, x, 24), mask(sh(shl, x, 8), 0xff0000)), true, false},
		{"masks-first32", false, ors(sh(shl, mask(x, 0xff), 24), sh(shl, mask(x, 0xff00), 8), sh(shrU, mask(x, 0xff0000), 8), sh(shrU, x, 24)), true, false},
		{"rotate32", false, bin(or, sh(rotl, mask(x, -0xff0100), 8), sh(rotr, mask(x, 0xff00ff), 8)), true, false},
		{"shift-mod32", false, ors(sh(shl, x, 24+32), mask(sh(shl, x, 8), 0xff0000), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24)), true, false},
		{"llvm64", true, ors(leaves64...), true, false},
		{"wrong-mask32", false, ors(sh(shl, x, 24), mask(sh(shl, x, 8), 0xff0001), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24)), false, false},
		{"byte-mask-off32", false, ors(sh(shl, x, 24), mask(sh(shl, x, 8), 0xf00000), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24)), false, false},
		{"wrong-shift32", false, ors(sh(shl, x, 16), mask(sh(shl, x, 8), 0xff0000), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24)), false, false},
		{"bit-shift32", false, ors(sh(shl, x, 25), mask(sh(shl, x, 8), 0xff0000), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24)), false, false},
		{"missing-byte32", false, ors(sh(shl, x, 24), mask(sh(shl, x, 8), 0xff0000), sh(shrU, x, 24)), false, false},
		{"two-sources32", false, ors(sh(shl, x, 24), mask(sh(shl, y, 8), 0xff0000), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24)), false, false},
		{"overlap32", false, ors(sh(shl, x, 16), sh(shl, x, 24), mask(sh(shl, x, 8), 0xff0000), mask(sh(shrU, x, 8), 0xff00), sh(shrU, x, 24)), false, false},
		// The swap is a subtree: it becomes one, the or with x << 16 stays.
		{"swap-or32", false, bin(or, llvm32, sh(shl, x, 16)), true, true},
		{"llvm64-as-32", false, ors(leaves64[:4]...), false, false},
	}
	m := &wasm.Module{Types: []wasm.FuncType{
		{Params: []wasm.ValType{wasm.I32, wasm.I32}, Results: []wasm.ValType{wasm.I32}},
		{Params: []wasm.ValType{wasm.I64, wasm.I64}, Results: []wasm.ValType{wasm.I64}},
	}}
	for i, tc := range tests {
		m.Funcs = append(m.Funcs, uint32(boolByte(tc.i64)))
		m.Codes = append(m.Codes, wasm.Code{Body: append(tc.e(tc.i64), 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: tc.name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	for i, tc := range tests {
		f, err := frontend.BuildSSA(m, uint32(i), &ssa.Options{OptLevel: 2})
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		swaps := 0
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == ssa.OpBswap {
					swaps++
				}
			}
		}
		if got := swaps > 0; got != tc.swap {
			t.Errorf("%s: %d byte swaps, want one: %v\n%s", tc.name, swaps, tc.swap, f)
		}
	}
	run := func(opts codegen.Options) map[string]uint64 {
		inst := compileInstance(t, m, opts)
		out := map[string]uint64{}
		for _, tc := range tests {
			for _, v := range []uint64{0, 0x0102030405060708, 0x8899aabbccddeeff, 0xfedcba9876543210} {
				r, err := inst.Func(tc.name).Call(v, v^0x5a5a5a5a5a5a5a5a)
				if err != nil {
					t.Fatalf("%s(%#x): %v", tc.name, v, err)
				}
				out[fmt.Sprintf("%s(%#x)", tc.name, v)] = r[0]
				if !tc.swap || tc.part {
					continue
				}
				want := uint64(bits.ReverseBytes32(uint32(v)))
				if tc.i64 {
					want = bits.ReverseBytes64(v)
				}
				if r[0] != want {
					t.Errorf("%s(%#x) = %#x at -O %d, want %#x", tc.name, v, r[0], opts.OptLevel, want)
				}
			}
		}
		return out
	}
	want := run(codegen.Options{})
	for k, v := range run(codegen.Options{OptLevel: 2}) {
		if want[k] != v {
			t.Errorf("%s: -O 2 %#x, -O 0 %#x", k, v, want[k])
		}
	}
}
