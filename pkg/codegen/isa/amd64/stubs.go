package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// emitTrapRoutine: edx = trap code, [rsp] = the trap stub's return address
// (the site's code offset). Records the exit and leaves to Go.
func emitTrapRoutine(a *asm.Assembler) {
	a.MovRM(64, asm.R11, asm.M(asm.R15, abi.VMExec))
	a.Pop(asm.RAX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecTrapPC), asm.RAX)
	a.ShlRI(64, asm.RDX, 8)
	a.OrRI(64, asm.RDX, int32(abi.ExitTrap))
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitCode), asm.RDX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecFrameBP), asm.RBP)
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitVMCtx), asm.R15)
	a.MovRM(64, asm.RSP, asm.M(asm.R11, abi.ExecGoSP))
	a.MovRM(64, asm.RBP, asm.M(asm.R11, abi.ExecGoBP))
	a.Ret()
}

// emitExitRoutine: rax = exit code, rcx = host args, rdx = trap PC. Go
// clobbers every register but RSP, RBP and R15 (pkg/abi), so the routine
// pushes the callee-saved registers under the return address and resumes
// at its own tail, which pops them and returns to the caller: the resume
// SP is the stack pointer after the pushes, so a nested call from the host
// runs below them.
func emitExitRoutine(a *asm.Assembler) {
	for _, r := range calleeSaved {
		a.Push(r)
	}
	a.MovRM(64, asm.R11, asm.M(asm.R15, abi.VMExec))
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitCode), asm.RAX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecHostArgs), asm.RCX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecTrapPC), asm.RDX)
	tail := a.NewLabel()
	a.LeaRIPLabel(asm.RAX, tail)
	a.MovMR(64, asm.M(asm.R11, abi.ExecResumePC), asm.RAX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecResumeSP), asm.RSP)
	a.MovMR(64, asm.M(asm.R11, abi.ExecFrameBP), asm.RBP)
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitVMCtx), asm.R15)
	a.MovRM(64, asm.RSP, asm.M(asm.R11, abi.ExecGoSP))
	a.MovRM(64, asm.RBP, asm.M(asm.R11, abi.ExecGoBP))
	a.Ret()
	a.Bind(tail)
	for i := len(calleeSaved) - 1; i >= 0; i-- {
		a.Pop(calleeSaved[i])
	}
	a.Ret()
}

func loadSlot(a *asm.Assembler, r asm.Reg, m asm.Mem, t ssa.Type) {
	switch t {
	case ssa.TV128:
		a.MovupsRM(r, m)
	case ssa.TF32:
		a.MovssRM(r, m)
	case ssa.TF64:
		a.MovsdRM(r, m)
	case ssa.TI32:
		a.MovRM(32, r, m)
	default:
		a.MovRM(64, r, m)
	}
}

// storeSlot stores a value as a clean 8-byte slot (i32/f32 zero-extended).
func storeSlot(a *asm.Assembler, m asm.Mem, r asm.Reg, t ssa.Type) {
	switch t {
	case ssa.TV128:
		a.MovupsMR(m, r)
	case ssa.TF32:
		a.MovdRX(asm.RAX, r)
		a.MovMR(64, m, asm.RAX)
	case ssa.TF64:
		a.MovqRX(asm.RAX, r)
		a.MovMR(64, m, asm.RAX)
	default:
		a.MovMR(64, m, r)
	}
}

// emitEntryStub: called by the runtime's trampoline with R15 = vmctx, R12
// = target, R13 = args; moves args into the guest convention, calls, and
// stores the results back.
func emitEntryStub(a *asm.Assembler, m *wasm.Module, ft wasm.FuncType) error {
	params, results, err := ssa.Signature(ft)
	if err != nil {
		return err
	}
	area := stackArea(params, results)
	frame := int32((8*area + 15) &^ 15)
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	a.Push(asm.R13)
	a.Push(asm.R12)
	if frame > 0 {
		a.SubRI(64, asm.RSP, frame)
	}
	if m.NumMems() > 0 {
		a.MovRM(64, asm.R14, asm.M(asm.R15, abi.VMMemBase))
	}
	regs, sidx, nStack := convention(params)
	po := slotOffsets(params)
	for i, t := range params {
		src := asm.M(asm.R13, int32(8*po[i]))
		if regs[i] != asm.NoReg {
			loadSlot(a, regs[i], src, t)
			continue
		}
		for k := 0; k < slotWidth(t); k++ {
			a.MovRM(64, asm.RAX, src.Add(int32(8*k)))
			a.MovMR(64, asm.M(asm.RSP, int32(8*(sidx[i]+k))), asm.RAX)
		}
	}
	a.CallR(asm.R12)
	a.MovRM(64, asm.R13, asm.M(asm.RBP, -8))
	ro := slotOffsets(results)
	for i, t := range results {
		dst := asm.M(asm.R13, int32(8*ro[i]))
		if i == 0 {
			storeSlot(a, dst, resultReg(t), t)
			continue
		}
		for k := 0; k < slotWidth(t); k++ {
			a.MovRM(64, asm.RAX, asm.M(asm.RSP, int32(8*(resultSlot(nStack, results, i)+k))))
			a.MovMR(64, dst.Add(int32(8*k)), asm.RAX)
		}
	}
	a.MovRR(64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()
	return nil
}

// emitHostStub is the code behind a host import's FuncRef: it spills the
// arguments into slots on the guest stack, exits with ExitHostCall, and on
// resume returns the results in the guest convention.
func emitHostStub(a *asm.Assembler, idx uint32, ft wasm.FuncType, exitL asm.Label) error {
	params, results, err := ssa.Signature(ft)
	if err != nil {
		return err
	}
	slots := max(numSlots(params), numSlots(results), 1)
	frame := int32((8*slots + 15) &^ 15)
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	a.SubRI(64, asm.RSP, frame)
	regs, sidx, nStack := convention(params)
	po := slotOffsets(params)
	for i, t := range params {
		dst := asm.M(asm.RSP, int32(8*po[i]))
		if regs[i] != asm.NoReg {
			storeSlot(a, dst, regs[i], t)
			continue
		}
		if t == ssa.TV128 {
			for k := int32(0); k < 2; k++ {
				a.MovRM(64, asm.RAX, asm.M(asm.RBP, int32(16+8*sidx[i])+8*k))
				a.MovMR(64, dst.Add(8*k), asm.RAX)
			}
			continue
		}
		// Through RAX whatever the type: a float passed on the stack
		// (past the eight XMM argument registers) used to be loaded
		// with loadSlot, a movss or movsd into RAX, which the
		// assembler refuses (lucetc failed on any host import of nine
		// or more float parameters). A 32-bit move keeps an i32's or
		// f32's slot clean.
		w := 64
		if t == ssa.TI32 || t == ssa.TF32 {
			w = 32
		}
		a.MovRM(w, asm.RAX, asm.M(asm.RBP, int32(16+8*sidx[i])))
		a.MovMR(64, dst, asm.RAX)
	}
	a.MovRI(64, asm.RAX, int64(abi.ExitHostCall)|int64(idx)<<8)
	a.MovRR(64, asm.RCX, asm.RSP)
	a.MovRM(64, asm.RDX, asm.M(asm.RBP, 8))
	a.CallLabel(exitL)
	// The results after the first go to the caller's stack through RAX,
	// so the first (in RAX itself if an integer) is loaded last: loaded
	// first, the copies clobbered it (a host import of results i32 i64
	// returned the i64's low half as the i32).
	ro := slotOffsets(results)
	for i, t := range results[min(1, len(results)):] {
		src := asm.M(asm.RSP, int32(8*ro[i+1]))
		for k := 0; k < slotWidth(t); k++ {
			a.MovRM(64, asm.RAX, src.Add(int32(8*k)))
			a.MovMR(64, asm.M(asm.RBP, int32(16+8*(resultSlot(nStack, results, i+1)+k))), asm.RAX)
		}
	}
	if len(results) > 0 {
		loadSlot(a, resultReg(results[0]), asm.M(asm.RSP, int32(8*ro[0])), results[0])
	}
	a.MovRR(64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()
	return nil
}
