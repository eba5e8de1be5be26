package codegen_test

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"golang.org/x/arch/x86/x86asm"
)

// fcmpFuncs are testdata/fcmpfuse's functions of x.
var fcmpFuncs = []string{"not_lt_nb", "not_ge32_nb", "not_gt_le_nb", "loop_not_le_nb", "sel_lt_nb", "sel_ge32_nb",
	"sel_group_nb", "sel_int_nb", "sel_eqz", "sel_pressure"}

// fcmpWant are Go's results of some of testdata/fcmpfuse's functions.
var fcmpWant = map[string]func(x uint64) uint64{
	"not_ge32_nb": func(x uint64) uint64 {
		if !(math.Float32frombits(uint32(x)) >= math.Float32frombits(uint32(x>>32))) {
			return 9
		}
		return 7
	},
	"not_gt_le_nb": func(x uint64) uint64 {
		a, b := math.Float64frombits(x), math.Float64frombits(bits.RotateLeft64(x, 32))
		r := uint64(0)
		if !(a > b) {
			r = 1
		}
		if !(a <= b) {
			r |= 2
		}
		return r
	},
	"sel_lt_nb": func(x uint64) uint64 {
		if math.Float64frombits(x) < math.Float64frombits(bits.RotateLeft64(x, 32)) {
			return x
		}
		return bits.RotateLeft64(x, 32)
	},
	"sel_eqz": func(x uint64) uint64 {
		if !(math.Float64frombits(x) < math.Float64frombits(bits.RotateLeft64(x, 32))) {
			return x
		}
		return bits.RotateLeft64(x, 32)
	},
}

// fcmpXs are the arguments: NaNs (either side), infinities, zeros of
// both signs, equal halves, addresses in and past the memory.
var fcmpXs = []uint64{0, 1, 8, 0x1238, 0xfff8, 0x10000, 0x1fff8, 1 << 63, 1<<63 | 1<<31, math.MaxUint64,
	math.Float64bits(1.5), math.Float64bits(-2.25), math.Float64bits(2.5), math.Float64bits(4.75),
	math.Float64bits(math.Inf(1)), math.Float64bits(math.Inf(-1)), 0x7ff8000000000001, 0xfff4000000000000,
	0x3ff0000000000000, 0x400000003ff00000, 0x3ff000003ff00000, 0x7fc000003f800000, 0x3f8000007fc00000,
	0x40490fdb40490fdb, 0xc0490fdb40490fdb, 0x0000000080000000}

// TestFloatCompareFuseExec runs testdata/fcmpfuse (branches on i32.eqz of
// f32/f64 lt, ge, gt, le, one in a loop; float selects on float and
// integer comparisons, three selects on one comparison, a select on eqz,
// fourteen floats live across selects of loads) at -O 0 and -O 2, in both
// bounds modes, with SSE only and with AVX where the host has it. Every
// build must agree (NaN operands included: the inverse of a jcc after
// ucomis must hold for unordered operands), traps and their offsets too,
// and the functions of fcmpWant must give Go's results.
func TestFloatCompareFuseExec(t *testing.T) {
	m := loadWasm(t, "testdata/fcmpfuse/fcmpfuse.wasm")
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	feats := floatBuilds(t, base, featureBuild{"sse", 0}, featureBuild{"sse41", base})
	var ref map[string]memOutcome
	for _, ft := range feats {
		for _, bm := range boundsModes {
			for _, opt := range []int{0, 2} {
				t.Run(fmt.Sprintf("%s/%s/opt=%d", ft.name, bm.name, opt), func(t *testing.T) {
					opts := bm.opts
					opts.OptLevel, opts.Features = opt, ft.f
					inst := compileInstance(t, m, opts)
					fillMemory(t, inst, 0x7ff0000000000000)
					got := callAll(t, inst, fcmpFuncs, fcmpXs, [][]uint64{{}})
					for name, want := range fcmpWant {
						for _, x := range fcmpXs {
							k := fmt.Sprintf("%s(%#x, %#x)", name, x, []uint64{})
							if w := want(x); got[k].trap || got[k].res[0] != w {
								t.Errorf("%s: %+v, want %#x", k, got[k], w)
							}
						}
					}
					agreeWithFirst(t, &ref, got, "the first build (SSE, explicit, -O 0)")
				})
			}
		}
	}
}

// TestFloatCompareFuseShape checks that at -O 2 the functions of
// testdata/fcmpfuse named *_nb make no 0/1 value of a comparison (no
// setcc): their branches and selects read the flags of the ucomis or cmp.
// SSE builds only: x86asm decodes no VEX.
func TestFloatCompareFuseShape(t *testing.T) {
	m := loadWasm(t, "testdata/fcmpfuse/fcmpfuse.wasm")
	for _, feat := range []uint64{0, object.FeatureSSE41} {
		obj, err := codegen.Compile(m, codegen.Options{OptLevel: 2, Features: feat})
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, f := range obj.Meta.Funcs {
			if !strings.HasSuffix(f.Name, "_nb") {
				continue
			}
			seen++
			code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
			ret := false
			for pc := 0; pc < len(code); {
				in, err := x86asm.Decode(code[pc:], 64)
				if err != nil && ret {
					break // the constant pool after the code
				}
				if err != nil {
					t.Fatalf("%s+%#x: %v", f.Name, pc, err)
				}
				pc += in.Len
				switch {
				case in.Op == x86asm.RET:
					ret = true
				case strings.HasPrefix(in.Op.String(), "SET"):
					t.Errorf("features=%#x %s+%#x: %s", feat, f.Name, pc-in.Len, x86asm.IntelSyntax(in, 0, nil))
				}
			}
		}
		if seen != 8 {
			t.Fatalf("%d functions named *_nb, want 8", seen)
		}
	}
}
