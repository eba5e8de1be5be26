package codegen_test

import (
	"fmt"
	"math"
	"math/bits"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"golang.org/x/arch/x86/x86asm"
)

// signFuncs are testdata/signops's functions of x.
var signFuncs = []string{"neg64", "abs64", "copysign64", "neg32", "abs32", "copysign32", "live64", "mem64", "pressure", "loop"}

// signWant are Go's results of testdata/signops's pure functions.
var signWant = map[string]func(x uint64) uint64{
	"neg64":      func(x uint64) uint64 { return x ^ 1<<63 },
	"abs64":      func(x uint64) uint64 { return x &^ (1 << 63) },
	"copysign64": func(x uint64) uint64 { return x&^(1<<63) | bits.RotateLeft64(x, 32)&(1<<63) },
	"neg32":      func(x uint64) uint64 { return uint64(uint32(x) ^ 1<<31) },
	"abs32":      func(x uint64) uint64 { return uint64(uint32(x) &^ (1 << 31)) },
	"copysign32": func(x uint64) uint64 { return uint64(uint32(x)&^(1<<31) | uint32(x>>32)&(1<<31)) },
	"live64": func(x uint64) uint64 {
		abs := x &^ (1 << 63)
		return (x ^ 1<<63) ^ bits.RotateLeft64(abs, 7) ^ bits.RotateLeft64(x, 13) ^ bits.RotateLeft64(x^1<<63, 29)
	},
}

// TestSignOpsExec runs testdata/signops (neg, abs and copysign, f32 and
// f64: pure, with the operand live after the op, through memory with
// trapping loads, twenty values live at once and in a loop) at -O 0 and
// -O 2, in both bounds modes, with SSE only and with AVX where the host
// has it. The results are bit patterns (NaN payloads included, which the
// sign ops must pass through), so every build must agree exactly, traps
// and their offsets too, and the pure functions must give Go's bits.
func TestSignOpsExec(t *testing.T) {
	m := loadWasm(t, "testdata/signops/signops.wasm")
	xs := []uint64{0, 1, 8, 0x100, 0x1238, 0xfff0, 0xfff8, 0xfffc, 0x10000, 1 << 63, math.MaxUint64,
		math.Float64bits(1.5), math.Float64bits(-2.25), math.Float64bits(math.Inf(1)), math.Float64bits(math.Inf(-1)),
		0x7ff8000000000001, 0xfff4000000000000, 0x8000000000000001, 0x3f800000bfc00000, 0xbf8000007fc00001,
		0x7f800001ff800000, 0x80000000_00000000 | 0x80000000, 0x12345678_9abcdef0}
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
					fillMemory(t, inst, 0x8000000080000000)
					got := callAll(t, inst, signFuncs, xs, [][]uint64{{}})
					for name, want := range signWant {
						for _, x := range xs {
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

// TestSignOpsShape checks that neg, abs and copysign stay in the XMM
// registers at both tiers (SSE builds: the AVX forms differ only in
// vbinM's encoding): the pure functions of testdata/signops move their
// operands in from GPRs and the result out (a movq or movd per
// reinterpret) and no other value crosses between the register files; the sign ops read
// their mask from memory (xorps or andps with a memory operand).
func TestSignOpsShape(t *testing.T) {
	m := loadWasm(t, "testdata/signops/signops.wasm")
	for _, opt := range []int{0, 2} {
		for _, feat := range []uint64{0, object.FeatureSSE41} { // x86asm decodes no VEX
			obj, err := codegen.Compile(m, codegen.Options{OptLevel: opt, Features: feat})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range obj.Meta.Funcs {
				// mask ops and register-file crossings (one per reinterpret)
				w, pure := map[string][2]int{"neg64": {1, 2}, "abs64": {1, 2}, "copysign64": {2, 3},
					"neg32": {1, 2}, "abs32": {1, 2}, "copysign32": {2, 3}}[f.Name]
				if !pure {
					continue
				}
				code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
				crossings, masks, ret := 0, 0, false
				for pc := 0; pc < len(code); {
					in, err := x86asm.Decode(code[pc:], 64)
					if err != nil && ret {
						break // the constant pool after the code
					}
					if err != nil {
						t.Fatalf("%s+%#x: %v", f.Name, pc, err)
					}
					pc += in.Len
					switch in.Op {
					case x86asm.RET:
						ret = true
					case x86asm.MOVQ, x86asm.MOVD:
						crossings++
					case x86asm.XORPS, x86asm.ANDPS:
						if _, ok := in.Args[1].(x86asm.Mem); ok {
							masks++
						}
					}
				}
				if masks != w[0] || crossings > w[1] {
					t.Errorf("opt=%d features=%#x %s: %d mask ops (want %d), %d GPR<->XMM moves (want at most %d)",
						opt, feat, f.Name, masks, w[0], crossings, w[1])
				}
			}
		}
	}
}
