package amd64

import (
	"fmt"
	"math"
	"sync"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// aluOps and shiftOps are arrays, not maps: the linker lays them out, so
// linking the compiler costs no start-up work.
var aluOps = [ssa.OpCount]asm.ALUOp{ssa.OpAdd: asm.ALUAdd, ssa.OpSub: asm.ALUSub, ssa.OpAnd: asm.ALUAnd, ssa.OpOr: asm.ALUOr, ssa.OpXor: asm.ALUXor}

var shiftOps = [ssa.OpCount]asm.ShiftOp{ssa.OpShl: asm.ShiftShl, ssa.OpShrS: asm.ShiftSar, ssa.OpShrU: asm.ShiftShr, ssa.OpRotl: asm.ShiftRol, ssa.OpRotr: asm.ShiftRor}

func (e *emitter) op(v *ssa.Value) error {
	if e.isSIMD(v) {
		return e.simd(v)
	}
	if l := lowerings[v.Op]; l != nil {
		l(e, v)
		return nil
	}
	return fmt.Errorf("codegen: no lowering for %s", v.Op)
}

// lowerings maps each non-SIMD op to its lowering. It is filled on first
// use (emitFunc), not in its declaration, which would be an
// initialization cycle (the lowerings reach op again), nor in an init
// function: running a compiled module must not initialise the compiler.
var (
	lowerings     [ssa.OpCount]func(e *emitter, v *ssa.Value)
	loweringsOnce sync.Once
)

func initLowerings() {
	lowerings[ssa.OpAdd] = (*emitter).alu
	lowerings[ssa.OpSub] = (*emitter).alu
	lowerings[ssa.OpAnd] = (*emitter).alu
	lowerings[ssa.OpOr] = (*emitter).alu
	lowerings[ssa.OpXor] = (*emitter).alu
	lowerings[ssa.OpMul] = (*emitter).mul
	lowerings[ssa.OpShl] = (*emitter).shiftOp
	lowerings[ssa.OpShrS] = (*emitter).shiftOp
	lowerings[ssa.OpShrU] = (*emitter).shiftOp
	lowerings[ssa.OpRotl] = (*emitter).shiftOp
	lowerings[ssa.OpRotr] = (*emitter).shiftOp
	lowerings[ssa.OpDivS] = (*emitter).div
	lowerings[ssa.OpDivU] = (*emitter).div
	lowerings[ssa.OpRemS] = (*emitter).div
	lowerings[ssa.OpRemU] = (*emitter).div
	lowerings[ssa.OpClz] = (*emitter).bitCount
	lowerings[ssa.OpCtz] = (*emitter).bitCount
	lowerings[ssa.OpPopcnt] = (*emitter).bitCount
	lowerings[ssa.OpEqz] = (*emitter).intCompare
	lowerings[ssa.OpEq] = (*emitter).intCompare
	lowerings[ssa.OpNe] = (*emitter).intCompare
	lowerings[ssa.OpLtS] = (*emitter).intCompare
	lowerings[ssa.OpLtU] = (*emitter).intCompare
	lowerings[ssa.OpGtS] = (*emitter).intCompare
	lowerings[ssa.OpGtU] = (*emitter).intCompare
	lowerings[ssa.OpLeS] = (*emitter).intCompare
	lowerings[ssa.OpLeU] = (*emitter).intCompare
	lowerings[ssa.OpGeS] = (*emitter).intCompare
	lowerings[ssa.OpGeU] = (*emitter).intCompare
	lowerings[ssa.OpFEq] = (*emitter).floatCompare
	lowerings[ssa.OpFNe] = (*emitter).floatCompare
	lowerings[ssa.OpFLt] = (*emitter).floatCompare
	lowerings[ssa.OpFGt] = (*emitter).floatCompare
	lowerings[ssa.OpFLe] = (*emitter).floatCompare
	lowerings[ssa.OpFGe] = (*emitter).floatCompare
	lowerings[ssa.OpFAdd] = (*emitter).floatBin
	lowerings[ssa.OpFSub] = (*emitter).floatBin
	lowerings[ssa.OpFMul] = (*emitter).floatBin
	lowerings[ssa.OpFDiv] = (*emitter).floatBin
	lowerings[ssa.OpFMin] = (*emitter).minMax
	lowerings[ssa.OpFMax] = (*emitter).minMax
	lowerings[ssa.OpFCopysign] = (*emitter).signOp
	lowerings[ssa.OpFAbs] = (*emitter).signOp
	lowerings[ssa.OpFNeg] = (*emitter).signOp
	lowerings[ssa.OpFCeil] = (*emitter).floatUnary
	lowerings[ssa.OpFFloor] = (*emitter).floatUnary
	lowerings[ssa.OpFTrunc] = (*emitter).floatUnary
	lowerings[ssa.OpFNearest] = (*emitter).floatUnary
	lowerings[ssa.OpFSqrt] = (*emitter).floatUnary
	lowerings[ssa.OpWrap] = (*emitter).wrap
	lowerings[ssa.OpExtendU] = (*emitter).wrap
	lowerings[ssa.OpExtendS] = (*emitter).extendS
	lowerings[ssa.OpExtend8S] = (*emitter).extendS
	lowerings[ssa.OpExtend16S] = (*emitter).extendS
	lowerings[ssa.OpExtend32S] = (*emitter).extendS
	lowerings[ssa.OpReinterpret] = (*emitter).reinterpret
	lowerings[ssa.OpPromote] = (*emitter).promoteDemote
	lowerings[ssa.OpDemote] = (*emitter).promoteDemote
	lowerings[ssa.OpConvertS] = (*emitter).convert
	lowerings[ssa.OpConvertU] = (*emitter).convert
	lowerings[ssa.OpTruncS] = (*emitter).trunc
	lowerings[ssa.OpTruncU] = (*emitter).trunc
	lowerings[ssa.OpTruncSatS] = (*emitter).trunc
	lowerings[ssa.OpTruncSatU] = (*emitter).trunc
	lowerings[ssa.OpSelect] = (*emitter).sel
	lowerings[ssa.OpLoad] = (*emitter).loadOp
	lowerings[ssa.OpStore] = (*emitter).storeOp
	lowerings[ssa.OpMemLen] = (*emitter).memLen
	lowerings[ssa.OpGlobalAddr] = (*emitter).globalAddr
	lowerings[ssa.OpGlobalGet] = (*emitter).globalGet
	lowerings[ssa.OpGlobalSet] = (*emitter).globalSet
	lowerings[ssa.OpRefFunc] = (*emitter).refFunc
	lowerings[ssa.OpTableSize] = (*emitter).tableSize
	lowerings[ssa.OpTableGet] = (*emitter).tableAccess
	lowerings[ssa.OpTableSet] = (*emitter).tableAccess
	lowerings[ssa.OpCall] = (*emitter).call
	lowerings[ssa.OpCallIndirect] = (*emitter).call
	lowerings[ssa.OpCallTarget] = (*emitter).callTarget
	lowerings[ssa.OpBswap] = (*emitter).bswap
	lowerings[ssa.OpMulHiU] = (*emitter).mulHi
	lowerings[ssa.OpMulHiS] = (*emitter).mulHi
	lowerings[ssa.OpResult] = (*emitter).callResult
	lowerings[ssa.OpBuiltin] = (*emitter).builtin
	lowerings[ssa.OpInterrupt] = (*emitter).interrupt
	lowerings[ssa.OpFuel] = (*emitter).fuelCharge
}

func (e *emitter) bswap(v *ssa.Value) {
	d := e.dst(v, rA)
	e.load(d, v.Args[0])
	e.a.Bswap(v.Type.Size(), d)
	e.finish(v, d)
}

func (e *emitter) bitCount(v *ssa.Value) {
	a := e.a
	x := v.Args[0]
	sz := v.Type.Size()
	d := e.dst(v, rA)
	rx := e.gpr(x, rC)
	feat := e.opts.Features
	switch {
	case v.Op == ssa.OpClz && feat&object.FeatureLZCNT != 0:
		a.LzcntRR(sz, d, rx)
	case v.Op == ssa.OpClz:
		// clz = (sz-1) - bsr(x), and sz for 0: (2sz-1) xor (sz-1) = sz.
		l := a.NewLabel()
		a.BsrRR(sz, d, rx)
		a.Jcc(asm.CondNE, l)
		a.MovRI(32, d, int64(2*sz-1))
		a.Bind(l)
		a.XorRI(32, d, int32(sz-1))
	case v.Op == ssa.OpCtz && feat&object.FeatureBMI1 != 0:
		a.TzcntRR(sz, d, rx)
	case v.Op == ssa.OpCtz:
		l := a.NewLabel()
		a.BsfRR(sz, d, rx)
		a.Jcc(asm.CondNE, l)
		a.MovRI(32, d, int64(sz))
		a.Bind(l)
	case feat&object.FeaturePOPCNT != 0:
		a.PopcntRR(sz, d, rx)
	default:
		e.popcountSWAR(d, rx)
	}
	e.finish(v, d)
}

func (e *emitter) intCompare(v *ssa.Value) {
	a := e.a
	var cond asm.Cond
	zero := false
	if e.sameCompare(v) {
		// (a > b) - (a < b), the C comparator idiom: the flags of the
		// first comparison's cmp answer the second too.
		cond = intConds[v.Op]
	} else {
		zero = e.zeroFirst(v)
		cond = e.compare(v)
	}
	if v.Op != ssa.OpEqz {
		e.cmpFlags = v
	}
	d := e.dst(v, rA)
	a.Setcc(cond, d)
	if !zero {
		a.Movzx(32, 8, d, d)
	}
	e.finish(v, d)
	e.boolFlags, e.boolCond = v, cond
}

// zeroFirst zeroes the register of comparison v before its compare when
// the compare leaves that register alone, as compilers do (xor d, d; cmp;
// setcc d): the setcc then writes the low byte of a zero, with no movzx
// after it, and the xor is a zeroing idiom the processor breaks the
// dependency on. It reports whether it did. Never when the compare reads
// the register: an operand's, or one an operand fused into the compare
// reads (a load's address or memory length, an and of a test). RAX (the
// scratch of a spilled v) and RDX only when every operand is in a
// register or a second operand an immediate: the compare loads spilled
// operands and constants into RAX, a fused load's bounds check uses both.
// RCX is the second operand's scratch.
func (e *emitter) zeroFirst(v *ssa.Value) bool {
	d := e.dst(v, rA)
	if d == rC || readsReg(v, d) {
		return false
	}
	if d == rA || d == rD {
		for i, x := range v.Args {
			_, imm := imm32(x)
			if x.Fused || spilled(x) || x.Op == ssa.OpConst && (i == 0 || !imm || x.Type.IsFloat()) {
				return false
			}
		}
	}
	e.a.XorRR(32, d, d)
	return true
}

// readsReg reports whether an operand of v, or of an operand fused into
// it (transitively), is in register r.
func readsReg(v *ssa.Value, r asm.Reg) bool {
	for _, x := range v.Args {
		if isReg(x, r) || x.Fused && readsReg(x, r) {
			return true
		}
	}
	return false
}

// sameCompare reports whether the value emitted just before v, in v's
// block with only constants between, is an integer comparison of the same
// operands that intCompare materialized: its cmp's flags still hold.
func (e *emitter) sameCompare(v *ssa.Value) bool {
	p := e.prevCmp
	if p == nil || v.Op == ssa.OpEqz || p.Block != v.Block || v.Block == nil ||
		p.Args[0] != v.Args[0] || p.Args[1] != v.Args[1] {
		return false
	}
	vs := v.Block.Values
	for i := len(vs) - 1; i > 0; i-- {
		if vs[i] != v {
			continue
		}
		j := i - 1
		for j > 0 && vs[j].Op == ssa.OpConst {
			j--
		}
		return vs[j] == p
	}
	return false
}

func (e *emitter) floatCompare(v *ssa.Value) {
	a := e.a
	zero := e.zeroFirst(v)
	cond := e.compare(v)
	d := e.dst(v, rA)
	switch v.Op {
	case ssa.OpFEq:
		a.Setcc(asm.CondE, d)
		a.Setcc(asm.CondNP, rC)
		a.AndRR(8, d, rC)
	case ssa.OpFNe:
		a.Setcc(asm.CondNE, d)
		a.Setcc(asm.CondP, rC)
		a.OrRR(8, d, rC)
	default:
		a.Setcc(cond, d)
	}
	if !zero {
		a.Movzx(32, 8, d, d)
	}
	e.finish(v, d)
	// and/or of the two setccs leave ZF clear exactly when v holds.
	if v.Op == ssa.OpFEq || v.Op == ssa.OpFNe {
		cond = asm.CondNE
	}
	e.boolFlags, e.boolCond = v, cond
}

func (e *emitter) wrap(v *ssa.Value) {
	a := e.a
	d := e.dst(v, rA)
	x := v.Args[0]
	if spilled(x) {
		e.loadLow32(d, slotMem(x.Loc.Slot))
	} else if x.Op == ssa.OpConst {
		a.MovRI(64, d, int64(uint32(x.Aux)))
	} else if v.Op == ssa.OpExtendU && isReg(x, d) {
		// An i32 in a register has its upper half zero (every i32 is
		// written by a 32-bit operation or move, see emitMove): in
		// x's own register it is already its zero extension. Go's
		// booleans, i64.extend_i32_u of a comparison, were a
		// setcc, movzx and this mov.
	} else if v.Op == ssa.OpWrap && isReg(x, d) && (upperZero(x) || e.wrapsNarrowed(v)) {
		// The i64 in d is its own wrap: its upper half is zero (the
		// high word of a 64-bit product, x >> 32 in printf's
		// arithmetic).
	} else {
		a.MovRR(32, d, asm.Reg(x.Loc.Reg))
	}
	e.finish(v, d)
}

// upperZero reports whether i64 value x has its upper 32 bits zero by
// its operation: an unsigned shift right by 32 to 63, a zero extension,
// an and with a mask below 2^32, a bit count, a zero-extending load of
// at most 4 bytes (loadOp writes it with a 32-bit mov or movzx).
func upperZero(x *ssa.Value) bool {
	if x.Type != ssa.TI64 || x.Fused {
		return false
	}
	switch x.Op {
	case ssa.OpShrU:
		k := x.Args[1]
		return k.Op == ssa.OpConst && k.Aux&63 >= 32
	case ssa.OpExtendU, ssa.OpClz, ssa.OpCtz, ssa.OpPopcnt:
		return true
	case ssa.OpLoad:
		switch wasm.Opcode(x.Aux2) {
		case wasm.OpI64Load8U, wasm.OpI64Load16U, wasm.OpI64Load32U:
			return true
		}
	case ssa.OpAnd:
		for _, m := range x.Args {
			if m.Op == ssa.OpConst && uint64(m.Aux) <= math.MaxUint32 {
				return true
			}
		}
	}
	return false
}

func (e *emitter) extendS(v *ssa.Value) {
	a := e.a
	src := 32
	switch v.Op {
	case ssa.OpExtend8S:
		src = 8
	case ssa.OpExtend16S:
		src = 16
	}
	d := e.dst(v, rA)
	x := e.gpr(v.Args[0], rC)
	a.Movsx(v.Type.Size(), src, d, x)
	e.finish(v, d)
}

func (e *emitter) reinterpret(v *ssa.Value) {
	a := e.a
	x := v.Args[0]
	if v.Type.IsFloat() {
		d := e.dst(v, x15)
		if spilled(x) {
			e.loadMem(d, slotMem(x.Loc.Slot), v.Type)
		} else {
			r := e.gpr(x, rA)
			e.emitMove(pmove{dst: regLoc(d), src: regLoc(r), t: v.Type})
		}
		e.finish(v, d)
	} else {
		d := e.dst(v, rA)
		if spilled(x) {
			a.MovRM(memSize(v.Type), d, slotMem(x.Loc.Slot))
		} else if x.Op == ssa.OpConst {
			a.MovRI(64, d, x.Aux)
		} else {
			e.emitMove(pmove{dst: regLoc(d), src: regLoc(asm.Reg(x.Loc.Reg)), t: v.Type})
		}
		e.finish(v, d)
	}
}

func (e *emitter) promoteDemote(v *ssa.Value) {
	a := e.a
	d := e.dst(v, x15)
	x := e.xmm(v.Args[0], x14)
	if e.avx() {
		a.VfloatRRR(asm.FCvt, v.Args[0].Type.Size(), d, x, x)
		e.finish(v, d)
		return
	}
	e.breakDep(d, x)
	if v.Op == ssa.OpPromote {
		a.Cvtss2sdRR(d, x)
	} else {
		a.Cvtsd2ssRR(d, x)
	}
	e.finish(v, d)
}

// breakDep zeroes d before an SSE scalar instruction that writes only
// d's low element (sqrtsd, roundsd, cvtss2sd, cvtsi2sd, ...): such an
// instruction also waits for d's last writer, a dependency the program
// does not have, which in a loop can chain one iteration's divide or
// square root to the next one's. xorps d, d is a zeroing idiom, done at
// register renaming. Nothing to do when d is also the source.
func (e *emitter) breakDep(d, src asm.Reg) {
	if d != src {
		e.a.XorpsRR(d, d)
	}
}

func (e *emitter) memLen(v *ssa.Value) {
	a := e.a
	d := e.dst(v, rA)
	a.MovRM(64, d, asm.M(asm.R15, abi.VMMemDesc))
	a.MovRM(64, d, asm.M(d, abi.MemDescLen))
	e.finish(v, d)
}

func (e *emitter) globalAddr(v *ssa.Value) {
	a := e.a
	d := e.dst(v, rA)
	a.MovRM(64, d, asm.M(asm.R15, abi.VMGlobals))
	a.MovRM(64, d, asm.M(d, int32(8*v.Aux)))
	e.finish(v, d)
}

func (e *emitter) globalGet(v *ssa.Value) {
	cell := e.gpr(v.Args[0], rA)
	var d asm.Reg
	if v.Type.IsFloat() {
		d = e.dst(v, x15)
	} else {
		d = e.dst(v, rC)
	}
	e.loadMem(d, asm.M(cell, 0), v.Type)
	e.finish(v, d)
}

func (e *emitter) globalSet(v *ssa.Value) {
	a := e.a
	x := v.Args[0]
	cell := e.gpr(v.Args[1], rA)
	if x.Type.IsFloat() {
		e.storeMem(asm.M(cell, 0), e.xmm(x, x15), x.Type)
	} else {
		r := e.gpr(x, rC)
		a.MovMR(memSize(x.Type), asm.M(cell, 0), r)
	}
}

func (e *emitter) refFunc(v *ssa.Value) {
	a := e.a
	d := e.dst(v, rA)
	a.MovRM(64, d, asm.M(asm.R15, abi.VMFuncRefs))
	a.Lea(64, d, asm.M(d, int32(abi.FuncRefSize*v.Aux)))
	e.finish(v, d)
}

func (e *emitter) tableSize(v *ssa.Value) {
	a := e.a
	d := e.dst(v, rA)
	a.MovRM(64, d, asm.M(asm.R15, abi.VMTables))
	a.MovRM(64, d, asm.M(d, int32(8*v.Aux)))
	a.MovRM(32, d, asm.M(d, abi.TableDescLen))
	e.finish(v, d)
}

func (e *emitter) tableAccess(v *ssa.Value) {
	a := e.a
	idx := e.gpr(v.Args[0], rC)
	a.MovRM(64, rA, asm.M(asm.R15, abi.VMTables))
	a.MovRM(64, rA, asm.M(rA, int32(8*v.Aux)))
	a.CmpRM(64, idx, asm.M(rA, abi.TableDescLen))
	a.Jcc(asm.CondAE, e.trapLabel(abi.TrapTableOutOfBounds, v.Pos))
	a.MovRM(64, rA, asm.M(rA, abi.TableDescElems))
	if v.Op == ssa.OpTableGet {
		d := e.dst(v, rD)
		a.MovRM(64, d, asm.MI(rA, idx, 8, 0))
		e.finish(v, d)
	} else {
		r := e.gpr(v.Args[1], rD)
		a.MovMR(64, asm.MI(rA, idx, 8, 0), r)
	}
}

func (e *emitter) callResult(v *ssa.Value) {
	call := v.Args[0]
	var p []ssa.Type
	if call.Op == ssa.OpCall {
		p, _ = ssa.ValTypes(e.m.FuncType(uint32(call.Aux)).Params)
	} else {
		p, _ = ssa.ValTypes(e.m.Types[call.Aux].Params)
	}
	_, _, nStack := convention(p)
	off := resultSlot(nStack, callResults(e.m, call), int(v.Aux))
	e.emitMove(pmove{dst: valLoc(v), src: memLoc(asm.M(asm.RSP, int32(8*off))), t: v.Type})
}

func (e *emitter) interrupt(v *ssa.Value) {
	a := e.a
	l, back := a.NewLabel(), a.NewLabel()
	if e.opts.Fuel {
		e.fuelCheck(v, l)
	}
	a.CmpMI(32, asm.M(asm.R15, abi.VMInterrupt), 0)
	a.Jcc(asm.CondNE, l)
	a.Bind(back)
	e.ool = append(e.ool, outOfLine{l, back, v})
}

// intBin emits a two-address ALU operation d = x op y.
func (e *emitter) intBin(v *ssa.Value, op asm.ALUOp) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	if l, other := fusedLoad(v); l != nil {
		e.intBinLoad(v, l, other, op)
		return
	}
	sz := v.Type.Size()
	narrow := e.narrowed(v)
	if narrow {
		sz = 32
	}
	d := e.dst(v, rA)
	if v.Op == ssa.OpAdd && (x.Fused || y.Fused) {
		// x + (i << k) from fuseScaledAdds, x = z + c fused too: the
		// lea's displacement.
		if x.Fused && x.Op == ssa.OpShl {
			x, y = y, x
		}
		var disp int32
		if x.Fused {
			z, c := x.Args[0], x.Args[1]
			if z.Op == ssa.OpConst {
				z, c = c, z
			}
			disp, _ = imm32(c)
			x = z
		}
		ri := e.gpr(y.Args[0], rC)
		k := y.Args[1].Aux & int64(v.Type.Size()-1)
		if x.Op == ssa.OpConst {
			// c + (i << k): no base (its encoding takes a 32-bit
			// displacement), or for k = 1 the index as base too, i + i.
			disp, _ = imm32(x)
			if k == 1 {
				a.Lea(sz, d, asm.MI(ri, ri, 1, disp))
			} else {
				a.Lea(sz, d, asm.MI(asm.NoReg, ri, uint8(1)<<k, disp))
			}
			e.finish(v, d)
			return
		}
		rx := e.gpr(x, rA)
		a.Lea(sz, d, asm.MI(rx, ri, uint8(1)<<k, disp))
		e.finish(v, d)
		return
	}
	if v.Op == ssa.OpAnd && (x.Fused || y.Fused) {
		e.andNot(v)
		return
	}
	// Three-address add (and subtraction of a constant, x + -c) through
	// lea when the result has its own register: no copy of x first.
	if (v.Op == ssa.OpAdd || v.Op == ssa.OpSub) && v.Loc.InReg() && x.Loc.InReg() && x.Op != ssa.OpConst && asm.Reg(x.Loc.Reg) != d && !spilled(y) {
		if imm, ok := imm32(y); ok && (v.Op == ssa.OpAdd || imm != math.MinInt32) {
			if v.Op == ssa.OpSub {
				imm = -imm
			}
			a.Lea(sz, d, asm.M(asm.Reg(x.Loc.Reg), imm))
			return
		}
		if v.Op == ssa.OpAdd && y.Op != ssa.OpConst {
			a.Lea(sz, d, asm.MI(asm.Reg(x.Loc.Reg), asm.Reg(y.Loc.Reg), 1, 0))
			return
		}
	}
	if v.Op == ssa.OpAnd && e.zeroExtend(v, d) {
		return
	}
	if isReg(y, d) && !isReg(x, d) {
		if ssa.OpInfos[v.Op].Commutative {
			x, y = y, x
		} else {
			a.MovRR(64, rC, d)
			e.load(d, x)
			a.AluRR(op, sz, d, rC)
			e.finish(v, d)
			return
		}
	}
	e.load(d, x)
	if imm, ok := imm32(y); ok && imm == 0 && op != asm.ALUAnd && !narrow {
		e.finish(v, d) // x + 0, x - 0, x | 0, x ^ 0
		return
	}
	e.aluSrc(op, sz, d, y)
	e.finish(v, d)
	if op != asm.ALUCmp {
		e.flagsFor = v // ZF says whether v is zero until the next instruction
	}
}

// zeroExtend emits x & 0xff, x & 0xffff and (i64) x & 0xffffffff as one
// movzx (or 32-bit mov) from x's location into d, when x is not in d
// already: an and would need a copy of x first. (In d, the and is as
// short and also leaves ZF for a branch on the result.)
func (e *emitter) zeroExtend(v *ssa.Value, d asm.Reg) bool {
	x, y := v.Args[0], v.Args[1]
	if x.Op == ssa.OpConst {
		x, y = y, x
	}
	if y.Op != ssa.OpConst || x.Op == ssa.OpConst {
		return false
	}
	if isReg(x, d) {
		// In d, the and is as short as a movzx and leaves ZF for a
		// branch on the result; but i64 x & 0xffffffff has no imm32
		// form (it would load the mask first): mov r32, r32.
		if v.Type != ssa.TI64 || uint64(y.Aux) != 0xffffffff {
			return false
		}
		e.a.MovRR(32, d, d)
		return true
	}
	mask := uint64(y.Aux)
	if v.Type == ssa.TI32 {
		mask = uint64(uint32(mask))
	}
	var w int
	switch mask {
	case 0xff:
		w = 8
	case 0xffff:
		w = 16
	case 0xffffffff:
		w = 32
	default:
		return false
	}
	switch {
	case !spilled(x) && w == 32:
		e.a.MovRR(32, d, asm.Reg(x.Loc.Reg))
	case !spilled(x):
		e.a.Movzx(32, w, d, asm.Reg(x.Loc.Reg))
	case w == 32:
		e.loadLow32(d, slotMem(x.Loc.Slot))
	default:
		e.a.MovzxRM(32, w, d, slotMem(x.Loc.Slot))
	}
	e.finish(v, d)
	return true
}

// andNot emits x & ^n for an and whose operand ^n (n xor all ones) was
// fused into it (fuseAndNot): one andn with BMI1, else a not and an and.
// Either way ZF then says whether the result is zero.
func (e *emitter) andNot(v *ssa.Value) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	if x.Fused {
		x, y = y, x
	}
	n := y.Args[0]
	sz := v.Type.Size()
	d := e.dst(v, rA)
	switch {
	case e.opts.Features&object.FeatureBMI1 != 0:
		rn := e.gpr(n, rC)
		if spilled(x) {
			a.AndnRM(sz, d, rn, slotMem(x.Loc.Slot))
		} else {
			a.AndnRR(sz, d, rn, asm.Reg(x.Loc.Reg))
		}
	case isReg(x, d):
		e.load(rC, n)
		a.NotR(sz, rC)
		a.AluRR(asm.ALUAnd, sz, d, rC)
	default:
		e.load(d, n)
		a.NotR(sz, d)
		e.aluSrc(asm.ALUAnd, sz, d, x)
	}
	e.finish(v, d)
	e.flagsFor = v
}

func (e *emitter) aluSrc(op asm.ALUOp, sz int, d asm.Reg, y *ssa.Value) {
	a := e.a
	if imm, ok := imm32(y); ok {
		a.AluRI(op, sz, d, imm)
	} else if spilled(y) {
		a.AluRM(op, sz, d, slotMem(y.Loc.Slot))
	} else {
		a.AluRR(op, sz, d, e.gpr(y, rC))
	}
}

func (e *emitter) mul(v *ssa.Value) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	if l, other := fusedLoad(v); l != nil {
		e.intBinLoad(v, l, other, 0)
		return
	}
	if x.Op == ssa.OpConst {
		x, y = y, x
	}
	sz := v.Type.Size()
	if e.narrowed(v) {
		sz = 32
	}
	d := e.dst(v, rA)
	if imm, ok := imm32(y); ok {
		a.ImulRRI(sz, d, e.gpr(x, rC), imm)
		e.finish(v, d)
		return
	}
	if isReg(y, d) && !isReg(x, d) {
		x, y = y, x
	}
	e.load(d, x)
	if spilled(y) {
		a.ImulRM(sz, d, slotMem(y.Loc.Slot))
	} else {
		a.ImulRR(sz, d, e.gpr(y, rC))
	}
	e.finish(v, d)
}

func (e *emitter) shift(v *ssa.Value, op asm.ShiftOp) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	sz := v.Type.Size()
	d := e.dst(v, rA)
	if y.Op == ssa.OpConst {
		n := uint8(y.Aux) & uint8(sz-1)
		if (op == asm.ShiftRol || op == asm.ShiftRor) && n != 0 && x.Op != ssa.OpConst && !isReg(x, d) &&
			e.opts.Features&object.FeatureBMI2 != 0 {
			// BMI2's rorx rotates into d without copying x there first
			// (SHA-2's sigma functions rotate one word three ways).
			if op == asm.ShiftRol {
				n = uint8(sz) - n
			}
			if spilled(x) {
				a.RorxRMI(sz, d, slotMem(x.Loc.Slot), n)
			} else {
				a.RorxRRI(sz, d, asm.Reg(x.Loc.Reg), n)
			}
			e.finish(v, d)
			return
		}
		e.load(d, x)
		if n != 0 {
			a.ShiftRI(op, sz, d, n)
		}
		e.finish(v, d)
		return
	}
	if op != asm.ShiftRol && op != asm.ShiftRor && e.opts.Features&object.FeatureBMI2 != 0 {
		// BMI2's shlx, shrx and sarx take the count from any register
		// and write a register other than the value's: no copy of the
		// count to RCX, none of x to d (zstd's and brotli's bit readers
		// shift by a variable on every symbol).
		rn := e.gpr(y, rC)
		switch {
		case x.Op == ssa.OpConst && rn != rC:
			// 1 << n: the constant in RCX, whatever register v took
			// (y's, when n dies here).
			e.load(rC, x)
			a.ShiftxRRR(op, sz, d, rC, rn)
		case x.Op == ssa.OpConst:
			e.load(d, x)
			a.ShiftxRRR(op, sz, d, d, rn)
		case spilled(x):
			a.ShiftxRMR(op, sz, d, slotMem(x.Loc.Slot), rn)
		default:
			a.ShiftxRRR(op, sz, d, asm.Reg(x.Loc.Reg), rn)
		}
		e.finish(v, d)
		return
	}
	e.load(rC, y)
	e.load(d, x)
	a.ShiftCL(op, sz, d)
	e.finish(v, d)
}

func (e *emitter) div(v *ssa.Value) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	sz := v.Type.Size()
	signed := v.Op == ssa.OpDivS || v.Op == ssa.OpRemS
	rem := v.Op == ssa.OpRemS || v.Op == ssa.OpRemU
	ry := e.raxOperands(x, y)
	done := a.NewLabel()
	yc := y.Op == ssa.OpConst
	var cy int64
	if yc {
		cy = y.Aux
		if sz == 32 {
			cy = int64(int32(uint32(cy)))
		}
	}
	if yc && cy == 0 || !yc && !nonZero(y) {
		a.TestRR(sz, ry, ry)
		a.Jcc(asm.CondE, e.trapLabel(abi.TrapIntegerDivideByZero, v.Pos))
	}
	if signed {
		if !yc || cy == -1 {
			normal := a.NewLabel()
			a.CmpRI(sz, ry, -1)
			a.Jcc(asm.CondNE, normal)
			if rem {
				a.XorRR(32, rD, rD)
				a.Jmp(done)
			} else {
				if sz == 32 {
					a.CmpRI(32, rA, math.MinInt32)
				} else {
					a.MovRI(64, rD, math.MinInt64)
					a.CmpRR(64, rA, rD)
				}
				a.Jcc(asm.CondE, e.trapLabel(abi.TrapIntegerOverflow, v.Pos))
			}
			a.Bind(normal)
		}
		if sz == 32 {
			a.Cdq()
		} else {
			a.Cqo()
		}
		a.IdivR(sz, ry)
	} else {
		a.XorRR(32, rD, rD)
		a.DivR(sz, ry)
	}
	a.Bind(done)
	res := rA
	if rem {
		res = rD
	}
	e.finishFrom(v, sz, res)
}

// nonZero reports whether integer v is never zero: x | c with c nonzero
// in v's width (a divisor made odd, vm's r[c] | 1), whose division needs
// no zero check.
func nonZero(v *ssa.Value) bool {
	if v.Op != ssa.OpOr {
		return false
	}
	for _, a := range v.Args {
		c := uint64(a.Aux)
		if v.Type == ssa.TI32 {
			c = uint64(uint32(c))
		}
		if a.Op == ssa.OpConst && c != 0 {
			return true
		}
	}
	return false
}

// mulHi: the one-operand mul or imul leaves the product's high half in
// RDX (so these ops are not in leavesRDX), from x in RAX.
func (e *emitter) mulHi(v *ssa.Value) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	if x.Op == ssa.OpConst {
		x, y = y, x
	}
	sz := v.Type.Size()
	ry := e.raxOperands(x, y)
	if v.Op == ssa.OpMulHiS {
		a.ImulR(sz, ry)
	} else {
		a.MulR(sz, ry)
	}
	e.finishFrom(v, sz, rD)
}

// raxOperands loads the operands of a one-operand mul, div or idiv: x
// into RAX, and y, unless it is already in a register, into RCX. It
// returns y's register.
func (e *emitter) raxOperands(x, y *ssa.Value) asm.Reg {
	ry := rC
	if y.Op != ssa.OpConst && y.Loc.InReg() {
		ry = asm.Reg(y.Loc.Reg)
	} else {
		e.load(rC, y)
	}
	e.load(rA, x)
	return ry
}

// finishFrom stores the sz-bit result such an instruction left in res
// (RAX or RDX) to v's location.
func (e *emitter) finishFrom(v *ssa.Value, sz int, res asm.Reg) {
	if e.hold(v, res) {
		return
	}
	if v.Loc.InReg() {
		e.a.MovRR(sz, asm.Reg(v.Loc.Reg), res)
	} else {
		e.finish(v, res)
	}
}

type sseBin func(dst, src asm.Reg)

type sseBinM func(dst asm.Reg, m asm.Mem)

func (e *emitter) sseOps(op ssa.Op, t ssa.Type) (sseBin, sseBinM) {
	a := e.a
	if t == ssa.TF32 {
		switch op {
		case ssa.OpFAdd:
			return a.AddssRR, a.AddssRM
		case ssa.OpFSub:
			return a.SubssRR, a.SubssRM
		case ssa.OpFMul:
			return a.MulssRR, a.MulssRM
		case ssa.OpFDiv:
			return a.DivssRR, a.DivssRM
		case ssa.OpFMin:
			return a.MinssRR, a.MinssRM
		case ssa.OpFMax:
			return a.MaxssRR, a.MaxssRM
		case ssa.OpFSqrt:
			return a.SqrtssRR, a.SqrtssRM
		}
	}
	switch op {
	case ssa.OpFAdd:
		return a.AddsdRR, a.AddsdRM
	case ssa.OpFSub:
		return a.SubsdRR, a.SubsdRM
	case ssa.OpFMul:
		return a.MulsdRR, a.MulsdRM
	case ssa.OpFDiv:
		return a.DivsdRR, a.DivsdRM
	case ssa.OpFMin:
		return a.MinsdRR, a.MinsdRM
	case ssa.OpFMax:
		return a.MaxsdRR, a.MaxsdRM
	case ssa.OpFSqrt:
		return a.SqrtsdRR, a.SqrtsdRM
	}
	return nil, nil
}

// fsrc applies a two-operand SSE op with v as the source operand.
func (e *emitter) fsrc(rr sseBin, rm sseBinM, d asm.Reg, y *ssa.Value) {
	switch {
	case y.Op == ssa.OpConst:
		rm(d, asm.LabelMem(e.constLabel(uint64(y.Aux))))
	case spilled(y):
		rm(d, slotMem(y.Loc.Slot))
	default:
		rr(d, asm.Reg(y.Loc.Reg))
	}
}

func (e *emitter) floatBin(v *ssa.Value) {
	x, y := v.Args[0], v.Args[1]
	if l, other := fusedLoad(v); l != nil {
		e.floatBinLoad(v, l, other)
		return
	}
	d := e.dst(v, x15)
	if e.avx() {
		// Three operands: no copy of x into d, and no detour when y is
		// already in d.
		a, op, sz := e.a, avxOps[v.Op], v.Type.Size()
		if ssa.OpInfos[v.Op].Commutative && (x.Op == ssa.OpConst || spilled(x)) && y.Op != ssa.OpConst && !spilled(y) {
			// The operand in memory second, read by the add or mul
			// itself: no load into xmm14 first (the SSE path below
			// swaps alike).
			x, y = y, x
		}
		rx := e.xmm(x, x14)
		switch {
		case y.Op == ssa.OpConst:
			a.VfloatRRM(op, sz, d, rx, asm.LabelMem(e.constLabel(uint64(y.Aux))))
		case spilled(y):
			a.VfloatRRM(op, sz, d, rx, slotMem(y.Loc.Slot))
		default:
			a.VfloatRRR(op, sz, d, rx, asm.Reg(y.Loc.Reg))
		}
		e.finish(v, d)
		return
	}
	rr, rm := e.sseOps(v.Op, v.Type)
	if isReg(y, d) && !isReg(x, d) {
		if ssa.OpInfos[v.Op].Commutative {
			x, y = y, x
		} else {
			e.a.MovapsRR(x14, d)
			e.load(d, x)
			rr(d, x14)
			e.finish(v, d)
			return
		}
	}
	e.load(d, x)
	e.fsrc(rr, rm, d, y)
	e.finish(v, d)
}

// minMax implements wasm min/max: NaN if either operand is NaN, and -0 <
// +0, which minss/maxss alone do not provide. Under AVX every path writes
// v's register (which may be either operand's) in three-operand form;
// otherwise x is copied into x15, each path works on it in place, and the
// result is copied out.
func (e *emitter) minMax(v *ssa.Value) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	sz := v.Type.Size()
	avx := e.avx()
	rx := x15
	if avx {
		rx = e.xmm(x, x15)
	} else {
		e.load(x15, x)
	}
	ry := e.xmm(y, x14)
	d := x15
	if avx {
		d = e.dst(v, x15)
	}
	// op emits d = rx op ry (d is rx without AVX).
	op := func(vex asm.FloatArith, sse sseBin) {
		if avx {
			a.VfloatRRR(vex, sz, d, rx, ry)
		} else {
			sse(d, ry)
		}
	}
	// Equal operands can only differ in the sign of zero: or the bits for
	// min, and them for max.
	bits, sseBits, minOrMax := asm.Andps, sseBin(a.AndpsRR), asm.FMax
	if v.Op == ssa.OpFMin {
		bits, sseBits, minOrMax = asm.Orps, a.OrpsRR, asm.FMin
	}
	sseMinMax, _ := e.sseOps(v.Op, v.Type)
	sseAdd, _ := e.sseOps(ssa.OpFAdd, v.Type)
	nan, normal, done := a.NewLabel(), a.NewLabel(), a.NewLabel()
	if sz == 32 {
		a.UcomissRR(rx, ry)
	} else {
		a.UcomisdRR(rx, ry)
	}
	a.Jcc(asm.CondP, nan)
	a.Jcc(asm.CondNE, normal)
	if avx {
		a.VV(bits, d, rx, ry)
	} else {
		sseBits(d, ry)
	}
	a.Jmp(done)
	a.Bind(nan)
	op(asm.FAdd, sseAdd)
	a.Jmp(done)
	a.Bind(normal)
	op(minOrMax, sseMinMax)
	a.Bind(done)
	if r := e.dst(v, x15); !avx && r != x15 {
		a.MovapsRR(r, x15)
		d = r
	}
	e.finish(v, d)
}

// roundModes are the roundss/roundsd modes of wasm's rounding ops (an
// array: static data, where a map would need package initialisation).
var roundModes = [ssa.OpCount]asm.RoundMode{ssa.OpFCeil: asm.RoundCeil, ssa.OpFFloor: asm.RoundFloor,
	ssa.OpFTrunc: asm.RoundTrunc, ssa.OpFNearest: asm.RoundNearest}

func (e *emitter) floatUnary(v *ssa.Value) {
	a := e.a
	d := e.dst(v, x15)
	x := e.xmm(v.Args[0], x14)
	f32 := v.Type == ssa.TF32
	avx := e.avx()
	if v.Op == ssa.OpFSqrt {
		if avx {
			// The rest of d from x too: no dependency on d's last writer.
			a.VfloatRRR(asm.FSqrt, v.Type.Size(), d, x, x)
		} else {
			rr, _ := e.sseOps(ssa.OpFSqrt, v.Type)
			e.breakDep(d, x)
			rr(d, x)
		}
		e.finish(v, d)
		return
	}
	mode := roundModes[v.Op] | asm.RoundNoExc
	if avx {
		a.VroundRRRI(v.Type.Size(), d, x, x, mode)
		e.finish(v, d)
		return
	}
	e.breakDep(d, x)
	if f32 {
		a.RoundssRR(d, x, mode)
	} else {
		a.RoundsdRR(d, x, mode)
	}
	e.finish(v, d)
}

func (e *emitter) convert(v *ssa.Value) {
	a := e.a
	x := v.Args[0]
	d := e.dst(v, x15)
	f32 := v.Type == ssa.TF32
	cvt := a.Cvtsi2sdRR
	if f32 {
		cvt = a.Cvtsi2ssRR
	}
	rx := e.gpr(x, rA)
	// cvtsi2sd writes only d's low element: without the zeroing it would
	// wait for d's last writer (d is never the integer source).
	a.XorpsRR(d, d)
	switch {
	case v.Op == ssa.OpConvertS:
		cvt(x.Type.Size(), d, rx)
	case x.Type == ssa.TI32:
		// Zero-extended in the register: a signed 64-bit conversion is exact.
		cvt(64, d, rx)
	default:
		big, done := a.NewLabel(), a.NewLabel()
		a.TestRR(64, rx, rx)
		a.Jcc(asm.CondS, big)
		cvt(64, d, rx)
		a.Jmp(done)
		a.Bind(big)
		// Halve with the low bit kept sticky for correct rounding, convert, double.
		a.MovRR(64, rC, rx)
		a.MovRR(64, rD, rx)
		a.ShrRI(64, rC, 1)
		a.AndRI(32, rD, 1)
		a.OrRR(64, rC, rD)
		cvt(64, d, rC)
		if f32 {
			a.AddssRR(d, d)
		} else {
			a.AddsdRR(d, d)
		}
		a.Bind(done)
	}
	e.finish(v, d)
}

// Float constants bounding the valid inputs of float-to-int truncations.
func fconst(t ssa.Type, f float64) uint64 {
	if t == ssa.TF32 {
		return uint64(math.Float32bits(float32(f)))
	}
	return math.Float64bits(f)
}

func (e *emitter) trunc(v *ssa.Value) {
	a := e.a
	x := v.Args[0]
	ft := x.Type
	rx := e.xmm(x, x14)
	i64 := v.Type == ssa.TI64
	signed := v.Op == ssa.OpTruncS || v.Op == ssa.OpTruncSatS
	sat := v.Op == ssa.OpTruncSatS || v.Op == ssa.OpTruncSatU
	d := e.dst(v, rA)
	var lo, hi float64
	loIncl := true // lo itself is a valid input
	switch {
	case signed && !i64:
		lo, hi = -2147483648.0, 2147483648.0
		if ft == ssa.TF64 {
			lo, loIncl = -2147483649.0, false
		}
	case signed:
		lo, hi = -9223372036854775808.0, 9223372036854775808.0
	case !i64:
		lo, hi, loIncl = -1.0, 4294967296.0, false
	default:
		lo, hi, loIncl = -1.0, 18446744073709551616.0, false
	}
	cmpc := func(c float64) {
		if ft == ssa.TF32 {
			a.UcomissRM(rx, asm.LabelMem(e.constLabel(fconst(ft, c))))
		} else {
			a.UcomisdRM(rx, asm.LabelMem(e.constLabel(fconst(ft, c))))
		}
	}
	cvtt := func(size int, dst, src asm.Reg) {
		if ft == ssa.TF32 {
			a.Cvttss2siRR(size, dst, src)
		} else {
			a.Cvttsd2siRR(size, dst, src)
		}
	}
	done := a.NewLabel()
	var nanL, lowL, highL asm.Label
	if sat {
		nanL, lowL, highL = a.NewLabel(), a.NewLabel(), a.NewLabel()
	} else {
		nanL = e.trapLabel(abi.TrapInvalidConversion, v.Pos)
		lowL = e.trapLabel(abi.TrapIntegerOverflow, v.Pos)
		highL = lowL
	}
	if ft == ssa.TF32 {
		a.UcomissRR(rx, rx)
	} else {
		a.UcomisdRR(rx, rx)
	}
	a.Jcc(asm.CondP, nanL)
	cmpc(lo)
	if loIncl {
		a.Jcc(asm.CondB, lowL)
	} else {
		a.Jcc(asm.CondBE, lowL)
	}
	cmpc(hi)
	a.Jcc(asm.CondAE, highL)
	size := 32
	if i64 || !signed {
		size = 64
	}
	if !signed && i64 {
		// Inputs >= 2^63 are converted after subtracting 2^63.
		small := a.NewLabel()
		cmpc(9223372036854775808.0)
		a.Jcc(asm.CondB, small)
		if ft == ssa.TF32 {
			a.MovssRR(x15, rx)
			a.SubssRM(x15, asm.LabelMem(e.constLabel(fconst(ft, 9223372036854775808.0))))
		} else {
			a.MovsdRR(x15, rx)
			a.SubsdRM(x15, asm.LabelMem(e.constLabel(fconst(ft, 9223372036854775808.0))))
		}
		cvtt(64, d, x15)
		a.MovRI(64, rC, math.MinInt64)
		a.XorRR(64, d, rC)
		a.Jmp(done)
		a.Bind(small)
	}
	cvtt(size, d, rx)
	if !i64 && size == 64 {
		a.MovRR(32, d, d)
	}
	if sat {
		a.Jmp(done)
		a.Bind(nanL)
		a.XorRR(32, d, d)
		a.Jmp(done)
		a.Bind(lowL)
		switch {
		case !signed:
			a.XorRR(32, d, d)
		case i64:
			a.MovRI(64, d, math.MinInt64)
		default:
			a.MovRI(64, d, int64(uint32(1<<31)))
		}
		a.Jmp(done)
		a.Bind(highL)
		switch {
		case !signed && i64:
			a.MovRI(64, d, -1)
		case !signed:
			a.MovRI(64, d, math.MaxUint32)
		case i64:
			a.MovRI(64, d, math.MaxInt64)
		default:
			a.MovRI(64, d, math.MaxInt32)
		}
	}
	a.Bind(done)
	e.finish(v, d)
}

func (e *emitter) sel(v *ssa.Value) {
	a := e.a
	c, x, y := v.Args[0], v.Args[1], v.Args[2]
	if c.Op == ssa.OpConst {
		pick := y
		if uint32(c.Aux) != 0 {
			pick = x
		}
		e.emitMove(e.moveFrom(valLoc(v), pick))
		return
	}
	cond := asm.CondNE
	// A comparison materialized right before: its flags still hold, so
	// no test, and the loads before the cmov must leave them (no xor).
	flagsHold := !c.Fused && e.boolPrev == c
	load := e.load
	if flagsHold {
		cond, load = e.boolCond, e.loadKeepFlags
	}
	test := func() {
		if flagsHold {
			return
		}
		if spilled(c) {
			a.CmpMI(32, slotMem(c.Loc.Slot), 0)
		} else {
			a.TestRR(32, asm.Reg(c.Loc.Reg), asm.Reg(c.Loc.Reg))
		}
	}
	fusedSlow := false
	if c.Fused && v.Type.IsFloat() {
		// The comparison first, before any operand is loaded (one may be
		// loaded over a register the comparison reads); the float moves
		// and the jcc after it leave the flags, for the next select too.
		cond = e.selCond
		if e.selPrev != c {
			cond = e.compare(c)
		}
		flagsHold = true
		defer func() { e.selFlags, e.selCond = c, cond }()
	} else if c.Fused {
		if e.selectFused(v) {
			return
		}
		// A spilled result: the boolean goes to RDX. The comparison may
		// have been emitted by the select before (selectFused).
		cc := e.selCond
		if e.selPrev != c {
			cc = e.compare(c)
		}
		a.Setcc(cc, rD)
		test = func() { a.TestRR(8, rD, rD) }
		fusedSlow = true
	}
	if v.Type.IsFloat() {
		skip := a.NewLabel()
		if d := e.dst(v, x15); d != x15 {
			// Straight into v's register: the operand already there (or
			// else y) first, the other over it when the condition says
			// so; no detour through xmm15 and copy out. Loads of floats
			// leave the flags alone.
			first, second, jc := y, x, cond.Invert()
			if isReg(x, d) && !isReg(y, d) {
				first, second, jc = x, y, cond
			}
			e.load(d, first)
			test()
			a.Jcc(jc, skip)
			e.load(d, second)
			a.Bind(skip)
			return
		}
		e.load(x15, y)
		test()
		a.Jcc(cond.Invert(), skip)
		e.load(x15, x)
		a.Bind(skip)
		d := e.dst(v, x15)
		if d != x15 {
			a.MovapsRR(d, x15)
		}
		e.finish(v, d)
		return
	}
	sz := v.Type.Size()
	tmp := e.dst(v, rA)
	if isReg(c, tmp) || isReg(x, tmp) {
		tmp = rA
	}
	if x.Op == ssa.OpConst {
		load(rC, x) // before the test: a zero constant is materialized with xor
	}
	load(tmp, y)
	test()
	switch {
	case x.Op == ssa.OpConst:
		a.CmovccRR(cond, sz, tmp, rC)
	case spilled(x):
		a.CmovccRM(cond, sz, tmp, slotMem(x.Loc.Slot))
	default:
		a.CmovccRR(cond, sz, tmp, asm.Reg(x.Loc.Reg))
	}
	if v.Loc.InReg() {
		if tmp != asm.Reg(v.Loc.Reg) {
			a.MovRR(64, asm.Reg(v.Loc.Reg), tmp)
		}
	} else {
		e.finish(v, tmp)
	}
	if fusedSlow {
		// test rdx: NE now means c holds, for a select after this one.
		e.selFlags, e.selCond = c, asm.CondNE
	}
}

// popcountSWAR counts bits without POPCNT (x zero-extended to 64 bits).
func (e *emitter) popcountSWAR(d, x asm.Reg) {
	a := e.a
	a.MovRR(64, rA, x)
	a.MovRR(64, rC, rA)
	a.ShrRI(64, rC, 1)
	a.MovRI(64, rD, 0x5555555555555555)
	a.AndRR(64, rC, rD)
	a.SubRR(64, rA, rC)
	a.MovRI(64, rD, 0x3333333333333333)
	a.MovRR(64, rC, rA)
	a.ShrRI(64, rC, 2)
	a.AndRR(64, rC, rD)
	a.AndRR(64, rA, rD)
	a.AddRR(64, rA, rC)
	a.MovRR(64, rC, rA)
	a.ShrRI(64, rC, 4)
	a.AddRR(64, rA, rC)
	a.MovRI(64, rD, 0x0f0f0f0f0f0f0f0f)
	a.AndRR(64, rA, rD)
	a.MovRI(64, rD, 0x0101010101010101)
	a.ImulRR(64, rA, rD)
	a.ShrRI(64, rA, 56)
	a.MovRR(32, d, rA)
}

func (e *emitter) alu(v *ssa.Value) { e.intBin(v, aluOps[v.Op]) }

func (e *emitter) shiftOp(v *ssa.Value) { e.shift(v, shiftOps[v.Op]) }
