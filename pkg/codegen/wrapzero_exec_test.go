package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestWrapUpperZero runs i32.wrap_i64 of i64 operations in the wrap's own
// register, zero-extended back (i64.extend_i32_u, which emits nothing for
// an i32 in place): amd64 emits no mov r32, r32 for the wrap when the
// operation leaves the upper half zero (shr_u by 32..63 mod 64, an and
// with a mask below 2^32, a zero extension, a bit count), so garbage
// there would show in the result. Around the edges: shr_u by 31, 64 (0)
// and 95 (31), shr_s by 32, masks of 2^32-1, 2^32+1 and -1 either side,
// a multiplication. -O 2 must match the baseline tier.
func TestWrapUpperZero(t *testing.T) {
	m := &wasm.Module{Types: []wasm.FuncType{{Params: []wasm.ValType{wasm.I64, wasm.I64}, Results: []wasm.ValType{wasm.I64}}}}
	x := []byte{0x20, 0}
	i64 := func(v int64) []byte { return append([]byte{0x42}, sleb64(v)...) }
	ops := map[string][]byte{
		"clz":      cat(x, []byte{0x79}),
		"ctz":      cat(x, []byte{0x7a}),
		"popcnt":   cat(x, []byte{0x7b}),
		"extend_u": {0x20, 0, 0xa7, 0xad},
		"mul":      cat(x, []byte{0x20, 1, 0x7e}),
		"shr_s/32": cat(x, i64(32), []byte{0x87}),
		"shr_u/p1": cat(x, []byte{0x20, 1, 0x88}),
	}
	for _, k := range []int64{31, 32, 33, 63, 64, 95, 96} {
		ops[fmt.Sprintf("shr_u/%d", k)] = cat(x, i64(k), []byte{0x88})
	}
	for _, k := range []int64{0xffffffff, 0x7fffffff, 0x100000001, -1, 0xff} {
		ops[fmt.Sprintf("and/%#x", k)] = cat(x, i64(k), []byte{0x83})
		ops[fmt.Sprintf("and/%#x/first", k)] = cat(i64(k), x, []byte{0x83})
	}
	var names []string
	for name, op := range ops {
		m.Funcs = append(m.Funcs, 0)
		body := cat(op, []byte{0xa7, 0xad, 0x0b}) // wrap, extend_u
		m.Codes = append(m.Codes, wasm.Code{Body: body})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
		names = append(names, name)
	}
	xs := []uint64{0, 1, 0xffffffff, 0x100000000, 0xdeadbeefcafef00d, 0x8000000000000000, 0xffffffffffffffff, 0x0123456789abcdef}
	ys := []uint64{0, 3, 32, 40, 0xffffffff00000007}
	run := func(opts codegen.Options) map[string]uint64 {
		inst := compileInstance(t, m, opts)
		out := map[string]uint64{}
		for _, name := range names {
			for _, a := range xs {
				for _, b := range ys {
					r, err := inst.Func(name).Call(a, b)
					if err != nil {
						t.Fatalf("%s(%#x, %#x): %v", name, a, b, err)
					}
					out[fmt.Sprintf("%s(%#x, %#x)", name, a, b)] = r[0]
				}
			}
		}
		return out
	}
	for _, bm := range boundsModes {
		want := run(bm.opts)
		opts := bm.opts
		opts.OptLevel = 2
		got := run(opts)
		high := 0
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s %s: opt 2 %#x, baseline %#x", bm.name, k, got[k], w)
			}
			if w>>32 != 0 {
				high++
			}
		}
		if high != 0 {
			t.Errorf("%s: %d results with the upper half set after a zero extension", bm.name, high)
		}
	}
}
