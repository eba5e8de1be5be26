package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := ssatest.Module1(tc.params, []wasm.ValType{v}, nil, tc.body...)
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := disasm(fc.Code)
			for _, line := range strings.Split(code, "\n") {
				for _, f := range tc.forbid {
					if strings.Contains(line, f) {
						t.Errorf("%q has %q:\n%s", line, f, code)
					}
				}
			}
		})
	}
}
