package amd64

import (
	"slices"
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// TestAllocatable checks the sets RegTarget gives the allocator: register
// numbers below ssa.MaxRegs (the allocator indexes tables with them), of
// the class asked for, without duplicates, and never a pinned register or
// a scratch register of the emitter, but those the allocator knows are
// clobbered (MayClobber).
func TestAllocatable(t *testing.T) {
	reserved := map[asm.Reg]bool{rA: true, rC: true, rD: true, asm.R14: true, asm.R15: true, asm.RSP: true, asm.RBP: true,
		x14: true, x15: true}
	for r := range reserved {
		if mayClobber.Has(ssa.Reg(r)) {
			delete(reserved, r)
		}
	}
	simdScratch := map[asm.Reg]bool{s2: true, s3: true}
	for _, simd := range []bool{false, true} {
		for _, float := range []bool{false, true} {
			for _, across := range []bool{false, true} {
				f := &ssa.Func{Simd: simd}
				regs := RegTarget{}.Allocatable(f, float, across)
				if len(regs) == 0 {
					t.Errorf("simd=%v float=%v across=%v: no registers", simd, float, across)
				}
				seen := map[ssa.Reg]bool{}
				for _, r := range regs {
					switch {
					case r >= ssa.MaxRegs:
						t.Errorf("simd=%v float=%v across=%v: %s is register number %d >= MaxRegs", simd, float, across, RegTarget{}.RegName(r), r)
					case RegTarget{}.IsFloat(r) != float:
						t.Errorf("simd=%v float=%v across=%v: %s in the wrong class", simd, float, across, RegTarget{}.RegName(r))
					case seen[r]:
						t.Errorf("simd=%v float=%v across=%v: %s twice", simd, float, across, RegTarget{}.RegName(r))
					case reserved[asm.Reg(r)], simd && simdScratch[asm.Reg(r)]:
						t.Errorf("simd=%v float=%v across=%v: %s is reserved", simd, float, across, RegTarget{}.RegName(r))
					}
					seen[r] = true
				}
			}
		}
	}
}

// TestCalleeSaved checks what the convention relies on: the callee-saved
// registers are allocatable (the prologue saves only what the allocation
// uses), no call passes arguments in them and none is a scratch register
// of the lowerings (nothing writes them behind the allocator's back), and the
// baseline tier, which never saves them, never caches a value in them.
func TestCalleeSaved(t *testing.T) {
	var rt RegTarget
	for _, r := range calleeSaved {
		if !rt.CalleeSaved(ssa.Reg(r)) {
			t.Errorf("%s: CalleeSaved is false", r)
		}
		for name, set := range map[string][]asm.Reg{"argGPRs": argGPRs, "scratch": {rA, rC, rD}, "baseGPRs": baseGPRs[:]} {
			for _, x := range set {
				if x == r {
					t.Errorf("%s is in %s", r, name)
				}
			}
		}
		found := false
		for _, x := range allocGPRs {
			found = found || x == r
		}
		if !found {
			t.Errorf("%s is not allocatable", r)
		}
	}
	for _, r := range allocGPRs {
		if rt.CalleeSaved(ssa.Reg(r)) != slices.Contains(calleeSaved, r) {
			t.Errorf("%s: CalleeSaved disagrees with calleeSaved", r)
		}
	}
}
