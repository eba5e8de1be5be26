package codegen_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// spilledCompareBody keeps twelve products in locals for the whole body
// (more values than registers, with the eight parameters), then ORs
// together the results of comparing each local with a parameter, every
// integer comparison in turn: the allocator spills some locals, and
// their comparisons read the spill slot as cmp's memory operand
// (amd64 emitter.compare).
func spilledCompareBody(t wasm.ValType) []byte {
	get, set := byte(0x20), byte(0x21)
	mul, add, cnst := byte(0x7e), byte(0x7c), byte(0x42)
	cmps := []byte{0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a} // i64.eq .. i64.ge_u
	shl, or, ext := byte(0x86), byte(0x84), byte(0xad)                         // i64.shl, i64.or, i64.extend_i32_u
	if t == wasm.I32 {
		mul, add, cnst = 0x6c, 0x6a, 0x41
		cmps = []byte{0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f}
		shl, or, ext = 0x74, 0x72, 0x01 // i32.shl, i32.or, nop
	}
	var b []byte
	for k := 0; k < 12; k++ { // l(8+k) = p(k%8) * p((k+3)%8) + k
		b = append(b, get, byte(k%8), get, byte((k+3)%8), mul, cnst, byte(k), add, set, byte(8+k))
	}
	b = append(b, cnst, 0)
	for k := 0; k < 12; k++ { // acc = acc << 1 | (l(8+k) cmp p(k%8))
		b = append(b, cnst, 1, shl, get, byte(8+k), get, byte((k*5)%8), cmps[k%len(cmps)])
		if ext != 0x01 {
			b = append(b, ext)
		}
		b = append(b, or)
	}
	return b
}

// cmpSlot matches cmp of a spill slot with a register, in place.
var cmpSlot = regexp.MustCompile(`cmp\s+%[a-z0-9]+,-0x[0-9a-f]+\(%rbp\)`)

// TestSpilledCompare runs spilledCompareBody at -O 2 against -O 0 on
// values equal, less and greater, signed and unsigned apart, in both
// bounds modes, and checks -O 2 did compare a spill slot in place.
func TestSpilledCompare(t *testing.T) {
	for _, typ := range []wasm.ValType{wasm.I32, wasm.I64} {
		params := make([]wasm.ValType, 8)
		for i := range params {
			params[i] = typ
		}
		m := ssatest.Module1(params, []wasm.ValType{typ}, []wasm.LocalEntry{{Count: 12, Type: typ}}, spilledCompareBody(typ)...)
		m.Exports = []wasm.Export{{Name: "f", Kind: wasm.ExternFunc, Index: 0}}
		argSets := [][]uint64{
			{0, 1, 2, 3, 4, 5, 6, 7},
			{^uint64(0), 1, 1 << 63, 3, 1 << 31, 0x7fffffff, 6, 0},
			{5, 5, 5, 5, 5, 5, 5, 5},
			{0xfffffff0, 3, 0x80000001, 0xffffffff, 2, 0x10, 0x7fffffff, 0x12345678},
		}
		for _, bm := range boundsModes {
			var want [][]uint64
			for _, opt := range []int{0, 2} {
				opts := bm.opts
				opts.OptLevel = opt
				obj, err := codegen.Compile(m, opts)
				if err != nil {
					t.Fatal(err)
				}
				if opt == 2 {
					var sb strings.Builder
					if err := disasm.Object(&sb, obj, disasm.Options{}); err != nil {
						t.Fatal(err)
					}
					if !cmpSlot.MatchString(sb.String()) {
						t.Errorf("%v: no comparison of a spill slot in place:\n%s", typ, sb.String())
					}
				}
				inst := instantiate(t, obj)
				for i, args := range argSets {
					if typ == wasm.I32 {
						args = append([]uint64(nil), args...)
						for j := range args {
							args[j] = uint64(uint32(args[j]))
						}
					}
					got, err := inst.Func("f").Call(args...)
					if err != nil {
						t.Fatal(err)
					}
					if opt == 0 {
						want = append(want, got)
					} else if fmt.Sprint(got) != fmt.Sprint(want[i]) {
						t.Errorf("%v %s args %d: -O 2 %#x, -O 0 %#x", typ, bm.name, i, got, want[i])
					}
				}
			}
		}
	}
}
