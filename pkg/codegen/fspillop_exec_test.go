package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"golang.org/x/arch/x86/x86asm"
)

// TestFloatSpilledOperandExec runs testdata/fspillop's mix (eighteen
// floats live at once, each an operand of adds and muls, a load that
// traps past the page) at -O 0 and -O 2, in both bounds modes, with SSE
// only and with AVX where the host has it: results, traps and their
// offsets must be the same in every build.
func TestFloatSpilledOperandExec(t *testing.T) {
	m := loadWasm(t, "testdata/fspillop/fspillop.wasm")
	var xs []uint64
	for x := uint64(0); x < 0x20000; x += 0x1f00 {
		xs = append(xs, x, x^0x8000000000000000)
	}
	base := object.FeatureSSE41 | object.FeaturePOPCNT
	feats := floatBuilds(t, base, featureBuild{"sse", base})
	var ref map[string]memOutcome
	for _, ft := range feats {
		for _, bm := range boundsModes {
			for _, opt := range []int{0, 2} {
				t.Run(fmt.Sprintf("%s/%s/opt=%d", ft.name, bm.name, opt), func(t *testing.T) {
					opts := bm.opts
					opts.OptLevel, opts.Features = opt, ft.f
					inst := compileInstance(t, m, opts)
					fillMemory(t, inst, 0)
					got := callAll(t, inst, []string{"mix"}, xs, [][]uint64{{}})
					agreeWithFirst(t, &ref, got, "the first build (SSE, explicit, -O 0)")
				})
			}
		}
	}
}

// TestFloatSpilledOperandShape checks that with AVX at -O 2 no add or
// mul of testdata/fspillop's mix reads an operand that a movsd just
// loaded from memory into xmm14: a spilled operand of a commutative op
// is read from its slot by the vaddsd or vmulsd itself (the old code had
// thirteen such loads).
func TestFloatSpilledOperandShape(t *testing.T) {
	m := loadWasm(t, "testdata/fspillop/fspillop.wasm")
	for _, bm := range boundsModes {
		opts := bm.opts
		opts.OptLevel = 2
		opts.Features = object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureAVX
		obj, err := codegen.Compile(m, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range obj.Meta.Funcs {
			if f.Name != "mix" {
				continue
			}
			code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
			loaded, found, memOps := false, 0, 0
			for pc := 0; pc < len(code); {
				if code[pc] == 0xc4 || code[pc] == 0xc5 {
					// x86asm decodes no VEX: vaddsd and vmulsd are 0x58
					// and 0x59; the first source (vvvv) is inverted in
					// the last prefix byte.
					n, op, modrm := vexInst(code[pc:])
					vvvv := ^code[pc+1] >> 3 & 15
					if code[pc] == 0xc4 {
						vvvv = ^code[pc+2] >> 3 & 15
					}
					if op == 0x58 || op == 0x59 {
						if loaded && vvvv == 14 {
							found++
						}
						if modrm>>6 != 3 {
							memOps++
						}
					}
					loaded = false
					pc += n
					continue
				}
				in, err := x86asm.Decode(code[pc:], 64)
				if err != nil {
					break // the constants after the code
				}
				_, mem := in.Args[1].(x86asm.Mem)
				loaded = in.Op == x86asm.MOVSD_XMM && in.Args[0] == x86asm.X14 && mem
				pc += in.Len
			}
			if found != 0 || memOps == 0 {
				t.Errorf("%s: %d adds and muls of a value just loaded into xmm14 (want 0), %d with a memory operand",
					bm.name, found, memOps)
			}
		}
	}
}
