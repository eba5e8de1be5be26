package amd64_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/internal/wasmgen"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/isa/amd64"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
)

// TestClobbersAudit holds the allocator's clobber sets (clobber.go) to
// the code: every value whose lowering is said to leave RDX alone is
// decoded, and none of its instructions may write RDX (or a part of it)
// unless RDX is the value's own location, nor call anything. It compiles
// the repository's modules and random ones at -O 2 in both bounds modes
// and with and without the optional CPU features, so an op on the
// leavesRDX list whose lowering starts using RDX as scratch, in any
// operand case, fails here rather than as a wrong result in the rare
// program whose allocation puts a live value in RDX across it.
func TestClobbersAudit(t *testing.T) {
	var mods [][]byte
	for _, pat := range []string{"../../../../testdata/*.wasm", "../../../../testdata/*/*.wasm", "../../../../testdata/*/*/*.wasm", "../../testdata/*.wasm", "../../testdata/*/*.wasm"} {
		files, _ := filepath.Glob(pat)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			mods = append(mods, b)
		}
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		mods = append(mods, wasmgen.New(r).Wasm)
	}
	var checked, inRDX int
	stop := amd64.TraceEmit(func(f *ssa.Func, values []amd64.ValueCode) {
		for _, vc := range values {
			if (amd64.RegTarget{}).Clobbers(f, vc.V) != 0 {
				continue
			}
			if vc.V.Loc.InReg() && asm.Reg(vc.V.Loc.Reg) == asm.RDX {
				inRDX++
				continue
			}
			checked++
			if err := leavesRDX(vc.Code); err != nil {
				t.Errorf("%s: %v", vc.V.LongString(), err)
			}
		}
	})
	defer stop()
	first := true
	for _, feat := range []uint64{0, (amd64.Machine{}).UsableFeatures(), object.FeatureSSE41} {
		for _, bounds := range []object.BoundsChecks{object.BoundsGuard, object.BoundsExplicit} {
			for i, b := range mods {
				if !first && len(b) > 1<<20 {
					continue // gobig: once is enough for the test's time
				}
				m, err := decode.Decode(b, decode.Options{})
				if err != nil {
					continue // a deliberately bad test input
				}
				if _, err := validate.Module(m, validate.Options{}); err != nil {
					continue
				}
				if _, err := codegen.Compile(m, codegen.Options{OptLevel: 2, Bounds: bounds, MemReserve: codegen.DefaultMemReserve, MemGuard: codegen.DefaultMemGuard, Features: feat, Parallel: 1}); err != nil {
					t.Fatalf("module %d: %v", i, err)
				}
				if t.Failed() {
					return
				}
			}
			first = false
		}
	}
	t.Logf("%d modules; %d values said to leave RDX checked, %d in RDX itself", len(mods), checked, inRDX)
	if checked == 0 {
		t.Fatal("no value checked")
	}
}

// rdxParts are the registers that alias RDX.
var rdxParts = map[x86asm.Reg]bool{x86asm.DL: true, x86asm.DH: true, x86asm.DX: true, x86asm.EDX: true, x86asm.RDX: true}

// leavesRDX decodes code and reports the first instruction that writes
// RDX: as its destination (the first operand, both for XCHG, XADD and
// MULX), implicitly (CWD/CDQ/CQO, one-operand MUL/IMUL/DIV/IDIV, CPUID,
// RDTSC) or behind a call.
func leavesRDX(code []byte) error {
	for pc := 0; pc < len(code); {
		in, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			return fmt.Errorf("at +%d: %v", pc, err)
		}
		pc += in.Len
		var dsts []x86asm.Arg
		switch in.Op {
		case x86asm.CMP, x86asm.TEST, x86asm.PUSH, x86asm.BT, x86asm.UCOMISS, x86asm.UCOMISD,
			x86asm.COMISS, x86asm.COMISD, x86asm.PTEST, x86asm.JMP:
		case x86asm.CALL, x86asm.CWD, x86asm.CDQ, x86asm.CQO, x86asm.DIV, x86asm.IDIV, x86asm.MUL,
			x86asm.CPUID, x86asm.RDTSC, x86asm.RDTSCP:
			return fmt.Errorf("%v", in)
		case x86asm.IMUL:
			if in.Args[1] == nil {
				return fmt.Errorf("%v", in)
			}
			dsts = in.Args[:1]
		case x86asm.XCHG, x86asm.XADD, x86asm.MULX:
			dsts = in.Args[:2]
		default:
			dsts = in.Args[:1]
		}
		for _, a := range dsts {
			if r, ok := a.(x86asm.Reg); ok && rdxParts[r] {
				return fmt.Errorf("%v writes %v", in, r)
			}
		}
	}
	return nil
}
