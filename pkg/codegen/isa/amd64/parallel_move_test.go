package amd64

import (
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"golang.org/x/arch/x86/x86asm"
)

// TestParallelMoveCycle checks that a register swap is resolved through a
// scratch register: rsi<->rdi becomes three moves.
func TestParallelMoveCycle(t *testing.T) {
	e := &emitter{a: asm.New(), consts: map[uint64]asm.Label{}}
	e.parallelMove([]pmove{
		{dst: regLoc(asm.RSI), src: regLoc(asm.RDI), t: ssa.TI64},
		{dst: regLoc(asm.RDI), src: regLoc(asm.RSI), t: ssa.TI64},
	})
	regs := map[asm.Reg]int{asm.RSI: 1, asm.RDI: 2}
	simulateMoves(t, e.a.Bytes(), regs)
	if regs[asm.RSI] != 2 || regs[asm.RDI] != 1 {
		t.Errorf("after swap rsi=%d rdi=%d", regs[asm.RSI], regs[asm.RDI])
	}
}

// simulateMoves interprets the register-to-register movs in code.
func simulateMoves(t *testing.T, code []byte, regs map[asm.Reg]int) {
	t.Helper()
	toReg := func(a x86asm.Arg) asm.Reg {
		r, ok := a.(x86asm.Reg)
		switch {
		case !ok:
			t.Fatalf("operand %v is not a register", a)
		case r >= x86asm.RAX && r <= x86asm.R15:
			return asm.Reg(r - x86asm.RAX)
		case r >= x86asm.EAX && r <= x86asm.R15L:
			return asm.Reg(r - x86asm.EAX)
		}
		t.Fatalf("unexpected register %v", r)
		return 0
	}
	for pc := 0; pc < len(code); {
		in, err := x86asm.Decode(code[pc:], 64)
		if err != nil || in.Op != x86asm.MOV {
			t.Fatalf("unexpected instruction at %d: %v %v", pc, in, err)
		}
		regs[toReg(in.Args[0])] = regs[toReg(in.Args[1])]
		pc += in.Len
	}
}
