package amd64

import (
	"math"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// memAccess computes the address operand of a load or store, emitting the
// explicit bounds check when the value carries the memory length.
func (e *emitter) memAccess(v *ssa.Value, size int) asm.Mem {
	a := e.a
	addr := v.Args[0]
	off := uint64(uint32(v.Aux))
	var ml *ssa.Value
	if v.Op == ssa.OpLoad && len(v.Args) == 2 {
		ml = v.Args[1]
	} else if v.Op == ssa.OpStore && len(v.Args) == 3 {
		ml = v.Args[2]
	}
	end := off + uint64(size)
	if addr.Op == ssa.OpConst {
		// A constant address (a C global, a static array) is a
		// displacement off the memory base: no register to load it into.
		at := uint64(uint32(addr.Aux)) + off
		if at+uint64(size) <= math.MaxInt32 {
			if ml != nil && e.checked[addr] < end {
				e.checked[addr] = end
				if spilled(ml) {
					a.CmpMI(64, slotMem(ml.Loc.Slot), int32(at+uint64(size)))
				} else {
					a.CmpRI(64, e.gpr(ml, rD), int32(at+uint64(size)))
				}
				a.Jcc(asm.CondB, e.trapLabel(abi.TrapMemoryOutOfBounds, v.Pos))
			}
			return asm.M(asm.R14, int32(at))
		}
	}
	if x, scale := ssa.ScaledIndex(v); x != nil && ml == nil && off <= math.MaxInt32 {
		// x << k as the index x scaled by 2^k (ssa.fuseScaledIndexes:
		// no wrap, so the same effective address).
		return asm.MI(asm.R14, e.gpr(x, rC), scale, int32(off))
	}
	ra := e.gpr(addr, rC)
	if v.Aux < 0 && ml == nil {
		// x - c as [x] with displacement -c (foldAddress): x < c faults
		// in the guard below the memory (abi.MemGuardBelow).
		return asm.MI(asm.R14, ra, 1, int32(v.Aux))
	}
	if ml != nil && e.checked[addr] < end {
		e.checked[addr] = end
		if end <= math.MaxInt32 {
			a.Lea(64, rA, asm.M(ra, int32(end)))
		} else {
			a.MovRI(64, rA, int64(end))
			a.AddRR(64, rA, ra)
		}
		if spilled(ml) {
			a.CmpRM(64, rA, slotMem(ml.Loc.Slot))
		} else {
			a.CmpRR(64, rA, e.gpr(ml, rD))
		}
		a.Jcc(asm.CondA, e.trapLabel(abi.TrapMemoryOutOfBounds, v.Pos))
	}
	if off <= math.MaxInt32 {
		return asm.MI(asm.R14, ra, 1, int32(off))
	}
	a.MovRI(64, rD, int64(off))
	a.AddRR(64, rD, ra)
	return asm.MI(asm.R14, rD, 1, 0)
}

func (e *emitter) guardSite(v *ssa.Value) {
	if e.opts.Bounds == object.BoundsGuard {
		e.sites = append(e.sites, isa.Site{Off: int32(e.a.Len()), Code: abi.TrapMemoryOutOfBounds, Pos: v.Pos})
	}
}

func (e *emitter) loadOp(v *ssa.Value) {
	a := e.a
	op := wasm.Opcode(v.Aux2)
	size, _, _ := ssa.ScalarAccess(op)
	m := e.memAccess(v, size)
	var d asm.Reg
	if v.Type.IsFloat() {
		d = e.dst(v, x15)
	} else {
		d = e.dst(v, rA)
	}
	e.guardSite(v)
	switch op {
	case wasm.OpI32Load, wasm.OpI64Load32U:
		a.MovRM(32, d, m)
	case wasm.OpI64Load:
		a.MovRM(64, d, m)
	case wasm.OpF32Load:
		a.MovssRM(d, m)
	case wasm.OpF64Load:
		a.MovsdRM(d, m)
	case wasm.OpI32Load8S:
		a.MovsxRM(32, 8, d, m)
	case wasm.OpI32Load8U, wasm.OpI64Load8U:
		a.MovzxRM(32, 8, d, m)
	case wasm.OpI32Load16S:
		a.MovsxRM(32, 16, d, m)
	case wasm.OpI32Load16U, wasm.OpI64Load16U:
		a.MovzxRM(32, 16, d, m)
	case wasm.OpI64Load8S:
		a.MovsxRM(64, 8, d, m)
	case wasm.OpI64Load16S:
		a.MovsxRM(64, 16, d, m)
	case wasm.OpI64Load32S:
		a.MovsxRM(64, 32, d, m)
	}
	e.finish(v, d)
}

func (e *emitter) storeOp(v *ssa.Value) {
	a := e.a
	op := wasm.Opcode(v.Aux2)
	x := v.Args[1]
	size, _, _ := ssa.ScalarAccess(op)
	m := e.memAccess(v, size)
	if x.Type.IsFloat() {
		r := e.xmm(x, x15)
		e.guardSite(v)
		if size == 4 {
			a.MovssMR(m, r)
		} else {
			a.MovsdMR(m, r)
		}
		return
	}
	if imm, ok := imm32(x); ok && (size < 8 || x.Type == ssa.TI64) {
		e.guardSite(v)
		a.MovMI(size*8, m, imm)
		return
	}
	r := e.heldReg
	if x != e.held {
		r = e.gpr(x, rA)
	}
	e.guardSite(v)
	a.MovMR(size*8, m, r)
}

// saveLive stores the caller-saved registers live across call-like value v
// that are not already in their slots (the allocator lists no callee-saved
// one): values live across a real call are stored once,
// at their definition (see spillAtDef), because an SSA value never changes
// and its slot is its own for its whole range, or at the exits of the loop
// defining them when every call they are live across is outside it
// (exitStores); the others are live only across interrupt checks and are
// saved on their slow path, as are those stored at exits.
func (e *emitter) saveLive(v *ssa.Value) {
	stub := v.Op == ssa.OpInterrupt
	for _, s := range e.ra.Saves[e.pos[v.ID]] {
		if !s.Loc.DefStore && (stub || !s.Loc.ExitStore) {
			e.storeMem(slotMem(s.Loc.Slot), asm.Reg(s.Loc.Reg), s.Type)
		}
	}
}

// spillAtDef stores a register value that lives across calls to its slot
// right after it is defined.
func (e *emitter) spillAtDef(v *ssa.Value) {
	if regalloc.NeedsReg(v) && v.Loc.DefStore {
		e.storeMem(slotMem(v.Loc.Slot), asm.Reg(v.Loc.Reg), v.Type)
	}
}

// exitStores stores the values regalloc stores at the top of b to their
// slots (regalloc.Result.ExitStores).
func (e *emitter) exitStores(b *ssa.Block) {
	for _, v := range e.ra.ExitStores(b) {
		e.storeMem(slotMem(v.Loc.Slot), asm.Reg(v.Loc.Reg), v.Type)
	}
}

func (e *emitter) restoreLive(v *ssa.Value) {
	for _, s := range e.ra.Saves[e.pos[v.ID]] {
		e.loadMem(asm.Reg(s.Loc.Reg), slotMem(s.Loc.Slot), s.Type)
	}
}

func (e *emitter) call(v *ssa.Value) {
	a := e.a
	var ft wasm.FuncType
	args := v.Args
	indirect := v.Op == ssa.OpCallIndirect
	if indirect {
		ft = e.m.Types[v.Aux]
		args = args[:len(args)-1]
	} else {
		ft = e.m.FuncType(uint32(v.Aux))
	}
	params, _ := ssa.ValTypes(ft.Params)
	e.saveLive(v)
	if indirect {
		if x := v.Args[len(v.Args)-1]; x.Op == ssa.OpCallTarget {
			e.load(rC, x) // checked already
		} else {
			e.load(rC, x)
			e.checkCallTarget(rC, v.Aux, v.Aux2, v.Pos)
		}
	}
	regs, sidx, _ := convention(params)
	ms := make([]pmove, 0, len(args))
	for i, x := range args {
		dst := regLoc(regs[i])
		if regs[i] == asm.NoReg {
			dst = memLoc(asm.M(asm.RSP, int32(8*sidx[i])))
		}
		ms = append(ms, e.moveFrom(dst, x))
	}
	e.parallelMove(ms)
	imported := !indirect && uint32(v.Aux) < e.m.NumImportedFuncs
	switch {
	case indirect:
		a.MovRM(64, asm.R15, asm.M(rC, abi.FuncRefVMCtx))
		a.CallM(asm.M(rC, abi.FuncRefCode))
	case imported:
		fr := int32(abi.FuncRefSize * v.Aux)
		a.MovRM(64, rA, asm.M(asm.R15, abi.VMFuncRefs))
		a.MovRM(64, asm.R15, asm.M(rA, fr+abi.FuncRefVMCtx))
		a.CallM(asm.M(rA, fr+abi.FuncRefCode))
	default:
		a.CallRel32(int(v.Aux))
	}
	// Every call's return address is a site, direct calls included, so
	// each caller frame of a backtrace names its call instruction.
	e.sites = append(e.sites, isa.Site{Off: int32(a.Len()), Code: abi.SiteCall, Pos: v.Pos})
	if indirect || imported {
		a.MovRM(64, asm.R15, asm.M(asm.RBP, -8))
		if e.m.NumMems() > 0 {
			a.MovRM(64, asm.R14, asm.M(asm.R15, abi.VMMemBase))
		}
	}
	if !e.hold(v, rA) && v.Type != ssa.TNone && regalloc.NeedsReg(v) {
		e.emitMove(pmove{dst: valLoc(v), src: regLoc(resultReg(v.Type)), t: v.Type})
	}
	e.restoreLive(v)
}

// checkCallTarget replaces the index in rc by the funcref it selects in
// table tbl, trapping at pos unless it is in range, not null and of type
// ty. It uses RAX.
func (e *emitter) checkCallTarget(rc asm.Reg, ty, tbl int64, pos int32) {
	a := e.a
	a.MovRM(64, rA, asm.M(asm.R15, abi.VMTables))
	a.MovRM(64, rA, asm.M(rA, int32(8*tbl)))
	a.CmpRM(64, rc, asm.M(rA, abi.TableDescLen))
	a.Jcc(asm.CondAE, e.trapLabel(abi.TrapUndefinedElement, pos))
	a.MovRM(64, rA, asm.M(rA, abi.TableDescElems))
	a.MovRM(64, rc, asm.MI(rA, rc, 8, 0))
	a.TestRR(64, rc, rc)
	a.Jcc(asm.CondE, e.trapLabel(abi.TrapIndirectCallToNull, pos))
	a.MovRM(64, rA, asm.M(asm.R15, abi.VMTypeIDs))
	a.MovRM(64, rA, asm.M(rA, int32(8*ty)))
	a.CmpRM(64, rA, asm.M(rc, abi.FuncRefTypeID))
	a.Jcc(asm.CondNE, e.trapLabel(abi.TrapBadSignature, pos))
}

// callTarget is a call_indirect's check on its own (ssa.OpCallTarget):
// the same instructions, into the value's register.
func (e *emitter) callTarget(v *ssa.Value) {
	d := e.dst(v, rC)
	e.load(d, v.Args[0])
	e.checkCallTarget(d, v.Aux, v.Aux2, v.Pos)
	e.finish(v, d)
}

// exitCall emits the call to the exit routine with rax, rcx, rdx set, and
// records the call site.
func (e *emitter) exitCall(pos int32) {
	a := e.a
	ret := a.NewLabel()
	a.LeaRIPLabel(rD, ret)
	a.CallRel32(isa.CallExit)
	a.Bind(ret)
	e.sites = append(e.sites, isa.Site{Off: int32(a.Len()), Code: abi.SiteCall, Pos: pos})
	if e.m.NumMems() > 0 {
		a.MovRM(64, asm.R14, asm.M(asm.R15, abi.VMMemBase))
	}
}

func (e *emitter) builtin(v *ssa.Value) {
	a := e.a
	bi := abi.Builtin(v.Aux)
	e.saveLive(v)
	if bi == abi.BuiltinMemoryFill || bi == abi.BuiltinMemoryCopy {
		e.bulkMemory(v, bi)
		e.restoreLive(v)
		return
	}
	n := ssa.BuiltinImms(bi)
	for k := 0; k < n; k++ {
		imm := uint32(v.Aux2 >> (32 * k))
		a.MovRI(64, rA, int64(imm))
		a.MovMR(64, asm.M(asm.RSP, int32(8*k)), rA)
	}
	for i, x := range v.Args {
		e.emitMove(e.moveFrom(memLoc(asm.M(asm.RSP, int32(8*(n+i)))), x))
	}
	a.MovRI(64, rA, int64(abi.ExitBuiltin)|int64(bi)<<8)
	a.MovRR(64, rC, asm.RSP)
	e.exitCall(v.Pos)
	if v.Type != ssa.TNone && regalloc.NeedsReg(v) {
		e.emitMove(pmove{dst: valLoc(v), src: memLoc(asm.M(asm.RSP, 0)), t: v.Type})
	}
	e.restoreLive(v)
}

func (e *emitter) interruptStub(o outOfLine) {
	a := e.a
	a.Bind(o.label)
	e.saveLive(o.v)
	a.MovRI(64, rA, int64(abi.ExitInterrupt))
	a.XorRR(32, rC, rC)
	e.exitCall(o.v.Pos)
	e.restoreLive(o.v)
	a.Jmp(o.back)
}

// bulkRepMin is the length from which a forward memory.copy or a
// memory.fill uses rep movsb / rep stosb: below it the 64-byte SSE loop
// is faster (rep has a start-up cost, measured with a micro-benchmark of
// lengths 100..16384; see the README's run-time section). Only where the
// target has ERMS: on a CPU that does not say it moves fast with rep
// (an EPYC VM), the loops of every length ran strings-bulk in 0.71x the
// CPU time (476 against 670 ms, CPU=1 scripts/native.sh 5).
const bulkRepMin = 2048

// erms says whether long copies and fills may use rep movsb/stosb; asked,
// the code depends on the answer, which the object then records (tuned).
func (e *emitter) erms() bool {
	if e.opts.Features&object.FeatureERMS == 0 {
		return false
	}
	e.tuned |= object.FeatureERMS
	return true
}

// bulkMemory inlines memory.fill and memory.copy after bounds checks
// (which trap before any byte is written). Lengths up to 64 load every
// source byte into registers before storing any (two possibly
// overlapping moves of 1, 2, 4, 8, 16 or 2x16 bytes), so they need no
// direction test. Longer ones move 64 bytes a round with SSE, the
// stores aligned to 16 bytes; the unaligned first and last bytes are
// loaded before the loop and stored after it. A copy whose destination
// starts inside its source runs backwards (backward rep movsb is byte at
// a time on current CPUs); long forward copies and fills use rep
// movsb/stosb. Every caller-saved allocatable register was saved by the
// caller (the op is call-like), so RDI, RSI, R8, R9 and X0-X8 are free;
// the callee-saved RBX, R12, R13 are left alone.
func (e *emitter) bulkMemory(v *ssa.Value, bi abi.Builtin) {
	a := e.a
	oob := e.trapLabel(abi.TrapMemoryOutOfBounds, v.Pos)
	memLen := func() { // after the argument moves: R8 may hold an argument
		a.MovRM(64, asm.R8, asm.M(asm.R15, abi.VMMemDesc))
		a.MovRM(64, asm.R8, asm.M(asm.R8, abi.MemDescLen))
	}
	check := func(r asm.Reg) {
		a.Lea(64, rA, asm.MI(r, rC, 1, 0))
		a.CmpRR(64, rA, asm.R8)
		a.Jcc(asm.CondA, oob)
	}
	done, big, rep := a.NewLabel(), a.NewLabel(), a.NewLabel()
	if bi == abi.BuiltinMemoryFill {
		e.parallelMove([]pmove{
			e.moveFrom(regLoc(asm.RDI), v.Args[0]),
			e.moveFrom(regLoc(rD), v.Args[1]),
			e.moveFrom(regLoc(rC), v.Args[2]),
		})
		memLen()
		check(asm.RDI)
		a.AddRR(64, asm.RDI, asm.R14)
		a.Movzx(32, 8, rA, rD)
		a.MovRI(64, asm.R9, 0x0101010101010101)
		a.ImulRR(64, rA, asm.R9) // the byte in all eight lanes
		a.MovqXR(asm.X0, rA)
		a.V(asm.Punpcklqdq, asm.X0, asm.X0) // and in all sixteen
		a.CmpRI(64, rC, 64)
		a.Jcc(asm.CondA, big)
		e.bulkSmall(done, nil)
		a.Bind(big)
		if e.erms() {
			a.CmpRI(64, rC, bulkRepMin)
			a.Jcc(asm.CondAE, rep)
		}
		// The first 16 and last 64 bytes unaligned, 64-byte rounds in
		// between from the first 16-byte boundary after RDI.
		loop := a.NewLabel()
		a.Lea(64, asm.R9, asm.MI(asm.RDI, rC, 1, -64))
		a.MovupsMR(asm.M(asm.RDI, 0), asm.X0)
		for k := range 4 {
			a.MovupsMR(asm.M(asm.R9, int32(16*k)), asm.X0)
		}
		a.Lea(64, rD, asm.M(asm.RDI, 16))
		a.AndRI(64, rD, -16)
		a.CmpRR(64, rD, asm.R9)
		a.Jcc(asm.CondAE, done)
		a.Bind(loop)
		for k := range 4 {
			a.MovupsMR(asm.M(rD, int32(16*k)), asm.X0)
		}
		a.AddRI(64, rD, 64)
		a.CmpRR(64, rD, asm.R9)
		a.Jcc(asm.CondB, loop)
		if e.erms() {
			a.Jmp(done)
			a.Bind(rep)
			a.RepStosb()
		}
		a.Bind(done)
		return
	}
	e.parallelMove([]pmove{
		e.moveFrom(regLoc(asm.RDI), v.Args[0]),
		e.moveFrom(regLoc(asm.RSI), v.Args[1]),
		e.moveFrom(regLoc(rC), v.Args[2]),
	})
	memLen()
	check(asm.RDI)
	check(asm.RSI)
	a.AddRR(64, asm.RDI, asm.R14)
	a.AddRR(64, asm.RSI, asm.R14)
	a.CmpRI(64, rC, 64)
	a.Jcc(asm.CondA, big)
	e.bulkSmall(done, func(size int, r, r2 asm.Reg, at, at2 asm.Mem) {
		if size == 128 {
			a.MovupsRM(r, at)
			a.MovupsRM(r2, at2)
		} else if size < 32 {
			a.MovzxRM(32, size, r, at)
			a.MovzxRM(32, size, r2, at2)
		} else {
			a.MovRM(size, r, at)
			a.MovRM(size, r2, at2)
		}
	})
	a.Bind(big)
	if e.avx() {
		e.bulkCopyAVX(done, rep)
		return
	}
	e.bulkCopyRounds(rep, done, 16, a.MovupsRM, a.MovupsMR)
	if e.erms() {
		a.Jmp(done)
		a.Bind(rep)
		a.RepMovsb()
	}
	a.Bind(done)
}

// bulkCopyAVX is the part of memory.copy for lengths over 64 (RCX) on a
// host with AVX: 32-byte moves, 128 bytes a round. 16-byte stores top
// out at one a cycle on current cores, half of what 32-byte ones move,
// and four of them a round halve the loop overhead per byte of the SSE
// loops (a C micro-benchmark of such loops: 16 KiB backward 0.55x the
// SSE loop's time, as fast as glibc's AVX-512 memmove). Lengths to 128
// load all their bytes (the first and last 64) before storing any, so
// they need no direction test. Every instruction between the first ymm
// write and the vzeroupper is VEX-encoded, so no SSE instruction meets
// dirty upper halves (a state transition on older Intel cores).
func (e *emitter) bulkCopyAVX(done, rep asm.Label) {
	a := e.a
	long, end := a.NewLabel(), a.NewLabel()
	a.CmpRI(64, rC, 128)
	a.Jcc(asm.CondA, long)
	a.VmovdquYRM(asm.X0, asm.M(asm.RSI, 0))
	a.VmovdquYRM(asm.X1, asm.M(asm.RSI, 32))
	a.VmovdquYRM(asm.X2, asm.MI(asm.RSI, rC, 1, -64))
	a.VmovdquYRM(asm.X3, asm.MI(asm.RSI, rC, 1, -32))
	a.VmovdquYMR(asm.M(asm.RDI, 0), asm.X0)
	a.VmovdquYMR(asm.M(asm.RDI, 32), asm.X1)
	a.VmovdquYMR(asm.MI(asm.RDI, rC, 1, -64), asm.X2)
	a.VmovdquYMR(asm.MI(asm.RDI, rC, 1, -32), asm.X3)
	a.Jmp(end)
	a.Bind(long)
	e.bulkCopyRounds(rep, end, 32, a.VmovdquYRM, a.VmovdquYMR)
	a.Bind(end)
	a.Vzeroupper()
	if e.erms() {
		a.Jmp(done)
		a.Bind(rep)
		a.RepMovsb()
	}
	a.Bind(done)
}

// bulkCopyRounds emits memory.copy for lengths over 4w bytes (RCX) in
// w-byte moves (ld, st: 16 with SSE, 32 with AVX), 4w bytes a round, the
// stores aligned to w. The backward copy jumps to end when done; the
// forward one jumps to rep from bulkRepMin bytes and otherwise falls
// through at its end.
//
// Backward (the destination starts inside the source): RDX counts down
// from the last w-byte boundary of the destination; each round reads its
// 4w bytes before writing them, and later rounds read below earlier
// writes. The first 4w and last w bytes are held in X4-X8 from the start.
//
// Forward: RDX counts up from the first w-byte boundary after the
// destination's first byte to the last 4w bytes; the first w and last 4w
// bytes are held in X8 and X4-X7 from the start, so an overlapping copy
// down reads every byte before any write reaches it.
func (e *emitter) bulkCopyRounds(rep, end asm.Label, w int32, ld func(asm.Reg, asm.Mem), st func(asm.Mem, asm.Reg)) {
	a := e.a
	x := []asm.Reg{asm.X0, asm.X1, asm.X2, asm.X3}
	head := []asm.Reg{asm.X4, asm.X5, asm.X6, asm.X7}
	round := 4 * w
	fwd, loop, last := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.MovRR(64, rA, asm.RDI)
	a.SubRR(64, rA, asm.RSI)
	a.CmpRR(64, rA, rC)
	a.Jcc(asm.CondAE, fwd)
	for k, r := range head {
		ld(r, asm.M(asm.RSI, w*int32(k)))
	}
	ld(asm.X8, asm.MI(asm.RSI, rC, 1, -w))
	a.Lea(64, rD, asm.MI(asm.RDI, rC, 1, 0))
	a.AndRI(64, rD, -w)
	a.SubRR(64, rD, asm.RDI)
	a.CmpRI(64, rD, round)
	a.Jcc(asm.CondBE, last)
	a.Bind(loop)
	a.SubRI(64, rD, round)
	for k, r := range x {
		ld(r, asm.MI(asm.RSI, rD, 1, round-w-w*int32(k)))
	}
	for k, r := range x {
		st(asm.MI(asm.RDI, rD, 1, round-w-w*int32(k)), r)
	}
	a.CmpRI(64, rD, round)
	a.Jcc(asm.CondA, loop)
	a.Bind(last)
	st(asm.MI(asm.RDI, rC, 1, -w), asm.X8)
	for k, r := range head {
		st(asm.M(asm.RDI, w*int32(k)), r)
	}
	a.Jmp(end)

	a.Bind(fwd)
	if e.erms() {
		a.CmpRI(64, rC, bulkRepMin)
		a.Jcc(asm.CondAE, rep)
	}
	loop, last = a.NewLabel(), a.NewLabel()
	a.Lea(64, asm.R9, asm.M(rC, -round))
	for k, r := range head {
		ld(r, asm.MI(asm.RSI, asm.R9, 1, w*int32(k)))
	}
	ld(asm.X8, asm.M(asm.RSI, 0))
	a.Lea(64, rD, asm.M(asm.RDI, w))
	a.AndRI(64, rD, -w)
	a.SubRR(64, rD, asm.RDI)
	a.CmpRR(64, rD, asm.R9)
	a.Jcc(asm.CondAE, last)
	a.Bind(loop)
	for k, r := range x {
		ld(r, asm.MI(asm.RSI, rD, 1, w*int32(k)))
	}
	for k, r := range x {
		st(asm.MI(asm.RDI, rD, 1, w*int32(k)), r)
	}
	a.AddRI(64, rD, round)
	a.CmpRR(64, rD, asm.R9)
	a.Jcc(asm.CondB, loop)
	a.Bind(last)
	for k, r := range head {
		st(asm.MI(asm.RDI, asm.R9, 1, w*int32(k)), r)
	}
	st(asm.M(asm.RDI, 0), asm.X8)
}

// bulkSmall emits the moves of a memory.copy or memory.fill of at most
// 64 bytes (RCX) at RDI, from RSI or of the pattern in RAX and X0: for
// each width w in 32, 16, 8, 4, 2 (bytes), a length in [w, 2w) is moved
// as the first w and the last w bytes (2x16 for 32), every load before
// any store; then one byte. load (nil for a fill, which stores RAX or
// X0) reads two operands of size bits (128: an XMM register) into the
// given registers.
func (e *emitter) bulkSmall(done asm.Label, load func(size int, r, r2 asm.Reg, at, at2 asm.Mem)) {
	a := e.a
	fill := load == nil
	if fill {
		load = func(int, asm.Reg, asm.Reg, asm.Mem, asm.Mem) {}
	}
	end := func(off int32) asm.Mem { return asm.MI(asm.RSI, rC, 1, off) }
	dend := func(off int32) asm.Mem { return asm.MI(asm.RDI, rC, 1, off) }
	for _, w := range []int32{32, 16, 8, 4, 2} {
		next := a.NewLabel()
		a.CmpRI(64, rC, w)
		a.Jcc(asm.CondB, next)
		switch w {
		case 32:
			load(128, asm.X0, asm.X1, asm.M(asm.RSI, 0), asm.M(asm.RSI, 16))
			load(128, asm.X2, asm.X3, end(-32), end(-16))
			if fill {
				a.MovupsMR(asm.M(asm.RDI, 0), asm.X0)
				a.MovupsMR(asm.M(asm.RDI, 16), asm.X0)
				a.MovupsMR(dend(-32), asm.X0)
				a.MovupsMR(dend(-16), asm.X0)
			} else {
				a.MovupsMR(asm.M(asm.RDI, 0), asm.X0)
				a.MovupsMR(asm.M(asm.RDI, 16), asm.X1)
				a.MovupsMR(dend(-32), asm.X2)
				a.MovupsMR(dend(-16), asm.X3)
			}
		case 16:
			load(128, asm.X0, asm.X1, asm.M(asm.RSI, 0), end(-16))
			a.MovupsMR(asm.M(asm.RDI, 0), asm.X0)
			if fill {
				a.MovupsMR(dend(-16), asm.X0)
			} else {
				a.MovupsMR(dend(-16), asm.X1)
			}
		default:
			bits := int(w) * 8
			load(bits, rA, rD, asm.M(asm.RSI, 0), end(-w))
			a.MovMR(bits, asm.M(asm.RDI, 0), rA)
			if fill {
				a.MovMR(bits, dend(-w), rA)
			} else {
				a.MovMR(bits, dend(-w), rD)
			}
		}
		a.Jmp(done)
		a.Bind(next)
	}
	a.TestRR(64, rC, rC)
	a.Jcc(asm.CondE, done)
	if !fill {
		a.MovzxRM(32, 8, rA, asm.M(asm.RSI, 0))
	}
	a.MovMR(8, asm.M(asm.RDI, 0), rA)
	a.Jmp(done)
}
