package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSIMDShapes pins what the SSE lowering of single SIMD operations
// does not emit at -O 2 (x86asm decodes legacy SSE, not VEX): no round
// trip through scratch X15 (movaps in, operate, movaps out) where the
// result register can take the operation itself, and no count moved
// into an XMM register (movd) for a shift by a constant, which has an
// immediate form.
func TestSIMDShapes(t *testing.T) {
	v, i32, f32 := wasm.V128, wasm.I32, wasm.F32
	simd := func(sub uint32, imm ...byte) []byte { // 0xFD, LEB128 sub (< 0x4000), immediates
		if sub < 0x80 {
			return append([]byte{0xFD, byte(sub)}, imm...)
		}
		return append([]byte{0xFD, byte(sub) | 0x80, byte(sub >> 7)}, imm...)
	}
	tests := []struct {
		name   string
		params []wasm.ValType
		body   []byte
		forbid []string // substrings of no instruction
	}{
		{"i32x4.replace_lane", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0x1c, 1)...), []string{"xmm15"}},
		{"i8x16.replace_lane", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0x17, 9)...), []string{"xmm15"}},
		{"i64x2.replace_lane", []wasm.ValType{v, wasm.I64}, append([]byte{0x20, 0, 0x20, 1}, simd(0x1e, 1)...), []string{"xmm15"}},
		{"f32x4.replace_lane", []wasm.ValType{v, f32}, append([]byte{0x20, 0, 0x20, 1}, simd(0x20, 2)...), []string{"xmm15"}},
		{"i32x4.shl 3", []wasm.ValType{v}, append([]byte{0x20, 0, 0x41, 3}, simd(0xab)...), []string{"movd", "xmm15"}},
		{"i64x2.shr_u 30", []wasm.ValType{v}, append([]byte{0x20, 0, 0x41, 30}, simd(0xcd)...), []string{"movd", "xmm15"}},
		{"i16x8.shr_s 17", []wasm.ValType{v}, append([]byte{0x20, 0, 0x41, 17}, simd(0x8c)...), []string{"movd", "xmm15"}},
		{"i8x16.shr_u 2", []wasm.ValType{v}, append([]byte{0x20, 0, 0x41, 2}, simd(0x6d)...), []string{"movd", "xmm15"}},
		{"i8x16.shl 5", []wasm.ValType{v}, append([]byte{0x20, 0, 0x41, 5}, simd(0x6b)...), []string{"movd", "xmm15"}},
		{"i64x2.shr_s 7", []wasm.ValType{v}, append([]byte{0x20, 0, 0x41, 7}, simd(0xcc)...), []string{"movd"}},
		{"i8x16.shr_s 3", []wasm.ValType{v}, append([]byte{0x20, 0, 0x41, 3}, simd(0x6c)...), []string{"movd"}},
		{"v128.not", []wasm.ValType{v}, append([]byte{0x20, 0}, simd(0x4d)...), []string{"xmm15", "xmm14"}},
		{"i32x4.ne", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x38)...), []string{"xmm14"}},
		{"i8x16.gt_u", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x28)...), []string{"xmm14"}},
		{"i32x4.shr_u var", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0xad)...), []string{"movaps xmm0, xmm15"}},
		// Single-instruction shuffles straight into the result.
		{"shuffle punpcklbw", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x0d, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)...), []string{"xmm15"}},
		{"shuffle pshufd", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x0d, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11)...), []string{"xmm15"}},
		{"i32x4.extend_high_i16x8_s", []wasm.ValType{v}, append([]byte{0x20, 0}, simd(0xa8)...), []string{"xmm15"}},
		// i64x2.extmul: pshufd then pmuldq, no widening.
		{"i64x2.extmul_low_i32x4_s", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0xdc)...), []string{"pmovsx"}},
		// Variable shifts: the count masked in its XMM register (movd,
		// pand from the pool), not copied and masked in a GPR first; the
		// byte shifts' masks read from the pool's table, not built.
		{"i16x8.shl var", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0x8b)...), []string{"and e", "mov e"}},
		{"i64x2.shr_s var", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0xcc)...), []string{"and e", "mov e"}},
		{"i8x16.shr_s var", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0x6c)...), []string{"and e", "add e", "mov e"}},
		{"i8x16.shl var", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0x6b)...), []string{"imul", "pshufd", ", cl"}},
		{"i8x16.shr_u var", []wasm.ValType{v, i32}, append([]byte{0x20, 0, 0x20, 1}, simd(0x6d)...), []string{"imul", "pshufd", ", cl"}},
		// A shuffle against a zero constant: one pmovzx, or one pshufb
		// that zeroes the constant's lanes; no zero vector built, no or.
		{"shuffle zero-extend bytes", []wasm.ValType{v}, append(append(simd(0x0c, make([]byte, 16)...), 0x20, 0), simd(0x0d, 16, 1, 17, 3, 18, 5, 19, 7, 20, 9, 21, 11, 22, 13, 23, 15)...), []string{"xorps", "pxor", "pshufb", "por"}},
		{"shuffle zero-extend high bytes", []wasm.ValType{v}, append(append([]byte{0x20, 0}, simd(0x0c, make([]byte, 16)...)...), simd(0x0d, 8, 17, 9, 19, 10, 21, 11, 23, 12, 25, 13, 27, 14, 29, 15, 31)...), []string{"xorps", "pxor", "por", "xmm15"}},
		// Lane loads insert from memory (pinsrb/w/d/q m): no general
		// register in between.
		{"v128.load8_lane", []wasm.ValType{i32, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x54, 0, 3, 5)...), []string{"movzx", "pinsrb xmm0, e"}},
		{"v128.load16_lane", []wasm.ValType{i32, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x55, 0, 3, 7)...), []string{"movzx", "pinsrw xmm0, e"}},
		{"v128.load32_lane", []wasm.ValType{i32, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x56, 0, 3, 2)...), []string{"pinsrd xmm0, e"}},
		{"v128.load64_lane", []wasm.ValType{i32, v}, append([]byte{0x20, 0, 0x20, 1}, simd(0x57, 0, 3, 1)...), []string{"pinsrq xmm0, r"}},
		// v128.load at x + 16 after one at x: the 16 is the access's
		// displacement, not a 32-bit add of its own.
		{"v128.load x, x + 16", []wasm.ValType{i32}, append(append(append([]byte{0x20, 0}, simd(0x00, 0, 0)...), 0x20, 0, 0x41, 16, 0x6a), append(simd(0x00, 0, 0), simd(0xce, 1)...)...), []string{"lea e", "add e"}},
		// Lane 0 to a general register is a move, not pextr (a shuffle).
		{"i32x4.extract_lane 0", []wasm.ValType{v}, append(append([]byte{0x20, 0}, simd(0x1b, 0)...), simd(0x11)...), []string{"pextr"}},
		{"i64x2.extract_lane 0", []wasm.ValType{v}, append(append([]byte{0x20, 0}, simd(0x1d, 0)...), simd(0x12)...), []string{"pextr"}},
		// Gather addresses x + lane k of v, k = 0..3: one i32x4.add of v
		// and a splat of x, not four scalar adds (ssa gatherAdds).
		{"gather adds", []wasm.ValType{i32, v}, append(append(append(append(
			append([]byte{0x20, 0, 0x20, 1}, simd(0x1b, 0)...), append([]byte{0x6a}, simd(0x11)...)...),
			append(append([]byte{0x20, 0, 0x20, 1}, simd(0x1b, 1)...), append([]byte{0x6a}, simd(0x1c, 1)...)...)...),
			append(append([]byte{0x20, 0, 0x20, 1}, simd(0x1b, 2)...), append([]byte{0x6a}, simd(0x1c, 2)...)...)...),
			append(append([]byte{0x20, 0, 0x20, 1}, simd(0x1b, 3)...), append([]byte{0x6a}, simd(0x1c, 3)...)...)...), []string{"lea e", "add e"}},
		// Extending loads read memory with pmovsx/pmovzx themselves.
		{"v128.load8x8_s", []wasm.ValType{i32}, append([]byte{0x20, 0}, simd(0x01, 0, 4)...), []string{"movsd", "movq"}},
		{"v128.load32x2_u", []wasm.ValType{i32}, append([]byte{0x20, 0}, simd(0x06, 3, 0)...), []string{"movsd", "movq"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			simdShape(t, tc.params, tc.body, testMachine.DefaultFeatures(), tc.forbid)
		})
	}
}

// TestSIMDShapesFeatures is TestSIMDShapes with more than the baseline:
// SSE4.2's pcmpgtq for i64x2's signed order, and AVX's three-operand
// forms where the SSE sequences copy (movaps) or build constants in
// registers.
func TestSIMDShapesFeatures(t *testing.T) {
	v := wasm.V128
	simd := func(sub uint32) []byte { return []byte{0xFD, byte(sub) | 0x80, byte(sub >> 7)} } // sub >= 0x80
	two := func(sub uint32) []byte { return append([]byte{0x20, 0, 0x20, 1}, simd(sub)...) }
	one := func(sub uint32) []byte { return append([]byte{0x20, 0}, simd(sub)...) }
	sse42 := testMachine.DefaultFeatures() | object.FeatureSSE42
	avx := sse42 | object.FeatureAVX
	tests := []struct {
		name   string
		params []wasm.ValType
		body   []byte
		feat   uint64
		forbid []string
	}{
		{"i64x2.gt_s sse42", []wasm.ValType{v, v}, two(0xd9), sse42, []string{"psubq", "xmm13"}},
		{"i64x2.ge_s sse42", []wasm.ValType{v, v}, two(0xdb), sse42, []string{"psubq", "xmm13"}},
		{"i64x2.gt_s avx", []wasm.ValType{v, v}, two(0xd9), avx, []string{"psubq", "xmm15", "xmm14"}},
		{"f32x4.abs avx", []wasm.ValType{v}, one(0xe0), avx, []string{"xmm15", "xmm14"}},
		{"f64x2.neg avx", []wasm.ValType{v}, one(0xed), avx, []string{"xmm15", "xmm14"}},
		{"i16x8.q15mulr_sat_s avx", []wasm.ValType{v, v}, two(0x82), avx, []string{"movdqu", "movaps"}},
		{"i32x4.trunc_sat_f32x4_s avx", []wasm.ValType{v}, one(0xf8), avx, []string{"movaps"}},
		{"f32x4.convert_i32x4_u avx", []wasm.ValType{v}, one(0xfb), avx, []string{"movaps"}},
		{"shuffle palignr avx", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1, 0xFD, 0x0d}, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19), avx, []string{"xmm15", "movaps"}},
		// bitselect by a comparison's mask: vpblendvb.
		{"bitselect i32x4.gt_s avx", []wasm.ValType{v, v, v, v}, []byte{0x20, 0, 0x20, 1, 0x20, 2, 0x20, 3, 0xFD, 0x3b, 0xFD, 0x52}, avx, []string{"pand", "por"}},
		{"i8x16.shr_s var avx", []wasm.ValType{v, wasm.I32}, []byte{0x20, 0, 0x20, 1, 0xFD, 0x6c}, avx, []string{"movaps"}},
		// Load splats broadcast from memory: no general register, no movd.
		{"v128.load32_splat avx", []wasm.ValType{wasm.I32}, []byte{0x20, 0, 0xFD, 0x09, 2, 0}, avx, []string{"movd", "pshufd", "shufps"}},
		{"v128.load64_splat avx", []wasm.ValType{wasm.I32}, []byte{0x20, 0, 0xFD, 0x0A, 3, 0}, avx, []string{"movq", "punpcklqdq"}},
		{"v128.load8_splat avx2", []wasm.ValType{wasm.I32}, []byte{0x20, 0, 0xFD, 0x07, 0, 0}, avx | object.FeatureAVX2, []string{"movd", "movzx"}},
		{"f32x4.min avx", []wasm.ValType{v, v}, two(0xe8), avx, []string{"movaps"}},
		{"i32x4.extmul_high_i16x8_s avx", []wasm.ValType{v, v}, two(0xbd), avx, []string{"pmulld", "pmovsx"}},
		{"i32x4.extmul_low_i16x8_u avx", []wasm.ValType{v, v}, two(0xbe), avx, []string{"pmulld", "pmovzx"}},
		// Shuffles by pshufb in three-operand form: no copies of the
		// sources into scratch registers (movaps), the one-source one
		// straight into the result.
		{"shuffle two-source avx", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1, 0xFD, 0x0d}, 3, 17, 0, 30, 9, 2, 16, 4, 31, 5, 7, 20, 1, 11, 8, 6), avx, []string{"movaps", "xorps"}},
		{"shuffle one-source avx", []wasm.ValType{v, v}, append([]byte{0x20, 0, 0x20, 1, 0xFD, 0x0d}, 3, 1, 0, 14, 9, 2, 15, 4, 13, 5, 7, 12, 1, 11, 8, 6), avx, []string{"movaps", "xmm15", "xmm14"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			simdShape(t, tc.params, tc.body, tc.feat, tc.forbid)
		})
	}
}

// simdShape compiles body at -O 2 with features and fails on an
// instruction containing one of forbid.
func simdShape(t *testing.T, params []wasm.ValType, body []byte, features uint64, forbid []string) {
	t.Helper()
	m := ssatest.Module1(params, []wasm.ValType{wasm.V128}, nil, body...)
	mach := testMachine
	opts := &ssa.Options{OptLevel: 2, Features: features}
	fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
	if err != nil {
		t.Fatal(err)
	}
	code := disasm(fc.Code)
	for _, line := range strings.Split(code, "\n") {
		for _, f := range forbid {
			if strings.Contains(line, f) {
				t.Errorf("%q has %q:\n%s", line, f, code)
			}
		}
	}
}
