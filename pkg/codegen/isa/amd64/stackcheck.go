package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// The prologue's stack check doubles as the interrupt check at function
// entry (see abi.StackLimitInterrupt): a runtime that wants the guest to
// exit raises VMStackLimit so that every check fails, and the check's
// out-of-line path, limitStub, tells that from a real overflow by the
// real limit in the ExecContext. A call then costs one compare and branch
// at entry instead of two, as in the prologue of wasmtime as the peers
// harness configures it (a stack check only). V8 and Go fold preemption
// requests into their stack limits the same way.

// limitStub is the out-of-line path of a prologue's stack check. It runs
// before the frame is taken, with the parameters still in their
// convention registers and RAX, RCX and RDX free (no call passes anything
// in them).
type limitStub struct {
	label  asm.Label // where the check's jb goes
	back   asm.Label // just past the jb
	rax    bool      // the check compared RAX (RSP - frame), not RSP
	params []ssa.Type
	on     bool
}

// limitJump emits the jb of a prologue's stack check, which the caller
// has emitted (rax: it compared RAX, not RSP).
func (e *emitter) limitJump(rax bool, params []ssa.Type) {
	l, back := e.a.NewLabel(), e.a.NewLabel()
	e.a.Jcc(asm.CondB, l)
	e.a.Bind(back)
	e.limit = limitStub{label: l, back: back, rax: rax, params: params, on: true}
}

// emitLimitStub: below the real limit the check was right, and the
// function traps StackOverflow through the same trap stub (and so with
// the same site) as before limits were raised. Otherwise the runtime
// asked for an exit: the stub keeps the parameter registers on the stack
// (there is room: RSP is above the real limit, and the margin below it
// holds any stub), exits as an interrupt check does, with the site of the
// function's entry (position 0), and when resumed goes on past the check,
// as the interrupt check did: the compare with the real limit has shown
// that the frame fits, and neither the stack nor its limit changes while
// the call runs. Doing the check again would only add another exit when
// a request came meanwhile, and a guest asked to exit faster than it can
// exit and come back would never get past its entry.
func (e *emitter) emitLimitStub() {
	s := e.limit
	if !s.on {
		return
	}
	a := e.a
	a.Bind(s.label)
	a.MovRM(64, rC, asm.M(asm.R15, abi.VMExec))
	r := asm.RSP
	if s.rax {
		r = rA
	}
	a.CmpRM(64, r, asm.M(rC, abi.ExecStackLimit))
	a.Jcc(asm.CondB, e.trapLabel(abi.TrapStackOverflow, 0))
	regs, _, _ := convention(s.params)
	size := int32(0)
	for _, reg := range regs {
		if reg != asm.NoReg {
			size += regSaveSize(reg)
		}
	}
	size = (size + 15) &^ 15 // RSP stays 16-byte aligned for the exit
	if size > 0 {
		a.SubRI(64, asm.RSP, size)
	}
	spill := func(load bool) {
		off := int32(0)
		for _, reg := range regs {
			if reg == asm.NoReg {
				continue
			}
			m := asm.M(asm.RSP, off)
			switch {
			case reg.IsXMM() && load:
				a.MovupsRM(reg, m)
			case reg.IsXMM():
				a.MovupsMR(m, reg)
			case load:
				a.MovRM(64, reg, m)
			default:
				a.MovMR(64, m, reg)
			}
			off += regSaveSize(reg)
		}
	}
	spill(false)
	a.MovRI(64, rA, int64(abi.ExitInterrupt))
	a.XorRR(32, rC, rC)
	e.exitCall(0)
	spill(true)
	if size > 0 {
		a.AddRI(64, asm.RSP, size)
	}
	a.Jmp(s.back)
}

// regSaveSize is the room a parameter register takes in limitStub's save
// area: all of an XMM register, which may hold a v128.
func regSaveSize(r asm.Reg) int32 {
	if r.IsXMM() {
		return 16
	}
	return 8
}

// foldsEntryCheck reports whether f's entry interrupt check is left to
// its prologue's stack check: the prologue always checks a function that
// calls (see prologue). Fuel-metered code keeps its checks as they were
// (they also charge fuel). A function that calls nothing and has an entry
// check is a leaf with loops (frontend: a leaf without loops has none).
// Most have a small frame and no stack check, and keep the word's check:
// a stack check in its place would cost the same (a compare with memory
// and a branch) and add a slow path. Those with a frame big enough to be
// checked keep it too: the frame is known only after register allocation,
// which the check's removal would change, and one check per call of a
// function that loops is noise.
func foldsEntryCheck(f *ssa.Func, opts *ssa.Options) bool {
	return !opts.Fuel && callsGuest(f)
}

// dropEntryCheck removes f's entry interrupt check when its prologue's
// stack check does the work (foldsEntryCheck), before register
// allocation, so that no value gets a slot only for the check's slow
// path to save it in.
func dropEntryCheck(f *ssa.Func, opts *ssa.Options) {
	if !foldsEntryCheck(f, opts) {
		return
	}
	// Without fuel the entry check is the function's only one.
	for _, b := range f.Blocks {
		for i, v := range b.Values {
			if v.Op == ssa.OpInterrupt {
				b.Values = append(b.Values[:i], b.Values[i+1:]...)
				return
			}
		}
	}
}
