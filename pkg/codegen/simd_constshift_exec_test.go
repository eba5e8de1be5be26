package codegen_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// laneShift is the Go model of a wasm SIMD shift of one lane (size bits)
// by a count already reduced modulo size.
func laneShift(kind string, size uint, x uint64, n uint) uint64 {
	mask := uint64(1)<<size - 1
	if size == 64 {
		mask = ^uint64(0)
	}
	switch kind {
	case "shl":
		return x << n & mask
	case "shr_u":
		return x >> n
	}
	signed := int64(x<<(64-size)) >> (64 - size) // sign-extended lane
	return uint64(signed>>n) & mask
}

// shiftModel applies wasm shift op ("i16x8.shr_s", ...) to v by count c.
func shiftModel(op string, v [2]uint64, c int32) [2]uint64 {
	shape, kind, _ := strings.Cut(op, ".")
	size := map[string]uint{"i8x16": 8, "i16x8": 16, "i32x4": 32, "i64x2": 64}[shape]
	n := uint(uint32(c) % uint32(size))
	var b, out [16]byte
	binary.LittleEndian.PutUint64(b[:], v[0])
	binary.LittleEndian.PutUint64(b[8:], v[1])
	w := int(size / 8)
	for i := 0; i < 16; i += w {
		var x uint64
		for k := w - 1; k >= 0; k-- {
			x = x<<8 | uint64(b[i+k])
		}
		r := laneShift(kind, size, x, n)
		for k := 0; k < w; k++ {
			out[i+k] = byte(r >> (8 * k))
		}
	}
	return [2]uint64{binary.LittleEndian.Uint64(out[:]), binary.LittleEndian.Uint64(out[8:])}
}

// mul64Model is i64x2.mul.
func mul64Model(x, y [2]uint64) [2]uint64 { return [2]uint64{x[0] * y[0], x[1] * y[1]} }

// TestSIMDConstantOperands runs the SIMD shifts by constant counts
// (lowered with the immediate forms: emit_simd_constshift.go) beside the
// same shifts by a count from a parameter (the register form), and
// i64x2.mul by a constant factor on either side (read from the pool with
// its high halves precomputed: emit_simd_mul64.go) beside the product of
// two parameters, against Go models: SSE and AVX builds, -O 0 and -O 2.
func TestSIMDConstantOperands(t *testing.T) {
	v128 := wasm.V128
	m := &wasm.Module{Types: []wasm.FuncType{
		{Params: []wasm.ValType{v128}, Results: []wasm.ValType{v128}},
		{Params: []wasm.ValType{v128, wasm.I32}, Results: []wasm.ValType{v128}},
		{Params: []wasm.ValType{v128, v128}, Results: []wasm.ValType{v128}},
	}}
	add := func(name string, typ uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	vconst := func(b []byte, v [2]uint64) []byte {
		b = simdInstr(b, 0x0C)
		b = binary.LittleEndian.AppendUint64(b, v[0])
		return binary.LittleEndian.AppendUint64(b, v[1])
	}
	counts := []int32{0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1, -8, 1 << 30}
	type shiftCase struct {
		op   string
		sub  uint32
		c    int32
		name string
	}
	var shifts []shiftCase
	for _, op := range simdFuzzOps {
		name := op.info.Name
		if !strings.HasSuffix(name, ".shl") && !strings.HasSuffix(name, ".shr_s") && !strings.HasSuffix(name, ".shr_u") {
			continue
		}
		add(name+"/var", 1, simdInstr([]byte{0x20, 0, 0x20, 1}, op.sub))
		for _, c := range counts {
			f := fmt.Sprintf("%s/%d", name, c)
			add(f, 0, simdInstr(sleb([]byte{0x20, 0, 0x41}, int64(c)), op.sub))
			shifts = append(shifts, shiftCase{name, op.sub, c, f})
		}
	}
	if len(shifts) != 12*len(counts) {
		t.Fatalf("%d shift functions, want %d", len(shifts), 12*len(counts))
	}
	factors := [][2]uint64{{0, 0}, {1, 1}, {0xBF58476D1CE4E5B9, 0x94D049BB133111EB}, {0x100000001B3, 3},
		{0xFFFFFFFF, 0xFFFFFFFF00000000}, {^uint64(0), 1 << 63}}
	const i64x2Mul = 0xd5
	add("mul/var", 2, simdInstr([]byte{0x20, 0, 0x20, 1}, i64x2Mul))
	for i, k := range factors {
		add(fmt.Sprintf("mul/%d/right", i), 0, simdInstr(vconst([]byte{0x20, 0}, k), i64x2Mul))
		add(fmt.Sprintf("mul/%d/left", i), 0, simdInstr(append(vconst(nil, k), 0x20, 0), i64x2Mul))
	}
	xs := [][2]uint64{{0, 0}, {0x0123456789ABCDEF, 0xFEDCBA9876543210}, {0x8080808080808080, 0x7F7F7F7F7F7F7F7F},
		{^uint64(0), 1}, {0xFFFF0000FFFF0000, 0x00000001FFFFFFFF}}

	features := []uint64{0}
	if host := load.HostFeatures(); host&object.FeatureAVX != 0 && host&object.FeatureSSE41 != 0 {
		features = append(features, host)
	} else {
		t.Log("no AVX on this host: the AVX forms do not run")
	}
	for _, feat := range features {
		for _, level := range []int{0, 2} {
			t.Run(fmt.Sprintf("features=%#x/O%d", feat, level), func(t *testing.T) {
				obj, err := codegen.Compile(m, codegen.Options{OptLevel: level, Features: feat})
				if err != nil {
					t.Fatal(err)
				}
				if feat != 0 && level == 2 {
					checkConstantForms(t, obj)
				}
				inst := instantiate(t, obj)
				call := func(name string, args ...uint64) [2]uint64 {
					t.Helper()
					r, err := inst.Func(name).Call(args...)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					return [2]uint64{r[0], r[1]}
				}
				for _, x := range xs {
					for _, s := range shifts {
						want := shiftModel(s.op, x, s.c)
						if got := call(s.name, x[0], x[1]); got != want {
							t.Errorf("%s(%#x) = %#x, want %#x", s.name, x, got, want)
						}
						if got := call(s.op+"/var", x[0], x[1], uint64(uint32(s.c))); got != want {
							t.Errorf("%s/var(%#x, %d) = %#x, want %#x", s.op, x, s.c, got, want)
						}
					}
					for i, k := range factors {
						want := mul64Model(x, k)
						for _, side := range []string{"right", "left"} {
							if got := call(fmt.Sprintf("mul/%d/%s", i, side), x[0], x[1]); got != want {
								t.Errorf("mul/%d/%s(%#x) = %#x, want %#x", i, side, x, got, want)
							}
						}
						if got := call("mul/var", x[0], x[1], k[0], k[1]); got != want {
							t.Errorf("mul/var(%#x, %#x) = %#x, want %#x", x, k, got, want)
						}
					}
				}
			})
		}
	}
}

// The register forms' tell-tale bytes: a v128 operand loaded from the
// pool into scratch X12 (movdqu xmm12, [rip+d]); countToXMM finds the
// other, the shift count moved into scratch X14.
var poolToXMM12 = []byte{0xf3, 0x44, 0x0f, 0x6f, 0x25}

// countToXMM reports whether code moves a general register into scratch
// X14 (movd xmm14, r32: 66 REX.R[B] 0F 6E, ModRM 11 110 rrr).
func countToXMM(code []byte) bool {
	for i := 0; i+5 <= len(code); i++ {
		c := code[i:]
		if c[0] == 0x66 && (c[1] == 0x44 || c[1] == 0x45) && c[2] == 0x0f && c[3] == 0x6e && c[4]&0xF8 == 0xF0 {
			return true
		}
	}
	return false
}

// checkConstantForms checks that with AVX at -O 2 no shift by a constant
// moves its count into a register (the /var functions must, or the
// check sees nothing) and no i64x2.mul by a constant loads the factor.
func checkConstantForms(t *testing.T, obj *object.Object) {
	t.Helper()
	for _, f := range obj.Meta.Funcs {
		code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
		isVar := strings.HasSuffix(f.Name, "/var")
		switch {
		case strings.HasPrefix(f.Name, "mul/"):
			if !isVar && bytes.Contains(code, poolToXMM12) {
				t.Errorf("%s loads its constant factor into a register", f.Name)
			}
		case isVar:
			if !countToXMM(code) {
				t.Errorf("%s: no movd xmm14, r32: the check cannot see the register form", f.Name)
			}
		case countToXMM(code):
			t.Errorf("%s moves its constant count into a register", f.Name)
		}
	}
}
