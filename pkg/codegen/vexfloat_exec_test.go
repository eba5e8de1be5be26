package codegen_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"golang.org/x/arch/x86/x86asm"
)

var vexFloatFuncs = []string{"mandel", "rotate32", "rotate64", "select64"}

// vexFloatSpecials are bit patterns poked at the start of memory, where
// testdata/vexfloat's functions load their operands: NaNs, signed zeros,
// infinities, subnormals, as f64 and as pairs of f32.
var vexFloatSpecials = []uint64{
	math.Float64bits(math.NaN()), 0x8000000000000000, 0, math.Float64bits(math.Inf(1)),
	math.Float64bits(math.Inf(-1)), 1, 0x800fffffffffffff, math.Float64bits(-1.5),
	0x7fc00000ffc00001, 0x8000000000000000 | 0x80000000, 0x7f80000000800000, 0x3f8000007fc00000,
	0xff800000bf800000, 0x0000000180000000, math.Float64bits(2.5), 0x7ff4000000000000,
}

// TestVEXFloatExec runs testdata/vexfloat's float loops (values rotating
// through the loop's parameters, whose registers -O 2 with AVX keeps for
// the back edge's arguments: regalloc/vexfloat.go) at -O 0 and -O 2,
// without AVX and with it, in both bounds modes: results (NaN payloads,
// signed zeros, min/max of signed zeros) and traps with their offsets
// must be the baseline tier's.
func TestVEXFloatExec(t *testing.T) {
	m := loadWasm(t, "testdata/vexfloat/vexfloat.wasm")
	var xs []uint64
	for x := uint64(0); x < 0x400; x += 37 {
		xs = append(xs, x)
	}
	xs = append(xs, 0xffff, 0x10000, 0x1ff0, 0x2345, 0x7fffffff, 0x80000000, 0xffffffff)
	base := object.FeatureSSE41 | object.FeaturePOPCNT
	feats := floatBuilds(t, base, featureBuild{"sse", base})
	for _, bm := range boundsModes {
		var ref map[string]memOutcome
		for _, ft := range feats {
			for _, opt := range []int{0, 2} {
				t.Run(fmt.Sprintf("%s/%s/opt=%d", bm.name, ft.name, opt), func(t *testing.T) {
					opts := bm.opts
					opts.OptLevel, opts.Features = opt, ft.f
					inst := compileInstance(t, m, opts)
					fillMemory(t, inst, 0)
					for i, v := range vexFloatSpecials {
						if _, err := inst.Func("poke").Call(uint64(8*i), v); err != nil {
							t.Fatal(err)
						}
						if _, err := inst.Func("poke").Call(uint64(256+8*i), v^0x8000000080000000); err != nil {
							t.Fatal(err)
						}
					}
					got := callAll(t, inst, vexFloatFuncs, xs, [][]uint64{{}})
					agreeWithFirst(t, &ref, got, "sse -O 0")
				})
			}
		}
	}
}

// TestVEXFloatShape checks that with AVX at -O 2 the loops of
// testdata/vexfloat's mandel and rotate32 need no register-to-register
// float moves: each new value is computed into its parameter's register.
// Without the allocator's care (regalloc/vexfloat.go) 2*zr took zr's
// register and mandel's back edge rotated four values with movaps;
// without minMaxVEX (isa/amd64) min and max computed in a scratch
// register and copied the result out. select64's float selects load one
// operand into the result's register and the other over it: one move
// each for the three whose operands are both in registers (ten moves
// when each went through xmm15), with AVX and without (then one more,
// the copy of a before the two-address addsd: 4). Without AVX the
// two-address arithmetic copies an operand that stays live, but the
// allocator leaves a parameter's register to its back-edge argument there
// too (regalloc.operandHints): mandel's five moves are the copies
// before zr*zr, zi*zi, zr2+zi2, 2*zr and cr+(zr2-zi2), none on the back
// edge (ten when 2*zr took zr's register), rotate32's six (eight).
func TestVEXFloatShape(t *testing.T) {
	m := loadWasm(t, "testdata/vexfloat/vexfloat.wasm")
	builds := []struct {
		f    uint64
		want map[string]int
	}{
		{object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureAVX, map[string]int{"mandel": 0, "rotate32": 0, "select64": 3}},
		{object.FeatureSSE41 | object.FeaturePOPCNT, map[string]int{"mandel": 5, "rotate32": 6, "select64": 4}},
	}
	for _, bm := range boundsModes {
		for _, b := range builds {
			opts := bm.opts
			opts.OptLevel = 2
			opts.Features = b.f
			obj, err := codegen.Compile(m, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, ex := range m.Exports {
				want, ok := b.want[ex.Name]
				if !ok {
					continue
				}
				f := obj.Meta.Funcs[ex.Index]
				code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
				moves := 0
				for pc := 0; pc < len(code); {
					if code[pc] == 0xc4 || code[pc] == 0xc5 {
						// x86asm decodes no VEX: count vmovaps/vmovapd
						// (0x28) and vmovsd/vmovss (0x10) between registers.
						n, op, modrm := vexInst(code[pc:])
						if (op == 0x28 || op == 0x10) && modrm>>6 == 3 {
							moves++
						}
						pc += n
						continue
					}
					in, err := x86asm.Decode(code[pc:], 64)
					if err != nil {
						break // the constants after the code
					}
					switch in.Op {
					case x86asm.MOVAPS, x86asm.MOVAPD, x86asm.MOVSD_XMM, x86asm.MOVSS:
						if r, ok := in.Args[1].(x86asm.Reg); ok && r >= x86asm.X0 && r <= x86asm.X15 {
							moves++
						}
					}
					pc += in.Len
				}
				if moves != want {
					t.Errorf("%s/%#x/%s: %d xmm register moves, want %d", bm.name, b.f, ex.Name, moves, want)
				}
			}
		}
	}
}

// vexInst returns the length, opcode and ModRM byte of the VEX-encoded
// instruction at the start of b (map 0F, 0F38 or 0F3A; the last has an
// immediate byte).
func vexInst(b []byte) (n int, op, modrm byte) {
	p, m := 3, b[1]&0x1f
	if b[0] == 0xc5 {
		p, m = 2, 1
	}
	op, modrm = b[p], b[p+1]
	n = p + 2
	mod, rm := modrm>>6, modrm&7
	if mod != 3 && rm == 4 {
		if mod == 0 && b[n]&7 == 5 {
			n += 4
		}
		n++
	}
	switch {
	case mod == 0 && rm == 5:
		n += 4
	case mod == 1:
		n++
	case mod == 2:
		n += 4
	}
	if m == 3 {
		n++
	}
	return n, op, modrm
}
