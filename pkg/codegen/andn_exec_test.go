package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
)

// pressure computes sixteen locals 2+k = a*(k+3) + b from parameters a
// and b, then code (which reads locals 2 and 3 as its operands, both live
// across the whole body with few uses: the allocator's first choice to
// spill), then adds the sixteen to code's result: operands and results in
// stack slots take the emitter's memory-operand paths.
func pressure(code []byte, i64 bool) []byte {
	w := boolByte(i64)
	var b []byte
	for k := 0; k < 16; k++ {
		b = append(b, 0x20, 0, 0x41+w, byte(k+3), 0x6c+w*0x12, 0x20, 1, 0x6a+w*0x12, 0x21, byte(2+k))
	}
	b = append(b, code...)
	for k := 0; k < 16; k++ {
		b = append(b, 0x20, byte(2+k), 0x6a+w*0x12)
	}
	return b
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// TestAndNotAndZeroTests runs and-nots (fused into andn, or not+and
// without BMI1) and branches on zero tests of the ALU result just before
// them (which reuse its flags), in registers and under register pressure,
// with and without BMI1.
func TestAndNotAndZeroTests(t *testing.T) {
	type fn struct {
		i64 bool
		// body computes the result from the operands in locals x and y.
		body func(x, y byte) []byte
		want func(a, b uint64) uint64
	}
	not32 := []byte{0x41, 0x7f, 0x73} // i32.const -1; i32.xor
	not64 := []byte{0x42, 0x7f, 0x85} // i64.const -1; i64.xor
	ifElse := func(then, els byte) []byte { return []byte{0x04, 0x7f, 0x41, then, 0x05, 0x41, els, 0x0b} }
	ifElse64 := func(then, els byte) []byte { return []byte{0x04, 0x7e, 0x42, then, 0x05, 0x42, els, 0x0b} }
	pick := func(c bool, x, y uint64) uint64 {
		if c {
			return x
		}
		return y
	}
	fns := map[string]fn{
		"andn32": {false, func(x, y byte) []byte { return cat([]byte{0x20, x, 0x20, y}, not32, []byte{0x71}) },
			func(a, b uint64) uint64 { return uint64(uint32(a) &^ uint32(b)) }},
		"andn32-not-first": {false, func(x, y byte) []byte { return cat([]byte{0x20, y}, not32, []byte{0x20, x, 0x71}) },
			func(a, b uint64) uint64 { return uint64(uint32(a) &^ uint32(b)) }},
		"andn32-same": {false, func(x, y byte) []byte { return cat([]byte{0x20, x, 0x20, x}, not32, []byte{0x71}) },
			func(a, b uint64) uint64 { return 0 }},
		"andn64": {true, func(x, y byte) []byte { return cat([]byte{0x20, x, 0x20, y}, not64, []byte{0x83}) },
			func(a, b uint64) uint64 { return a &^ b }},
		// The word-at-a-time test of strlen: has x a zero byte?
		"zerobyte": {false, func(x, y byte) []byte {
			return cat([]byte{0x20, x, 0x41}, sleb32(-0x01010101), []byte{0x6a, 0x20, x}, not32,
				[]byte{0x71, 0x41}, sleb32(-0x7f7f7f80), []byte{0x71, 0x45}, ifElse(1, 2))
		}, func(a, b uint64) uint64 { return pick((uint32(a)-0x01010101)&^uint32(a)&0x80808080 == 0, 1, 2) }},
		// (x & y) != 0 and (x - y) == 0 branch on the flags of the and/sub.
		"and-ne0": {false, func(x, y byte) []byte { return cat([]byte{0x20, x, 0x20, y, 0x71, 0x41, 0, 0x47}, ifElse(7, 9)) },
			func(a, b uint64) uint64 { return pick(uint32(a)&uint32(b) != 0, 7, 9) }},
		"sub-eq0": {false, func(x, y byte) []byte { return cat([]byte{0x20, x, 0x20, y, 0x6b, 0x41, 0, 0x46}, ifElse(7, 9)) },
			func(a, b uint64) uint64 { return pick(uint32(a) == uint32(b), 7, 9) }},
		// x - 5 may become a lea, which sets no flags: the test stays.
		"subimm-eqz": {false, func(x, y byte) []byte { return cat([]byte{0x20, x, 0x41, 5, 0x6b, 0x45}, ifElse(7, 9)) },
			func(a, b uint64) uint64 { return pick(uint32(a) == 5, 7, 9) }},
		"andn64-eqz": {true, func(x, y byte) []byte {
			return cat([]byte{0x20, x, 0x20, y}, not64, []byte{0x83, 0x50}, ifElse64(7, 9))
		},
			func(a, b uint64) uint64 { return pick(a&^b == 0, 7, 9) }},
	}
	var cases []binCase
	for name, f := range fns {
		cases = append(cases, binCase{name, f.i64, f.body, f.want})
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 5, 0x80, 0x01010101, 0x61626300, 0x61626364, 0xffffffff, 0xff00ff00ff00ff00, 1 << 63}
	for _, feat := range []uint64{0, object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT} {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("features=%s/opt=%d", object.FeatureString(feat), opt), func(t *testing.T) {
				runBinCases(t, all, codegen.Options{OptLevel: opt, Features: feat}, vals)
			})
		}
	}
}
