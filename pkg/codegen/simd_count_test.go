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

// TestSIMDInstrCounts pins the length of single SIMD operations at -O 2,
// operands and result in registers, frame instructions not counted: the
// sequences that were behind Cranelift's (../shared/design/simd-x86.md)
// must not grow back. Each bound is Cranelift's count or below it, from
// its code for the same functions (wtdump + objdump).
func TestSIMDInstrCounts(t *testing.T) {
	v, i32 := wasm.V128, wasm.I32
	simd := func(sub uint32, imm ...byte) []byte {
		if sub < 0x80 {
			return append([]byte{0xFD, byte(sub)}, imm...)
		}
		return append([]byte{0xFD, byte(sub) | 0x80, byte(sub >> 7)}, imm...)
	}
	two := func(sub uint32) []byte { return append([]byte{0x20, 0, 0x20, 1}, simd(sub)...) }
	one := func(sub uint32) []byte { return append([]byte{0x20, 0}, simd(sub)...) }
	sse := testMachine.DefaultFeatures()
	avx := sse | object.FeatureSSE42 | object.FeatureAVX
	tests := []struct {
		name   string
		params []wasm.ValType
		body   []byte
		feat   uint64
		max    int // Cranelift (AVX): in the comment
	}{
		{"i64x2.abs avx", []wasm.ValType{v}, append([]byte{0x20, 0}, simd(0xc0)...), avx, 3},          // 3
		{"i64x2.abs", []wasm.ValType{v}, append([]byte{0x20, 0}, simd(0xc0)...), sse, 4},              // V8's SSE form: 5
		{"f32x4.min avx", []wasm.ValType{v, v}, two(0xe8), avx, 7},                                    // 7
		{"f32x4.max avx", []wasm.ValType{v, v}, two(0xe9), avx, 8},                                    // 8
		{"f64x2.min avx", []wasm.ValType{v, v}, two(0xf4), avx, 7},                                    // 7
		{"f64x2.max avx", []wasm.ValType{v, v}, two(0xf5), avx, 8},                                    // 8
		{"i8x16.shl var", []wasm.ValType{v, i32}, two(0x6b), sse, 7},                                  // 6, the count dying
		{"i8x16.shr_u var avx", []wasm.ValType{v, i32}, two(0x6d), avx, 7},                            // 6, the count dying
		{"i8x16.shr_s var avx", []wasm.ValType{v, i32}, two(0x6c), avx, 8},                            // 8
		{"i16x8.shl var", []wasm.ValType{v, i32}, two(0x8b), sse, 3},                                  // 3
		{"i32x4.shr_s var avx", []wasm.ValType{v, i32}, two(0xac), avx, 3},                            // 3
		{"i64x2.shr_s var avx", []wasm.ValType{v, i32}, two(0xcc), avx, 7},                            // 7
		{"i8x16.popcnt avx", []wasm.ValType{v}, one(0x62), avx, 7},                                    // 7
		{"i16x8.extadd_pairwise_i8x16_s avx", []wasm.ValType{v}, one(0x7c), avx, 2},                   // 2
		{"i16x8.extadd_pairwise_i8x16_u", []wasm.ValType{v}, one(0x7d), sse, 1},                       // 1
		{"i32x4.extadd_pairwise_i16x8_s avx", []wasm.ValType{v}, one(0x7e), avx, 1},                   // 1
		{"i32x4.extadd_pairwise_i16x8_u avx", []wasm.ValType{v}, one(0x7f), avx, 3},                   // 3
		{"i32x4.trunc_sat_f32x4_u avx", []wasm.ValType{v}, one(0xf9), avx, 9},                         // 13
		{"i32x4.trunc_sat_f64x2_s_zero avx", []wasm.ValType{v}, one(0xfc), avx, 4},                    // 4
		{"i32x4.trunc_sat_f64x2_u_zero avx", []wasm.ValType{v}, one(0xfd), avx, 6},                    // 6
		{"f64x2.convert_low_i32x4_u avx", []wasm.ValType{v}, one(0xff), avx, 2},                       // 2
		{"v128.load8x8_s", []wasm.ValType{i32}, append([]byte{0x20, 0}, simd(0x01, 0, 4)...), sse, 1}, // 1 (+2 for its base)
		{"v128.load16x4_u avx", []wasm.ValType{i32}, append([]byte{0x20, 0}, simd(0x04, 1, 0)...), avx, 1},
	}
	frame := map[string]bool{"push rbp": true, "mov rbp, rsp": true, "mov rsp, rbp": true, "pop rbp": true, "ret": true}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := ssatest.Module1(tc.params, []wasm.ValType{wasm.V128}, nil, tc.body...)
			// Guard pages: no explicit bounds check beside the loads.
			opts := &ssa.Options{OptLevel: 2, Features: tc.feat, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), testMachine, testMachine.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := disasm(fc.Code)
			n := 0
			for _, line := range strings.Split(code, "\n") {
				if line == "ret" {
					break // the constant pool follows
				}
				if !frame[line] {
					n++
				}
			}
			if n > tc.max {
				t.Errorf("%d instructions, want at most %d:\n%s", n, tc.max, code)
			}
		})
	}
}

// TestSIMDVEXMoves checks that with AVX a SIMD function's v128 loads,
// stores and register copies are VEX-encoded (vmovups, vmovaps), not
// legacy SSE between VEX instructions, and that the baseline build has
// the legacy forms the check looks for.
func TestSIMDVEXMoves(t *testing.T) {
	v, i32 := wasm.V128, wasm.I32
	// store(p+32, load(p)); x = load(p+16); return (x, then x + x
	// stored at p+48): loads, stores and a value that lives on.
	body := []byte{
		0x20, 0, 0x20, 0, 0xFD, 0x00, 4, 0, 0xFD, 0x0b, 4, 32, // v128.store offset=32 (v128.load p)
		0x20, 0, 0xFD, 0x00, 4, 16, 0x21, 1, // x = v128.load offset=16
		0x20, 0, 0x20, 1, 0x20, 1, 0xFD, 0xae, 0x01, 0xFD, 0x0b, 4, 48, // store p+48, x + x
		0x20, 1,
	}
	legacy := func(code string) (n int) {
		for _, line := range strings.Split(code, "\n") {
			if strings.HasPrefix(line, "movaps ") || strings.HasPrefix(line, "movups ") || strings.HasPrefix(line, "movdqu ") {
				n++
			}
		}
		return n
	}
	sse := testMachine.DefaultFeatures()
	for _, feat := range []uint64{sse, sse | object.FeatureSSE42 | object.FeatureAVX} {
		m := ssatest.Module1([]wasm.ValType{i32}, []wasm.ValType{v}, []wasm.LocalEntry{{Count: 1, Type: v}}, body...)
		m.Mems = []wasm.MemType{{Limits: wasm.Limits{Min: 1}}}
		opts := &ssa.Options{OptLevel: 2, Features: feat, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30}
		fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), testMachine, testMachine.NewFuncEmitter(), nil)
		if err != nil {
			t.Fatal(err)
		}
		code := disasm(fc.Code)
		n := legacy(code)
		if feat == sse && n < 3 {
			t.Errorf("baseline: %d legacy moves, want the loads and stores (3 or more):\n%s", n, code)
		}
		if feat != sse && n != 0 {
			t.Errorf("AVX: %d legacy moves:\n%s", n, code)
		}
	}
}
