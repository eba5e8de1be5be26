package amd64

import (
	"fmt"
	"math"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// SIMD lowering to SSE4.1 (with SSSE3). v128 values live in XMM registers
// like floats; a function with SIMD operations gives up X12 and X13 to
// the allocator so that, with X14 and X15, its sequences have four
// scratch registers. Sequences follow ../shared/design/simd-x86.md (the
// ways V8, Cranelift and wazero lower each operation). Constants come
// from a 16-byte aligned pool after the function, so they can be m128
// operands; wasm memory and spill slots are never folded into legacy-SSE
// operations (they may be unaligned): they are loaded with movups first.

// Scratch XMM registers of SIMD sequences.
const (
	s0 = asm.X15
	s1 = asm.X14
	s2 = asm.X13
	s3 = asm.X12
)

// simdXMMs are allocXMMs and calleeXMMFirst without the scratch registers
// SIMD sequences use, built on first use.
var simdXMMs = lazy.Value[[2][]asm.Reg]{New: func() [2][]asm.Reg {
	return [2][]asm.Reg{without(allocXMMs, s2, s3), without(calleeXMMFirst, s2, s3)}
}}

func without(rs []asm.Reg, drop ...asm.Reg) []asm.Reg {
	var out []asm.Reg
	for _, r := range rs {
		keep := true
		for _, d := range drop {
			keep = keep && r != d
		}
		if keep {
			out = append(out, r)
		}
	}
	return out
}

// slotsOverlap reports whether two values' stack slots share bytes: a
// v128 in slot k also takes slot k-1 (slotMem(k) is its lower half).
func slotsOverlap(a, b *ssa.Value) bool {
	if a.Loc.Slot < 0 || b.Loc.Slot < 0 {
		return false
	}
	lo := func(v *ssa.Value) int32 { return v.Loc.Slot - int32(slotWidth(v.Type)) + 1 }
	return lo(a) <= b.Loc.Slot && lo(b) <= a.Loc.Slot
}

// ---- value slots of the calling convention ----

// slotWidth is the number of 8-byte slots a value of t takes in memory
// (entry-stub argument arrays, stack arguments and results).
func slotWidth(t ssa.Type) int {
	if t == ssa.TV128 {
		return 2
	}
	return 1
}

func numSlots(ts []ssa.Type) int {
	n := 0
	for _, t := range ts {
		n += slotWidth(t)
	}
	return n
}

// slotOffsets returns the slot index of each value in an array of slots.
func slotOffsets(ts []ssa.Type) []int {
	out := make([]int, len(ts))
	n := 0
	for i, t := range ts {
		out[i] = n
		n += slotWidth(t)
	}
	return out
}

// resultSlot is the stack slot (from the stack-argument base) of result
// i >= 1, after nStack slots of stack arguments.
func resultSlot(nStack int, results []ssa.Type, i int) int {
	n := nStack
	for _, t := range results[1:i] {
		n += slotWidth(t)
	}
	return n
}

// callResults returns the result types of a call or call_indirect.
func callResults(m *wasm.Module, call *ssa.Value) []ssa.Type {
	var ft wasm.FuncType
	if call.Op == ssa.OpCall {
		ft = m.FuncType(uint32(call.Aux))
	} else {
		ft = m.Types[call.Aux]
	}
	r, _ := ssa.ValTypes(ft.Results)
	return r
}

// ---- constants ----

func (e *emitter) vconst(lo, hi uint64) asm.Mem {
	k := [2]uint64{lo, hi}
	l, ok := e.vconsts[k]
	if !ok {
		if e.vconsts == nil {
			e.vconsts = map[[2]uint64]asm.Label{}
		}
		l = e.a.NewLabel()
		e.vconsts[k] = l
		e.vorder = append(e.vorder, vconstRow{k, l})
	}
	return asm.LabelMem(l)
}

// vconstRow is a 16-byte pool entry and its label, in emission order. A
// table's rows after its first have no label of their own (noLabel).
type vconstRow struct {
	k [2]uint64
	l asm.Label
}

// noLabel marks a pool row reached only from its table's label.
const noLabel asm.Label = -1

// splat8/16/32/64 are pool constants with every lane set to x.
func (e *emitter) splat8(x uint8) asm.Mem { return e.splat64(uint64(x) * 0x0101010101010101) }

func (e *emitter) splat16(x uint16) asm.Mem {
	return e.splat64(uint64(x) * 0x0001000100010001)
}

func (e *emitter) splat32(x uint32) asm.Mem { return e.splat64(uint64(x) * 0x0000000100000001) }

func (e *emitter) splat64(x uint64) asm.Mem { return e.vconst(x, x) }

func (e *emitter) emitV128Consts() {
	if len(e.vorder) == 0 {
		return
	}
	e.a.Align(16)
	for _, r := range e.vorder {
		if r.l != noLabel {
			e.a.Bind(r.l)
		}
		e.a.Data64(r.k[0])
		e.a.Data64(r.k[1])
	}
}

func (e *emitter) loadV128Const(dst ploc, c *ssa.Value) {
	a := e.a
	lo, hi := uint64(c.Aux), uint64(c.Aux2)
	if !dst.isReg() {
		// Immediate stores, so no register is needed (see emitMove).
		for k, w := range [2]uint64{lo, hi} {
			off := int32(8 * k)
			if int64(w) == int64(int32(w)) {
				a.MovMI(64, dst.mem.Add(off), int32(w))
			} else {
				a.MovMI(32, dst.mem.Add(off), int32(uint32(w)))
				a.MovMI(32, dst.mem.Add(off+4), int32(uint32(w>>32)))
			}
		}
		return
	}
	r := dst.reg
	switch {
	case lo == 0 && hi == 0:
		a.XorpsRR(r, r)
	case lo == math.MaxUint64 && hi == math.MaxUint64:
		a.V(asm.Pcmpeqd, r, r)
	default:
		a.VM(asm.Movdqu, r, e.vconst(lo, hi))
	}
}

// ---- dispatch ----

func (e *emitter) isSIMD(v *ssa.Value) bool {
	switch v.Op {
	case ssa.OpSIMD, ssa.OpShuffle:
		return true
	case ssa.OpLoad:
		return v.Type == ssa.TV128
	case ssa.OpStore:
		return v.Args[1].Type == ssa.TV128
	}
	return false
}

// vop reads a value into a register: its own, or scratch.
func (e *emitter) vop(v *ssa.Value, scratch asm.Reg) asm.Reg { return e.xmm(v, scratch) }

// done moves a result computed in r into v's location.
func (e *emitter) done(v *ssa.Value, r asm.Reg) {
	if v.Loc.InReg() {
		if asm.Reg(v.Loc.Reg) != r {
			e.a.V(asm.Movaps, asm.Reg(v.Loc.Reg), r)
		}
		return
	}
	e.storeMem(slotMem(v.Loc.Slot), r, v.Type)
}

// vbin emits d = x op y for a two-address op; swap computes y op x.
func (e *emitter) vbin(v *ssa.Value, op asm.VecOp, swap, comm bool, imm int) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	if swap {
		x, y = y, x
	}
	emit := func(d, s asm.Reg) {
		if imm >= 0 {
			a.VI(op, d, s, uint8(imm))
		} else {
			a.V(op, d, s)
		}
	}
	d := e.dst(v, s0)
	if l, other := fusedLoad(v); l != nil {
		// Prepare fused it (AVX): the load is the memory operand, and x
		// goes first, which the op allows (commutative, or the load is y).
		rx := e.vop(other, s1)
		m := e.memAccess(l, 16)
		e.guardSite(l)
		if imm >= 0 {
			a.VVMI(op, d, rx, m, uint8(imm))
		} else {
			a.VVM(op, d, rx, m)
		}
		e.finish(v, d)
		return
	}
	if e.avx() && op.HasVEX3() {
		if comm && x.Op == ssa.OpConst && y.Op != ssa.OpConst {
			// The constant is read from the pool, not loaded first.
			x, y = y, x
		}
		e.vbin3(v, op, d, x, y, imm)
		return
	}
	if isReg(y, d) && !isReg(x, d) {
		if comm {
			emit(d, e.vop(x, s1))
		} else {
			a.V(asm.Movaps, s1, d)
			e.load(d, x)
			emit(d, s1)
		}
		e.finish(v, d)
		return
	}
	e.load(d, x)
	if y.Op == ssa.OpConst {
		if imm >= 0 {
			e.load(s1, y)
			emit(d, s1)
		} else {
			a.VM(op, d, e.vconst(uint64(y.Aux), uint64(y.Aux2)))
		}
	} else {
		emit(d, e.vop(y, s1))
	}
	e.finish(v, d)
}

// avx reports whether the target has AVX, whose three-operand forms need
// no copy of the first source into the result, and whose memory operands
// need no alignment.
func (e *emitter) avx() bool { return e.opts.Features&object.FeatureAVX != 0 }

// vbin3 emits d = x op y in AVX's three-operand form, y read from memory
// when it is a constant or spilled.
func (e *emitter) vbin3(v *ssa.Value, op asm.VecOp, d asm.Reg, x, y *ssa.Value, imm int) {
	rx := e.vop(x, s1)
	var m asm.Mem
	switch {
	case y.Op == ssa.OpConst:
		m = e.vconst(uint64(y.Aux), uint64(y.Aux2))
	case spilled(y):
		m = slotMem(y.Loc.Slot)
	default:
		e.vvv(op, d, rx, asm.Reg(y.Loc.Reg), imm)
		e.finish(v, d)
		return
	}
	if imm >= 0 {
		e.a.VVMI(op, d, rx, m, uint8(imm))
	} else {
		e.a.VVM(op, d, rx, m)
	}
	e.finish(v, d)
}

// vvv emits d = x op y (AVX), with op's immediate when imm >= 0.
func (e *emitter) vvv(op asm.VecOp, d, x, y asm.Reg, imm int) {
	if imm >= 0 {
		e.a.VVI(op, d, x, y, uint8(imm))
	} else {
		e.a.VV(op, d, x, y)
	}
}

// Prepare drops the entry interrupt check of a function whose stack
// check does its work (dropEntryCheck, stackcheck.go), and folds v128
// loads into the SIMD operations that read them when the target has AVX,
// whose VEX memory operands need no alignment: one instruction and one
// register fewer per load.
func (Machine) Prepare(f *ssa.Func, opts *ssa.Options) {
	dropEntryCheck(f, opts)
	// floatBin and floatUnary emit VEX three-operand forms under AVX.
	f.FloatVEX = opts.Features&object.FeatureAVX != 0
	if f.Simd && opts.OptLevel > 1 && opts.Features&object.FeatureAVX != 0 {
		ssa.FuseVectorLoads(f, vecMemOperand)
		avx2 := opts.Features&object.FeatureAVX2 != 0
		ssa.FuseSplatLoads(f, func(v *ssa.Value) bool { return splatFromMemory(v, avx2) })
	}
	if f.Simd && opts.OptLevel > 1 {
		// pinsr's memory operand reads only the lane: no alignment, so
		// SSE4.1 fuses as AVX does.
		ssa.FuseLaneLoads(f)
	}
}

// vecMemOperand reports whether SIMD operation v can read argument i from
// memory: vbin3's operand y.
func vecMemOperand(v *ssa.Value, i int) bool {
	b, ok := simpleBins.Get()[ssa.Fd(uint32(v.Aux2))]
	if !ok || !b.op.HasVEX3() {
		return false
	}
	return b.comm || (i == 1) != b.swap
}

// v3 emits d = x op y: AVX's three-operand form when op has one, else a
// copy of x into d (d must not be y) and SSE's two-address form.
func (e *emitter) v3(op asm.VecOp, d, x, y asm.Reg) {
	if e.avx() && op.HasVEX3() {
		e.a.VV(op, d, x, y)
		return
	}
	if d != x {
		e.a.V(asm.Movaps, d, x)
	}
	e.a.V(op, d, y)
}

// vun emits d = op x for an op that reads only its source.
func (e *emitter) vun(v *ssa.Value, op asm.VecOp, imm int) {
	d := e.dst(v, s0)
	x := e.vop(v.Args[0], s1)
	if imm >= 0 {
		e.a.VI(op, d, x, uint8(imm))
	} else {
		e.a.V(op, d, x)
	}
	e.finish(v, d)
}

type vbinOp struct {
	op         asm.VecOp
	swap, comm bool
	imm        int
}

// simpleBins are the binary operations one instruction implements.
var simpleBins = lazy.Value[map[wasm.Opcode]vbinOp]{New: func() map[wasm.Opcode]vbinOp {
	return map[wasm.Opcode]vbinOp{
		wasm.OpI8x16Eq: {asm.Pcmpeqb, false, true, -1}, wasm.OpI8x16GtS: {asm.Pcmpgtb, false, false, -1},
		wasm.OpI8x16LtS: {asm.Pcmpgtb, true, false, -1}, wasm.OpI8x16Add: {asm.Paddb, false, true, -1},
		wasm.OpI8x16AddSatS: {asm.Paddsb, false, true, -1}, wasm.OpI8x16AddSatU: {asm.Paddusb, false, true, -1},
		wasm.OpI8x16Sub: {asm.Psubb, false, false, -1}, wasm.OpI8x16SubSatS: {asm.Psubsb, false, false, -1},
		wasm.OpI8x16SubSatU: {asm.Psubusb, false, false, -1}, wasm.OpI8x16MinS: {asm.Pminsb, false, true, -1},
		wasm.OpI8x16MinU: {asm.Pminub, false, true, -1}, wasm.OpI8x16MaxS: {asm.Pmaxsb, false, true, -1},
		wasm.OpI8x16MaxU: {asm.Pmaxub, false, true, -1}, wasm.OpI8x16AvgrU: {asm.Pavgb, false, true, -1},
		wasm.OpI8x16NarrowI16x8S: {asm.Packsswb, false, false, -1}, wasm.OpI8x16NarrowI16x8U: {asm.Packuswb, false, false, -1},

		wasm.OpI16x8Eq: {asm.Pcmpeqw, false, true, -1}, wasm.OpI16x8GtS: {asm.Pcmpgtw, false, false, -1},
		wasm.OpI16x8LtS: {asm.Pcmpgtw, true, false, -1}, wasm.OpI16x8Add: {asm.Paddw, false, true, -1},
		wasm.OpI16x8AddSatS: {asm.Paddsw, false, true, -1}, wasm.OpI16x8AddSatU: {asm.Paddusw, false, true, -1},
		wasm.OpI16x8Sub: {asm.Psubw, false, false, -1}, wasm.OpI16x8SubSatS: {asm.Psubsw, false, false, -1},
		wasm.OpI16x8SubSatU: {asm.Psubusw, false, false, -1}, wasm.OpI16x8Mul: {asm.Pmullw, false, true, -1},
		wasm.OpI16x8MinS: {asm.Pminsw, false, true, -1}, wasm.OpI16x8MinU: {asm.Pminuw, false, true, -1},
		wasm.OpI16x8MaxS: {asm.Pmaxsw, false, true, -1}, wasm.OpI16x8MaxU: {asm.Pmaxuw, false, true, -1},
		wasm.OpI16x8AvgrU:        {asm.Pavgw, false, true, -1},
		wasm.OpI16x8NarrowI32x4S: {asm.Packssdw, false, false, -1}, wasm.OpI16x8NarrowI32x4U: {asm.Packusdw, false, false, -1},

		wasm.OpI32x4Eq: {asm.Pcmpeqd, false, true, -1}, wasm.OpI32x4GtS: {asm.Pcmpgtd, false, false, -1},
		wasm.OpI32x4LtS: {asm.Pcmpgtd, true, false, -1}, wasm.OpI32x4Add: {asm.Paddd, false, true, -1},
		wasm.OpI32x4Sub: {asm.Psubd, false, false, -1}, wasm.OpI32x4Mul: {asm.Pmulld, false, true, -1},
		wasm.OpI32x4MinS: {asm.Pminsd, false, true, -1}, wasm.OpI32x4MinU: {asm.Pminud, false, true, -1},
		wasm.OpI32x4MaxS: {asm.Pmaxsd, false, true, -1}, wasm.OpI32x4MaxU: {asm.Pmaxud, false, true, -1},
		wasm.OpI32x4DotI16x8S: {asm.Pmaddwd, false, true, -1},

		wasm.OpI64x2Eq: {asm.Pcmpeqq, false, true, -1}, wasm.OpI64x2Add: {asm.Paddq, false, true, -1},
		wasm.OpI64x2Sub: {asm.Psubq, false, false, -1},

		wasm.OpF32x4Eq: {asm.Cmpps, false, true, 0}, wasm.OpF32x4Ne: {asm.Cmpps, false, true, 4},
		wasm.OpF32x4Lt: {asm.Cmpps, false, false, 1}, wasm.OpF32x4Le: {asm.Cmpps, false, false, 2},
		wasm.OpF32x4Gt: {asm.Cmpps, true, false, 1}, wasm.OpF32x4Ge: {asm.Cmpps, true, false, 2},
		wasm.OpF32x4Add: {asm.Addps, false, true, -1}, wasm.OpF32x4Sub: {asm.Subps, false, false, -1},
		wasm.OpF32x4Mul: {asm.Mulps, false, true, -1}, wasm.OpF32x4Div: {asm.Divps, false, false, -1},
		wasm.OpF32x4Pmin: {asm.Minps, true, false, -1}, wasm.OpF32x4Pmax: {asm.Maxps, true, false, -1},

		wasm.OpF64x2Eq: {asm.Cmppd, false, true, 0}, wasm.OpF64x2Ne: {asm.Cmppd, false, true, 4},
		wasm.OpF64x2Lt: {asm.Cmppd, false, false, 1}, wasm.OpF64x2Le: {asm.Cmppd, false, false, 2},
		wasm.OpF64x2Gt: {asm.Cmppd, true, false, 1}, wasm.OpF64x2Ge: {asm.Cmppd, true, false, 2},
		wasm.OpF64x2Add: {asm.Addpd, false, true, -1}, wasm.OpF64x2Sub: {asm.Subpd, false, false, -1},
		wasm.OpF64x2Mul: {asm.Mulpd, false, true, -1}, wasm.OpF64x2Div: {asm.Divpd, false, false, -1},
		wasm.OpF64x2Pmin: {asm.Minpd, true, false, -1}, wasm.OpF64x2Pmax: {asm.Maxpd, true, false, -1},

		wasm.OpV128And: {asm.Pand, false, true, -1}, wasm.OpV128Or: {asm.Por, false, true, -1},
		wasm.OpV128Xor: {asm.Pxor, false, true, -1}, wasm.OpV128Andnot: {asm.Pandn, true, false, -1},
	}
}}

// simpleUns are the unary operations one instruction implements
// (imm >= 0: with that immediate).
type vunOp struct {
	op  asm.VecOp
	imm int
}

var simpleUns = lazy.Value[map[wasm.Opcode]vunOp]{New: func() map[wasm.Opcode]vunOp {
	return map[wasm.Opcode]vunOp{
		wasm.OpI8x16Abs: {asm.Pabsb, -1}, wasm.OpI16x8Abs: {asm.Pabsw, -1}, wasm.OpI32x4Abs: {asm.Pabsd, -1},
		wasm.OpF32x4Sqrt: {asm.Sqrtps, -1}, wasm.OpF64x2Sqrt: {asm.Sqrtpd, -1},
		wasm.OpF32x4Ceil: {asm.Roundps, int(asm.RoundCeil | asm.RoundNoExc)}, wasm.OpF32x4Floor: {asm.Roundps, int(asm.RoundFloor | asm.RoundNoExc)},
		wasm.OpF32x4Trunc: {asm.Roundps, int(asm.RoundTrunc | asm.RoundNoExc)}, wasm.OpF32x4Nearest: {asm.Roundps, int(asm.RoundNearest | asm.RoundNoExc)},
		wasm.OpF64x2Ceil: {asm.Roundpd, int(asm.RoundCeil | asm.RoundNoExc)}, wasm.OpF64x2Floor: {asm.Roundpd, int(asm.RoundFloor | asm.RoundNoExc)},
		wasm.OpF64x2Trunc: {asm.Roundpd, int(asm.RoundTrunc | asm.RoundNoExc)}, wasm.OpF64x2Nearest: {asm.Roundpd, int(asm.RoundNearest | asm.RoundNoExc)},
		wasm.OpI16x8ExtendLowI8x16S: {asm.Pmovsxbw, -1}, wasm.OpI16x8ExtendLowI8x16U: {asm.Pmovzxbw, -1},
		wasm.OpI32x4ExtendLowI16x8S: {asm.Pmovsxwd, -1}, wasm.OpI32x4ExtendLowI16x8U: {asm.Pmovzxwd, -1},
		wasm.OpI64x2ExtendLowI32x4S: {asm.Pmovsxdq, -1}, wasm.OpI64x2ExtendLowI32x4U: {asm.Pmovzxdq, -1},
		wasm.OpF32x4ConvertI32x4S: {asm.Cvtdq2ps, -1}, wasm.OpF64x2ConvertLowI32x4S: {asm.Cvtdq2pd, -1},
		wasm.OpF32x4DemoteF64x2Zero: {asm.Cvtpd2ps, -1}, wasm.OpF64x2PromoteLowF32x4: {asm.Cvtps2pd, -1},
	}
}}

func (e *emitter) simd(v *ssa.Value) error {
	switch v.Op {
	case ssa.OpShuffle:
		e.shuffle(v)
		return nil
	case ssa.OpLoad:
		e.vload(v)
		return nil
	case ssa.OpStore:
		m := e.memAccess(v, 16)
		r := e.vop(v.Args[1], s0)
		e.guardSite(v)
		e.a.MovupsMR(m, r)
		return nil
	}
	op := ssa.Fd(uint32(v.Aux2))
	if b, ok := simpleBins.Get()[op]; ok {
		e.vbin(v, b.op, b.swap, b.comm, b.imm)
		return nil
	}
	if u, ok := simpleUns.Get()[op]; ok {
		e.vun(v, u.op, u.imm)
		return nil
	}
	for _, lower := range simdLowerings {
		if ok, err := lower(e, v, op); ok {
			return err
		}
	}
	return fmt.Errorf("codegen: no lowering for %s", wasm.OpName(op))
}

// simdLowerings are tried in turn for the operations that need sequences.
var simdLowerings = []func(e *emitter, v *ssa.Value, op wasm.Opcode) (bool, error){
	(*emitter).lanes, (*emitter).vcompare, (*emitter).vshift, (*emitter).vint, (*emitter).vfloat,
}

func (e *emitter) vload(v *ssa.Value) {
	a := e.a
	op := wasm.Opcode(v.Aux2)
	size := 8
	switch op {
	case wasm.OpV128Load:
		size = 16
	case wasm.OpV128Load32Zero:
		size = 4
	}
	m := e.memAccess(v, size)
	d := e.dst(v, s0)
	e.guardSite(v)
	if x, ok := loadExtend(op); ok {
		// pmovsx/pmovzx read their 8 bytes from memory themselves (an
		// m64 operand: no alignment, even in legacy SSE).
		a.VM(x, d, m)
		e.finish(v, d)
		return
	}
	switch op {
	case wasm.OpV128Load:
		a.MovupsRM(d, m)
	case wasm.OpV128Load32Zero:
		a.MovssRM(d, m)
	default:
		a.MovsdRM(d, m)
	}
	e.finish(v, d)
}

// loadExtend is the widening move of a v128.loadNxM, which reads its 8
// bytes from memory.
func loadExtend(op wasm.Opcode) (asm.VecOp, bool) {
	switch op {
	case wasm.OpV128Load8x8S:
		return asm.Pmovsxbw, true
	case wasm.OpV128Load8x8U:
		return asm.Pmovzxbw, true
	case wasm.OpV128Load16x4S:
		return asm.Pmovsxwd, true
	case wasm.OpV128Load16x4U:
		return asm.Pmovzxwd, true
	case wasm.OpV128Load32x2S:
		return asm.Pmovsxdq, true
	case wasm.OpV128Load32x2U:
		return asm.Pmovzxdq, true
	}
	return 0, false
}

// shuffle selects bytes of two vectors: pshufb each with a mask that
// zeroes the lanes taken from the other, then or.
func (e *emitter) shuffle(v *ssa.Value) {
	a := e.a
	var lanes [16]byte
	for i := 0; i < 8; i++ {
		lanes[i] = byte(uint64(v.Aux) >> (8 * i))
		lanes[8+i] = byte(uint64(v.Aux2) >> (8 * i))
	}
	mask := func(from byte) asm.Mem {
		var lo, hi uint64
		for i, l := range lanes {
			b := uint64(0x80)
			if l >= from && l < from+16 {
				b = uint64(l - from)
			}
			if i < 8 {
				lo |= b << (8 * i)
			} else {
				hi |= b << (8 * (i - 8))
			}
		}
		return e.vconst(lo, hi)
	}
	x, y := v.Args[0], v.Args[1]
	if x == y {
		for i := range lanes {
			lanes[i] &= 15
		}
	}
	if d := e.dst(v, s0); e.shuffleZero(lanes, x, y, d) || e.shuffleMatch(lanes, x, y, d) {
		e.finish(v, d)
		return
	}
	one, other := true, true // every lane from x, from y
	for _, l := range lanes {
		one = one && l < 16
		other = other && l >= 16
	}
	if one || other {
		src, from := x, byte(0)
		if other {
			src, from = y, 16
		}
		if e.avx() {
			d := e.dst(v, s0)
			a.VVM(asm.Pshufb, d, e.vop(src, s1), mask(from))
			e.finish(v, d)
			return
		}
		e.load(s0, src)
		a.VM(asm.Pshufb, s0, mask(from))
		e.done(v, s0)
		return
	}
	if e.avx() {
		// Three-operand forms: no copies of the sources into scratch.
		a.VVM(asm.Pshufb, s0, e.vop(x, s1), mask(0))
		a.VVM(asm.Pshufb, s1, e.vop(y, s1), mask(16))
		d := e.dst(v, s0)
		a.VV(asm.Por, d, s0, s1)
		e.finish(v, d)
		return
	}
	e.load(s0, x)
	a.VM(asm.Pshufb, s0, mask(0))
	e.load(s1, y)
	a.VM(asm.Pshufb, s1, mask(16))
	a.V(asm.Por, s0, s1)
	e.done(v, s0)
}

// lanes lowers splat, extract_lane, replace_lane and swizzle.
func (e *emitter) lanes(v *ssa.Value, op wasm.Opcode) (bool, error) {
	a := e.a
	lane := uint8(v.Aux)
	switch op {
	case wasm.OpI8x16Splat, wasm.OpI16x8Splat, wasm.OpI32x4Splat, wasm.OpI64x2Splat, wasm.OpF32x4Splat, wasm.OpF64x2Splat:
		if l := v.Args[0]; l.Fused && l.Op == ssa.OpLoad {
			e.splatLoad(v, l, op)
			return true, nil
		}
	}
	switch op {
	case wasm.OpI8x16Splat, wasm.OpI16x8Splat, wasm.OpI32x4Splat, wasm.OpI64x2Splat:
		g := e.gpr(v.Args[0], rA)
		d := e.dst(v, s0)
		if op == wasm.OpI64x2Splat {
			a.MovqXR(d, g)
		} else {
			a.MovdXR(d, g)
		}
		switch {
		case e.opts.Features&object.FeatureAVX2 != 0 && (op == wasm.OpI8x16Splat || op == wasm.OpI16x8Splat):
			// One broadcast for the shuffle (and zero register) or
			// two shuffles.
			a.Vpbroadcast(laneBits(op), d, d)
		case op == wasm.OpI8x16Splat:
			a.XorpsRR(s1, s1)
			a.V(asm.Pshufb, d, s1)
		case op == wasm.OpI16x8Splat:
			a.VI(asm.Pshuflw, d, d, 0)
			a.VI(asm.Pshufd, d, d, 0)
		case op == wasm.OpI32x4Splat:
			a.VI(asm.Pshufd, d, d, 0)
		default:
			a.V(asm.Punpcklqdq, d, d)
		}
		e.finish(v, d)
	case wasm.OpF32x4Splat, wasm.OpF64x2Splat:
		// The scalar is read where it is: no copy into d first.
		d := e.dst(v, s0)
		x := e.vop(v.Args[0], d)
		switch {
		case op == wasm.OpF64x2Splat:
			a.V(asm.Movddup, d, x)
		case e.avx():
			a.VVI(asm.Shufps, d, x, x, 0)
		case x == d:
			a.VI(asm.Shufps, d, d, 0)
		default:
			a.VI(asm.Pshufd, d, x, 0)
		}
		e.finish(v, d)
	case wasm.OpI8x16ExtractLaneS, wasm.OpI8x16ExtractLaneU, wasm.OpI16x8ExtractLaneS, wasm.OpI16x8ExtractLaneU,
		wasm.OpI32x4ExtractLane, wasm.OpI64x2ExtractLane:
		x := e.vop(v.Args[0], s0)
		d := e.dst(v, rA)
		switch op {
		case wasm.OpI8x16ExtractLaneS, wasm.OpI8x16ExtractLaneU:
			a.Pextr(8, d, x, lane)
			if op == wasm.OpI8x16ExtractLaneS {
				a.Movsx(32, 8, d, d)
			}
		case wasm.OpI16x8ExtractLaneS, wasm.OpI16x8ExtractLaneU:
			a.Pextr(16, d, x, lane)
			if op == wasm.OpI16x8ExtractLaneS {
				a.Movsx(32, 16, d, d)
			}
		case wasm.OpI32x4ExtractLane:
			if lane == 0 {
				// movd is one move to the integer side; pextrd is a
				// shuffle and the move (two uops): clang's gathers
				// extract every lane of their address vectors.
				a.MovdRX(d, x)
				break
			}
			a.Pextr(32, d, x, lane)
		default:
			if lane == 0 {
				a.MovqRX(d, x)
				break
			}
			a.Pextr(64, d, x, lane)
		}
		e.finish(v, d)
	case wasm.OpF32x4ExtractLane, wasm.OpF64x2ExtractLane:
		x := e.vop(v.Args[0], s1)
		d := e.dst(v, s0)
		switch {
		case lane == 0:
			if d != x {
				a.V(asm.Movaps, d, x)
			}
		case op == wasm.OpF32x4ExtractLane:
			a.VI(asm.Pshufd, d, x, lane)
		default:
			a.VI(asm.Pshufd, d, x, 0xEE)
		}
		e.finish(v, d)
	case wasm.OpI8x16ReplaceLane, wasm.OpI16x8ReplaceLane, wasm.OpI32x4ReplaceLane, wasm.OpI64x2ReplaceLane:
		if l := v.Args[1]; l.Fused && l.Op == ssa.OpLoad {
			e.laneLoad(v, l, laneBits(op), lane)
			break
		}
		g := e.gpr(v.Args[1], rA)
		size := laneBits(op)
		if e.avx() {
			d := e.dst(v, s0)
			a.Vpinsr(size, d, e.vop(v.Args[0], s1), g, lane)
			e.finish(v, d)
			break
		}
		// Into the result register, which holds the vector already when
		// the vector dies here (no copy in and out of scratch).
		d := e.dst(v, s0)
		e.load(d, v.Args[0])
		a.Pinsr(size, d, g, lane)
		e.finish(v, d)
	case wasm.OpF32x4ReplaceLane, wasm.OpF64x2ReplaceLane:
		sc := e.vop(v.Args[1], s1)
		d := e.dst(v, s0)
		if d == sc {
			d = s0 // the scalar dies here, in the result register
		}
		e.load(d, v.Args[0])
		switch {
		case op == wasm.OpF32x4ReplaceLane:
			a.VI(asm.Insertps, d, sc, lane<<4)
		case lane == 0:
			a.MovsdRR(d, sc)
		default:
			a.V(asm.Movlhps, d, sc)
		}
		e.done(v, d)
	case wasm.OpI8x16Swizzle:
		if e.avx() {
			// Indexes past 15 saturate to >= 0x80, which pshufb zeroes.
			a.VVM(asm.Paddusb, s0, e.vop(v.Args[1], s1), e.splat8(0x70))
			d := e.dst(v, s0)
			a.VV(asm.Pshufb, d, e.vop(v.Args[0], s1), s0)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[1])
		a.VM(asm.Paddusb, s0, e.splat8(0x70))
		e.load(s1, v.Args[0])
		a.V(asm.Pshufb, s1, s0)
		e.done(v, s1)
	default:
		return false, nil
	}
	return true, nil
}

// cmpOps are the equality, minimum and maximum of a lane size (log2
// bytes).
var cmpOps = [4]struct{ eq, mins, minu, maxs, maxu asm.VecOp }{
	{asm.Pcmpeqb, asm.Pminsb, asm.Pminub, asm.Pmaxsb, asm.Pmaxub},
	{asm.Pcmpeqw, asm.Pminsw, asm.Pminuw, asm.Pmaxsw, asm.Pmaxuw},
	{asm.Pcmpeqd, asm.Pminsd, asm.Pminud, asm.Pmaxsd, asm.Pmaxud},
	{asm.Pcmpeqq, 0, 0, 0, 0},
}

// laneBits is the lane width of an integer splat or replace_lane.
func laneBits(op wasm.Opcode) int {
	switch op {
	case wasm.OpI8x16Splat, wasm.OpI8x16ReplaceLane:
		return 8
	case wasm.OpI16x8Splat, wasm.OpI16x8ReplaceLane:
		return 16
	case wasm.OpI32x4Splat, wasm.OpI32x4ReplaceLane:
		return 32
	}
	return 64
}

// vcmp is how vcompare builds a comparison with no instruction of its own:
// from the lane size's (cmpOps index) kind, then inverted (not) and/or
// with the operands swapped.
type vcmp struct {
	size  int
	kind  vcmpKind
	inv   bool
	swapc bool
}

type vcmpKind uint8

const (
	vcmpEq vcmpKind = iota
	vcmpGt
	vcmpMins
	vcmpMinu
	vcmpMaxs
	vcmpMaxu
)

// vcompares is built on first use: running a compiled module must not
// initialize the compiler (e2e TestRunSONoCompilerInit).
var vcompares = lazy.Value[map[wasm.Opcode]vcmp]{New: func() map[wasm.Opcode]vcmp {
	return map[wasm.Opcode]vcmp{
		wasm.OpI8x16Ne: {0, vcmpEq, true, false}, wasm.OpI16x8Ne: {1, vcmpEq, true, false},
		wasm.OpI32x4Ne: {2, vcmpEq, true, false}, wasm.OpI64x2Ne: {3, vcmpEq, true, false},
		wasm.OpI8x16LeS: {0, vcmpMins, false, false}, wasm.OpI8x16GeS: {0, vcmpMaxs, false, false},
		wasm.OpI8x16LeU: {0, vcmpMinu, false, false}, wasm.OpI8x16GeU: {0, vcmpMaxu, false, false},
		wasm.OpI8x16GtU: {0, vcmpMinu, true, false}, wasm.OpI8x16LtU: {0, vcmpMaxu, true, false},
		wasm.OpI16x8LeS: {1, vcmpMins, false, false}, wasm.OpI16x8GeS: {1, vcmpMaxs, false, false},
		wasm.OpI16x8LeU: {1, vcmpMinu, false, false}, wasm.OpI16x8GeU: {1, vcmpMaxu, false, false},
		wasm.OpI16x8GtU: {1, vcmpMinu, true, false}, wasm.OpI16x8LtU: {1, vcmpMaxu, true, false},
		wasm.OpI32x4LeS: {2, vcmpMins, false, false}, wasm.OpI32x4GeS: {2, vcmpMaxs, false, false},
		wasm.OpI32x4LeU: {2, vcmpMinu, false, false}, wasm.OpI32x4GeU: {2, vcmpMaxu, false, false},
		wasm.OpI32x4GtU: {2, vcmpMinu, true, false}, wasm.OpI32x4LtU: {2, vcmpMaxu, true, false},
		wasm.OpI64x2GtS: {3, vcmpGt, false, false}, wasm.OpI64x2LtS: {3, vcmpGt, false, true},
		wasm.OpI64x2LeS: {3, vcmpGt, true, false}, wasm.OpI64x2GeS: {3, vcmpGt, true, true},
	}
}}

// vcompare lowers the integer comparisons without one instruction:
// ne = not eq; le/ge = min/max then eq; unsigned lt/gt = not ge/le;
// i64x2 signed order with SSE4.2's pcmpgtq, or without it (the baseline
// is SSE4.1) from 64-bit subtraction with overflow correction.
func (e *emitter) vcompare(v *ssa.Value, op wasm.Opcode) (bool, error) {
	a := e.a
	c, ok := vcompares.Get()[op]
	if !ok {
		return false, nil
	}
	x, y := v.Args[0], v.Args[1]
	if c.swapc {
		x, y = y, x
	}
	ops := cmpOps[c.size]
	switch c.kind {
	case vcmpEq:
		e.v3(ops.eq, s0, e.vop(x, s0), e.vop(y, s1))
	case vcmpGt: // x > y
		if e.opts.Features&object.FeatureSSE42 != 0 {
			e.pcmpgtq(v, x, y, c.inv)
			return true, nil
		}
		xr := e.vop(x, s3)
		yr := e.vop(y, s2)
		a.V(asm.Movaps, s1, xr)     // s1 = a (x)
		e.v3(asm.Psubq, s0, yr, s1) // t = y - x
		a.V(asm.Pxor, s1, yr)       // u = x ^ y
		if yr == s2 {
			a.V(asm.Movaps, s3, s2)
			yr = s3
		}
		e.v3(asm.Pxor, s2, s0, yr) // w = t ^ y
		a.V(asm.Pand, s1, s2)
		a.V(asm.Pxor, s0, s1) // sign: y < x
		a.VShiftI(asm.PsradI, s0, 31)
		a.VI(asm.Pshufd, s0, s0, 0xF5)
	default:
		mm := [...]asm.VecOp{vcmpMins: ops.mins, vcmpMinu: ops.minu, vcmpMaxs: ops.maxs, vcmpMaxu: ops.maxu}[c.kind]
		xr := e.vop(x, s1)
		e.v3(mm, s0, xr, e.vop(y, s2))
		if !c.inv && e.avx() {
			d := e.dst(v, s0)
			a.VV(ops.eq, d, s0, xr)
			e.finish(v, d)
			return true, nil
		}
		a.V(ops.eq, s0, xr)
	}
	if c.inv {
		// Inverted: xor with the pool's all-ones, into the result register.
		d := e.dst(v, s0)
		e.vbinM(asm.Pxor, d, s0, e.splat64(^uint64(0)))
		e.finish(v, d)
		return true, nil
	}
	e.done(v, s0)
	return true, nil
}

// pcmpgtq emits v = x > y (SSE4.2), or its inverse x <= y, lane-wise
// on signed 64-bit lanes: one instruction where the baseline's
// subtraction with overflow correction takes eight.
func (e *emitter) pcmpgtq(v, x, y *ssa.Value, inv bool) {
	d := e.dst(v, s0)
	if e.avx() && !inv {
		e.vbin3(v, asm.Pcmpgtq, d, x, y, -1)
		return
	}
	e.v3(asm.Pcmpgtq, s0, e.vop(x, s1), e.vop(y, s2))
	if inv {
		// Xor with the pool's all-ones, into the result register.
		e.vbinM(asm.Pxor, d, s0, e.splat64(^uint64(0)))
	} else if d != s0 {
		e.a.V(asm.Movaps, d, s0)
	}
	e.finish(v, d)
}

// vshift lowers the shifts. Wasm takes the count modulo the lane width;
// x86 gives 0 (or the sign) for larger counts, so the count is masked.
// There are no byte shifts: i8x16 shifts words and masks (shl, shr_u) or
// widens to words (shr_s); i64x2.shr_s biases by the sign bit.
func (e *emitter) vshift(v *ssa.Value, op wasm.Opcode) (bool, error) {
	type sh struct {
		size int
		op   asm.VecOp
	}
	table := map[wasm.Opcode]sh{
		wasm.OpI8x16Shl: {8, asm.Psllw}, wasm.OpI8x16ShrU: {8, asm.Psrlw}, wasm.OpI8x16ShrS: {8, asm.Psraw},
		wasm.OpI16x8Shl: {16, asm.Psllw}, wasm.OpI16x8ShrU: {16, asm.Psrlw}, wasm.OpI16x8ShrS: {16, asm.Psraw},
		wasm.OpI32x4Shl: {32, asm.Pslld}, wasm.OpI32x4ShrU: {32, asm.Psrld}, wasm.OpI32x4ShrS: {32, asm.Psrad},
		wasm.OpI64x2Shl: {64, asm.Psllq}, wasm.OpI64x2ShrU: {64, asm.Psrlq}, wasm.OpI64x2ShrS: {64, asm.Psrlq},
	}
	s, ok := table[op]
	if !ok {
		return false, nil
	}
	if !e.vshiftConst(v, op) {
		e.vshiftVar(v, op, s.size, s.op)
	}
	return true, nil
}

// extend widens the low (or high) half of x's lanes into d.
func (e *emitter) extend(d, x asm.Reg, op asm.VecOp, high bool) {
	if high {
		e.a.VI(asm.Pshufd, d, x, 0xEE)
		e.a.V(op, d, d)
		return
	}
	e.a.V(op, d, x)
}

// vint lowers the integer operations that need sequences.
func (e *emitter) vint(v *ssa.Value, op wasm.Opcode) (bool, error) {
	a := e.a
	switch op {
	case wasm.OpI8x16Neg, wasm.OpI16x8Neg, wasm.OpI32x4Neg, wasm.OpI64x2Neg:
		sub := map[wasm.Opcode]asm.VecOp{wasm.OpI8x16Neg: asm.Psubb, wasm.OpI16x8Neg: asm.Psubw,
			wasm.OpI32x4Neg: asm.Psubd, wasm.OpI64x2Neg: asm.Psubq}[op]
		x := e.vop(v.Args[0], s1)
		switch d := e.dst(v, s0); {
		case d != x: // 0 - x straight into the result register
			a.XorpsRR(d, d)
			a.V(sub, d, x)
			e.finish(v, d)
		case e.avx():
			a.XorpsRR(s0, s0)
			a.VV(sub, d, s0, x)
		default:
			a.XorpsRR(s0, s0)
			a.V(sub, s0, x)
			e.done(v, s0)
		}
	case wasm.OpV128Not:
		// x ^ all-ones, the ones read from the pool.
		x := e.vop(v.Args[0], s1)
		d := e.dst(v, s0)
		e.vbinM(asm.Pxor, d, x, e.splat64(^uint64(0)))
		e.finish(v, d)
	case wasm.OpV128Bitselect:
		if e.avx() && laneMask(v.Args[2]) {
			e.blendv(v)
			break
		}
		if e.avx() {
			// (x1 & c) | (~c & x2), no copies.
			c := e.vop(v.Args[2], s2)
			a.VV(asm.Pand, s0, e.vop(v.Args[0], s0), c)
			a.VV(asm.Pandn, s1, c, e.vop(v.Args[1], s1))
			d := e.dst(v, s0)
			a.VV(asm.Por, d, s0, s1)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		e.load(s1, v.Args[2])
		a.V(asm.Pand, s0, s1)
		a.V(asm.Pandn, s1, e.vop(v.Args[1], s2))
		a.V(asm.Por, s0, s1)
		e.done(v, s0)
	case wasm.OpV128AnyTrue, wasm.OpI8x16AllTrue, wasm.OpI16x8AllTrue, wasm.OpI32x4AllTrue, wasm.OpI64x2AllTrue:
		cond := e.vectorTest(v)
		d := e.dst(v, rA)
		a.Setcc(cond, d)
		a.Movzx(32, 8, d, d)
		e.finish(v, d)
	case wasm.OpI8x16Bitmask, wasm.OpI16x8Bitmask, wasm.OpI32x4Bitmask, wasm.OpI64x2Bitmask:
		x := e.vop(v.Args[0], s0)
		d := e.dst(v, rA)
		switch op {
		case wasm.OpI8x16Bitmask:
			a.Pmovmskb(d, x)
		case wasm.OpI16x8Bitmask:
			e.v3(asm.Packsswb, s1, x, x)
			a.Pmovmskb(d, s1)
			a.ShrRI(32, d, 8)
		case wasm.OpI32x4Bitmask:
			a.Movmskps(d, x)
		default:
			a.Movmskpd(d, x)
		}
		e.finish(v, d)
	case wasm.OpI64x2Abs:
		if e.avx() {
			// 0 - x where x is negative: the blend takes its mask from
			// the lanes' sign bits, in any register (SSE4.1's blendvpd
			// wants it in X0). Three instructions, Cranelift's sequence.
			x := e.vop(v.Args[0], s1)
			a.VV(asm.Pxor, s0, s0, s0)
			a.VV(asm.Psubq, s0, s0, x)
			d := e.dst(v, s0)
			a.Vblendvpd(d, x, s0, x)
			e.finish(v, d)
			break
		}
		// (x ^ s) - s, s each lane's sign spread over it: the high
		// dwords copied down (pshufd, which also copies x) and shifted
		// arithmetically; the result written in place.
		x := e.vop(v.Args[0], s0)
		a.VI(asm.Pshufd, s1, x, 0xF5)
		a.VShiftI(asm.PsradI, s1, 31)
		d := e.dst(v, s0)
		if d != x {
			a.V(asm.Movaps, d, x)
		}
		a.V(asm.Pxor, d, s1)
		a.V(asm.Psubq, d, s1)
		e.finish(v, d)
	case wasm.OpI64x2Mul:
		if e.avx() {
			e.i64x2MulAVX(v)
			break
		}
		// lo(a)*lo(b) + (hi(a)*lo(b) + lo(a)*hi(b)) << 32.
		x := e.vop(v.Args[0], s2)
		y := e.vop(v.Args[1], s3)
		a.V(asm.Movaps, s0, x)
		a.VShiftI(asm.PsrlqI, s0, 32)
		a.V(asm.Pmuludq, s0, y)
		a.V(asm.Movaps, s1, y)
		a.VShiftI(asm.PsrlqI, s1, 32)
		a.V(asm.Pmuludq, s1, x)
		a.V(asm.Paddq, s0, s1)
		a.VShiftI(asm.PsllqI, s0, 32)
		e.v3(asm.Pmuludq, s1, x, y)
		a.V(asm.Paddq, s0, s1)
		e.done(v, s0)
	case wasm.OpI8x16Popcnt:
		// Each nibble's count looked up with pshufb, the two added.
		x := e.vop(v.Args[0], s0)
		e.shiftI(asm.PsrlwI, s1, x, 4)
		e.vbinM(asm.Pand, s0, x, e.splat8(0x0F))
		e.vbinM(asm.Pand, s1, s1, e.splat8(0x0F))
		lut := e.vconst(0x0302020102010100, 0x0403030203020201)
		if e.avx() {
			a.VM(asm.Movdqu, s2, lut)
			a.VV(asm.Pshufb, s0, s2, s0)
			a.VV(asm.Pshufb, s1, s2, s1)
			d := e.dst(v, s0)
			a.VV(asm.Paddb, d, s0, s1)
			e.finish(v, d)
			break
		}
		a.VM(asm.Movdqu, s2, lut)
		a.V(asm.Movaps, s3, s2)
		a.V(asm.Pshufb, s2, s0)
		a.V(asm.Pshufb, s3, s1)
		a.V(asm.Paddb, s2, s3)
		e.done(v, s2)
	// The pairwise sums are multiply-adds by ones: pmaddubsw (its first
	// operand's bytes unsigned, its second's signed) and pmaddwd; the
	// unsigned 16-bit form biases to signed and back. Constants are read
	// from the pool in place, results written to the result register.
	case wasm.OpI16x8ExtaddPairwiseI8x16S:
		x := e.vop(v.Args[0], s1)
		a.VM(asm.Movdqu, s0, e.splat8(1))
		d := e.dst(v, s0)
		if d == x && !e.avx() {
			// SSE's copy of the ones into d would overwrite x.
			a.V(asm.Pmaddubsw, s0, x)
			e.done(v, s0)
			break
		}
		e.v3(asm.Pmaddubsw, d, s0, x)
		e.finish(v, d)
	case wasm.OpI16x8ExtaddPairwiseI8x16U:
		d := e.dst(v, s0)
		e.vbinM(asm.Pmaddubsw, d, e.vop(v.Args[0], s1), e.splat8(1))
		e.finish(v, d)
	case wasm.OpI32x4ExtaddPairwiseI16x8S:
		d := e.dst(v, s0)
		e.vbinM(asm.Pmaddwd, d, e.vop(v.Args[0], s1), e.splat16(1))
		e.finish(v, d)
	case wasm.OpI32x4ExtaddPairwiseI16x8U:
		e.vbinM(asm.Pxor, s0, e.vop(v.Args[0], s1), e.splat16(0x8000))
		e.vbinM(asm.Pmaddwd, s0, s0, e.splat16(1))
		d := e.dst(v, s0)
		e.vbinM(asm.Paddd, d, s0, e.splat32(0x00010000))
		e.finish(v, d)
	case wasm.OpI16x8Q15mulrSatS:
		if e.avx() {
			// Lanes that overflowed to 0x8000 (only -1 * -1) flip
			// to 0x7fff: no copies, the constant read from the pool.
			a.VV(asm.Pmulhrsw, s0, e.vop(v.Args[0], s0), e.vop(v.Args[1], s1))
			a.VVM(asm.Pcmpeqw, s1, s0, e.splat16(0x8000))
			d := e.dst(v, s0)
			a.VV(asm.Pxor, d, s0, s1)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		a.V(asm.Pmulhrsw, s0, e.vop(v.Args[1], s1))
		a.VM(asm.Movdqu, s1, e.splat16(0x8000))
		a.V(asm.Pcmpeqw, s1, s0)
		a.V(asm.Pxor, s0, s1)
		e.done(v, s0)
	case wasm.OpI16x8ExtendHighI8x16S, wasm.OpI16x8ExtendHighI8x16U, wasm.OpI32x4ExtendHighI16x8S,
		wasm.OpI32x4ExtendHighI16x8U, wasm.OpI64x2ExtendHighI32x4S, wasm.OpI64x2ExtendHighI32x4U:
		ext := map[wasm.Opcode]asm.VecOp{
			wasm.OpI16x8ExtendHighI8x16S: asm.Pmovsxbw, wasm.OpI16x8ExtendHighI8x16U: asm.Pmovzxbw,
			wasm.OpI32x4ExtendHighI16x8S: asm.Pmovsxwd, wasm.OpI32x4ExtendHighI16x8U: asm.Pmovzxwd,
			wasm.OpI64x2ExtendHighI32x4S: asm.Pmovsxdq, wasm.OpI64x2ExtendHighI32x4U: asm.Pmovzxdq}[op]
		// pshufd reads all of x before d is written: d may be x.
		d := e.dst(v, s0)
		e.extend(d, e.vop(v.Args[0], s1), ext, true)
		e.finish(v, d)
	default:
		em, ok := extmuls.Get()[op]
		if !ok {
			return false, nil
		}
		if e.extmulShort(v, em) {
			break
		}
		x := e.vop(v.Args[0], s2)
		y := e.vop(v.Args[1], s3)
		e.extend(s0, x, em.ext, em.high)
		e.extend(s1, y, em.ext, em.high)
		if e.avx() {
			d := e.dst(v, s0)
			a.VV(em.mul, d, s0, s1)
			e.finish(v, d)
			break
		}
		a.V(em.mul, s0, s1)
		e.done(v, s0)
	}
	return true, nil
}

// extmulShort emits the extended multiplications that need no widening
// first: i64x2's (pshufd puts each source dword in an even lane, which
// pmuldq/pmuludq read) and, with AVX, i32x4's (the low and high halves of
// the 16-bit products, interleaved). Three instructions, where widening
// both operands takes three to five and i32x4's pmulld is slow on Intel.
func (e *emitter) extmulShort(v *ssa.Value, em extmulOp) bool {
	a := e.a
	switch {
	case em.mul == asm.Pmuldq || em.mul == asm.Pmuludq:
		imm := uint8(0x50) // dwords 0, 0, 1, 1
		if em.high {
			imm = 0xFA // 2, 2, 3, 3
		}
		a.VI(asm.Pshufd, s0, e.vop(v.Args[0], s0), imm)
		a.VI(asm.Pshufd, s1, e.vop(v.Args[1], s1), imm)
		d := e.dst(v, s0)
		e.v3(em.mul, d, s0, s1)
		e.finish(v, d)
		return true
	case em.mul == asm.Pmulld && e.avx():
		hi, unpack := asm.Pmulhw, asm.Punpcklwd
		if em.ext == asm.Pmovzxwd {
			hi = asm.Pmulhuw
		}
		if em.high {
			unpack = asm.Punpckhwd
		}
		x, y := e.vop(v.Args[0], s0), e.vop(v.Args[1], s1)
		a.VV(asm.Pmullw, s2, x, y)
		a.VV(hi, s3, x, y)
		d := e.dst(v, s0)
		a.VV(unpack, d, s2, s3)
		e.finish(v, d)
		return true
	}
	return false
}

// extmuls widen both operands, then multiply at the wider size.
type extmulOp struct {
	ext, mul asm.VecOp
	high     bool
}

var extmuls = lazy.Value[map[wasm.Opcode]extmulOp]{New: func() map[wasm.Opcode]extmulOp {
	return map[wasm.Opcode]extmulOp{
		wasm.OpI16x8ExtmulLowI8x16S: {asm.Pmovsxbw, asm.Pmullw, false}, wasm.OpI16x8ExtmulHighI8x16S: {asm.Pmovsxbw, asm.Pmullw, true},
		wasm.OpI16x8ExtmulLowI8x16U: {asm.Pmovzxbw, asm.Pmullw, false}, wasm.OpI16x8ExtmulHighI8x16U: {asm.Pmovzxbw, asm.Pmullw, true},
		wasm.OpI32x4ExtmulLowI16x8S: {asm.Pmovsxwd, asm.Pmulld, false}, wasm.OpI32x4ExtmulHighI16x8S: {asm.Pmovsxwd, asm.Pmulld, true},
		wasm.OpI32x4ExtmulLowI16x8U: {asm.Pmovzxwd, asm.Pmulld, false}, wasm.OpI32x4ExtmulHighI16x8U: {asm.Pmovzxwd, asm.Pmulld, true},
		wasm.OpI64x2ExtmulLowI32x4S: {asm.Pmovsxdq, asm.Pmuldq, false}, wasm.OpI64x2ExtmulHighI32x4S: {asm.Pmovsxdq, asm.Pmuldq, true},
		wasm.OpI64x2ExtmulLowI32x4U: {asm.Pmovzxdq, asm.Pmuludq, false}, wasm.OpI64x2ExtmulHighI32x4U: {asm.Pmovzxdq, asm.Pmuludq, true},
	}
}}

// vfloat lowers the float operations that need sequences.
func (e *emitter) vfloat(v *ssa.Value, op wasm.Opcode) (bool, error) {
	a := e.a
	switch op {
	case wasm.OpF32x4Abs, wasm.OpF64x2Abs, wasm.OpF32x4Neg, wasm.OpF64x2Neg:
		if e.avx() {
			// The sign mask read from the pool: one instruction.
			m := map[wasm.Opcode]struct {
				op   asm.VecOp
				mask uint64
			}{
				wasm.OpF32x4Abs: {asm.Andps, 0x7fffffff7fffffff}, wasm.OpF64x2Abs: {asm.Andps, 0x7fffffffffffffff},
				wasm.OpF32x4Neg: {asm.Xorps, 0x8000000080000000}, wasm.OpF64x2Neg: {asm.Xorps, 0x8000000000000000},
			}[op]
			d := e.dst(v, s0)
			a.VVM(m.op, d, e.vop(v.Args[0], s1), e.splat64(m.mask))
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		a.V(asm.Pcmpeqd, s1, s1)
		switch op {
		case wasm.OpF32x4Abs:
			a.VShiftI(asm.PsrldI, s1, 1)
			a.V(asm.Andps, s0, s1)
		case wasm.OpF64x2Abs:
			a.VShiftI(asm.PsrlqI, s1, 1)
			a.V(asm.Andps, s0, s1)
		case wasm.OpF32x4Neg:
			a.VShiftI(asm.PslldI, s1, 31)
			a.V(asm.Xorps, s0, s1)
		default:
			a.VShiftI(asm.PsllqI, s1, 63)
			a.V(asm.Xorps, s0, s1)
		}
		e.done(v, s0)
	case wasm.OpF32x4Min, wasm.OpF64x2Min:
		// Both orders, or (keeps -0 and NaN), then NaN lanes made
		// canonical by clearing the payload below the quiet bit.
		mn, cmp, sh, shift := asm.Minps, asm.Cmpps, asm.PsrldI, uint8(10)
		if op == wasm.OpF64x2Min {
			mn, cmp, sh, shift = asm.Minpd, asm.Cmppd, asm.PsrlqI, 13
		}
		x := e.vop(v.Args[0], s2)
		y := e.vop(v.Args[1], s3)
		e.v3(mn, s0, x, y)
		e.v3(mn, s1, y, x)
		if e.avx() {
			// The same in VEX forms (no legacy SSE between them).
			a.VV(asm.Orps, s0, s0, s1)
			a.VVI(cmp, s1, s1, s0, 3)
			a.VV(asm.Orps, s0, s0, s1)
			a.VShiftIV(sh, s1, s1, shift)
			d := e.dst(v, s0)
			a.VV(asm.Andnps, d, s1, s0)
			e.finish(v, d)
			break
		}
		a.V(asm.Orps, s0, s1)
		a.VI(cmp, s1, s0, 3) // unordered
		a.V(asm.Orps, s0, s1)
		a.VShiftI(sh, s1, shift)
		a.V(asm.Andnps, s1, s0)
		e.done(v, s1)
	case wasm.OpF32x4Max, wasm.OpF64x2Max:
		mx, cmp, sub, sh, shift := asm.Maxps, asm.Cmpps, asm.Subps, asm.PsrldI, uint8(10)
		if op == wasm.OpF64x2Max {
			mx, cmp, sub, sh, shift = asm.Maxpd, asm.Cmppd, asm.Subpd, asm.PsrlqI, 13
		}
		shv := sh
		x := e.vop(v.Args[0], s2)
		y := e.vop(v.Args[1], s3)
		e.v3(mx, s0, x, y)
		e.v3(mx, s1, y, x)
		if e.avx() {
			// The same, every step three-operand: no copy of r for
			// the NaN test.
			a.VV(asm.Xorps, s1, s1, s0)
			a.VV(asm.Orps, s0, s0, s1)
			a.VVI(cmp, s2, s0, s0, 3)
			a.VV(sub, s0, s0, s1)
			a.VShiftIV(shv, s2, s2, shift)
			d := e.dst(v, s0)
			a.VV(asm.Andnps, d, s2, s0)
			e.finish(v, d)
			break
		}
		a.V(asm.Xorps, s1, s0) // d = m1 ^ m2
		a.V(asm.Orps, s0, s1)  // r = m1 | d
		a.V(asm.Movaps, s2, s0)
		a.VI(cmp, s2, s2, 3) // NaN lanes of r
		a.V(sub, s0, s1)     // r - d: +0 for a mix of zeros
		a.VShiftI(sh, s2, shift)
		if e.avx() {
			d := e.dst(v, s0)
			a.VV(asm.Andnps, d, s2, s0)
			e.finish(v, d)
			break
		}
		a.V(asm.Andnps, s2, s0)
		e.done(v, s2)
	case wasm.OpF32x4ConvertI32x4U:
		// Exact low 16 bits plus the high part halved, converted, doubled.
		if e.avx() {
			// Three-operand forms: x is read where it is, the sum
			// goes straight to the result.
			x := e.vop(v.Args[0], s0)
			a.VShiftIV(asm.PslldI, s1, x, 16)
			a.VShiftI(asm.PsrldI, s1, 16)
			a.VV(asm.Psubd, s0, x, s1)
			a.V(asm.Cvtdq2ps, s1, s1)
			a.VShiftI(asm.PsrldI, s0, 1)
			a.V(asm.Cvtdq2ps, s0, s0)
			a.V(asm.Addps, s0, s0)
			d := e.dst(v, s0)
			a.VV(asm.Addps, d, s0, s1)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		a.V(asm.Movaps, s1, s0)
		a.VShiftI(asm.PslldI, s1, 16)
		a.VShiftI(asm.PsrldI, s1, 16)
		a.V(asm.Psubd, s0, s1)
		a.V(asm.Cvtdq2ps, s1, s1)
		a.VShiftI(asm.PsrldI, s0, 1)
		a.V(asm.Cvtdq2ps, s0, s0)
		a.V(asm.Addps, s0, s0)
		a.V(asm.Addps, s0, s1)
		e.done(v, s0)
	case wasm.OpF64x2ConvertLowI32x4U:
		// 2^52 + u as a double (u in the low mantissa), minus 2^52.
		e.vbinM(asm.Unpcklps, s0, e.vop(v.Args[0], s1), e.splat32(0x43300000))
		d := e.dst(v, s0)
		e.vbinM(asm.Subpd, d, s0, e.splat64(0x4330000000000000))
		e.finish(v, d)
	case wasm.OpI32x4TruncSatF32x4S:
		if e.avx() {
			// The SSE sequence below without its copies: NaN lanes
			// zeroed, then lanes that overflowed to 0x80000000 from a
			// positive input flipped to 0x7fffffff.
			x := e.vop(v.Args[0], s0)
			a.VVI(asm.Cmpps, s1, x, x, 0) // not NaN
			a.VV(asm.Andps, s0, x, s1)
			a.VV(asm.Pxor, s1, s1, s0)
			a.V(asm.Cvttps2dq, s0, s0)
			a.VV(asm.Pand, s1, s1, s0)
			a.VShiftI(asm.PsradI, s1, 31)
			d := e.dst(v, s0)
			a.VV(asm.Pxor, d, s0, s1)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		a.V(asm.Movaps, s1, s0)
		a.VI(asm.Cmpps, s1, s1, 0) // not NaN
		a.V(asm.Andps, s0, s1)
		a.V(asm.Pxor, s1, s0)
		a.V(asm.Cvttps2dq, s0, s0)
		a.V(asm.Pand, s1, s0)
		a.VShiftI(asm.PsradI, s1, 31)
		a.V(asm.Pxor, s0, s1)
		e.done(v, s0)
	case wasm.OpI32x4TruncSatF32x4U:
		if e.avx() {
			// The SSE sequence below with 2^31 read from the pool and
			// no copies: x >= 2^31 lanes convert x - 2^31 (or
			// saturate), added to cvttps2dq(x)'s 0x80000000.
			a.VV(asm.Pxor, s1, s1, s1)
			a.VV(asm.Maxps, s0, e.vop(v.Args[0], s0), s1) // NaN and negatives to 0
			a.VVM(asm.Subps, s3, s0, e.splat32(0x4f000000))
			a.VVMI(asm.Cmpps, s2, s3, e.splat32(0x4f000000), 5) // x - 2^31 >= 2^31 (not less)
			a.V(asm.Cvttps2dq, s3, s3)
			a.VV(asm.Pxor, s3, s3, s2)
			a.VV(asm.Pmaxsd, s3, s3, s1)
			a.V(asm.Cvttps2dq, s0, s0)
			d := e.dst(v, s0)
			a.VV(asm.Paddd, d, s0, s3)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		a.XorpsRR(s1, s1)
		a.V(asm.Maxps, s0, s1)
		a.V(asm.Pcmpeqd, s2, s2)
		a.VShiftI(asm.PsrldI, s2, 1)
		a.V(asm.Cvtdq2ps, s2, s2) // 2^31
		e.v3(asm.Subps, s3, s0, s2)
		a.VI(asm.Cmpps, s2, s3, 2) // 2^31 <= x - 2^31
		a.V(asm.Cvttps2dq, s3, s3)
		a.V(asm.Pxor, s3, s2)
		a.V(asm.Pmaxsd, s3, s1)
		a.V(asm.Cvttps2dq, s0, s0)
		a.V(asm.Paddd, s0, s3)
		e.done(v, s0)
	case wasm.OpI32x4TruncSatF64x2SZero:
		if e.avx() {
			// NaN lanes and the top clamped to 2^31-1 by one minpd
			// against (x == x) & 2^31-1: 0 for NaN; no copies.
			x := e.vop(v.Args[0], s0)
			a.VVI(asm.Cmppd, s1, x, x, 0)
			a.VVM(asm.Andpd, s1, s1, e.splat64(math.Float64bits(2147483647)))
			a.VV(asm.Minpd, s0, x, s1)
			d := e.dst(v, s0)
			a.V(asm.Cvttpd2dq, d, s0)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		a.V(asm.Movaps, s1, s0)
		a.VI(asm.Cmppd, s1, s1, 0)
		a.VM(asm.Andpd, s1, e.splat64(math.Float64bits(2147483647)))
		a.V(asm.Minpd, s0, s1)
		a.V(asm.Cvttpd2dq, s0, s0)
		e.done(v, s0)
	case wasm.OpI32x4TruncSatF64x2UZero:
		if e.avx() {
			// Clamped to [0, 2^32-1] (NaN to 0 by maxpd's second
			// operand), truncated, and 2^52 added, which leaves the
			// integer in each low dword; shufps packs those.
			a.VV(asm.Pxor, s1, s1, s1)
			a.VV(asm.Maxpd, s0, e.vop(v.Args[0], s0), s1)
			a.VVM(asm.Minpd, s0, s0, e.splat64(math.Float64bits(4294967295)))
			a.VI(asm.Roundpd, s0, s0, uint8(asm.RoundTrunc|asm.RoundNoExc))
			a.VVM(asm.Addpd, s0, s0, e.splat64(0x4330000000000000))
			d := e.dst(v, s0)
			a.VVI(asm.Shufps, d, s0, s1, 0x88)
			e.finish(v, d)
			break
		}
		e.load(s0, v.Args[0])
		a.XorpsRR(s1, s1)
		a.V(asm.Maxpd, s0, s1)
		a.VM(asm.Minpd, s0, e.splat64(math.Float64bits(4294967295)))
		a.VI(asm.Roundpd, s0, s0, uint8(asm.RoundTrunc|asm.RoundNoExc))
		a.VM(asm.Addpd, s0, e.splat64(0x4330000000000000))
		a.VI(asm.Shufps, s0, s1, 0x88)
		e.done(v, s0)
	default:
		return false, nil
	}
	return true, nil
}

// vectorTest sets the flags for any_true or all_true and returns the
// condition that holds when the result is true.
func (e *emitter) vectorTest(v *ssa.Value) asm.Cond {
	a := e.a
	x := e.vop(v.Args[0], s0)
	eq, ok := map[wasm.Opcode]asm.VecOp{wasm.OpI8x16AllTrue: asm.Pcmpeqb, wasm.OpI16x8AllTrue: asm.Pcmpeqw,
		wasm.OpI32x4AllTrue: asm.Pcmpeqd, wasm.OpI64x2AllTrue: asm.Pcmpeqq}[ssa.Fd(uint32(v.Aux2))]
	if !ok { // any_true
		a.V(asm.Ptest, x, x)
		return asm.CondNE
	}
	if w := maskLaneBytes(v.Args[0]); w != 0 && w >= allTrueLaneBytes(ssa.Fd(uint32(v.Aux2))) {
		// x is a lane mask (each lane of w bytes all ones or zero, as
		// comparisons make it) with lanes at least as wide as the
		// test's: all lanes are true exactly when all bits are set,
		// ptest's CF against all ones. memcmp-like loops branch on
		// all_true (eq a b); two instructions where the general test
		// is three.
		a.V(asm.Pcmpeqd, s1, s1)
		a.V(asm.Ptest, x, s1)
		return asm.CondB
	}
	// All lanes true: no lane equals zero.
	a.XorpsRR(s1, s1)
	a.V(eq, s1, x)
	a.V(asm.Ptest, s1, s1)
	return asm.CondE
}

// allTrueLaneBytes returns the lane width in bytes of all_true op (a
// switch, not a package map: a map would initialise this package in
// lucet-run, TestRunSONoCompilerInit).
func allTrueLaneBytes(op wasm.Opcode) int {
	switch op {
	case wasm.OpI8x16AllTrue:
		return 1
	case wasm.OpI16x8AllTrue:
		return 2
	case wasm.OpI32x4AllTrue:
		return 4
	}
	return 8
}

// maskLaneBytes returns the lane width in bytes of x when x is a lane
// mask, the result of a vector comparison (every lane all ones or all
// zeros), and 0 otherwise.
func maskLaneBytes(x *ssa.Value) int {
	if x.Op != ssa.OpSIMD {
		return 0
	}
	switch op := ssa.Fd(uint32(x.Aux2)); {
	case op >= wasm.OpI8x16Eq && op <= wasm.OpI8x16GeU:
		return 1
	case op >= wasm.OpI16x8Eq && op <= wasm.OpI16x8GeU:
		return 2
	case op >= wasm.OpI32x4Eq && op <= wasm.OpF32x4Ge:
		return 4
	case op >= wasm.OpF64x2Eq && op <= wasm.OpF64x2Ge, op >= wasm.OpI64x2Eq && op <= wasm.OpI64x2GeS:
		return 8
	}
	return 0
}
