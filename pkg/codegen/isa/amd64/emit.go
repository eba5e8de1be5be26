package amd64

import (
	"fmt"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Scratch registers of the emitter; see package regalloc.
const (
	rA  = asm.RAX
	rC  = asm.RCX
	rD  = asm.RDX
	x14 = asm.X14
	x15 = asm.X15
)

type trapStub struct {
	label asm.Label
	code  abi.TrapCode
	pos   int32
}

type outOfLine struct {
	label, back asm.Label
	v           *ssa.Value
}

// emitter lowers an allocated SSA function to x86-64.
type emitter struct {
	a       *asm.Assembler
	m       *wasm.Module
	f       *ssa.Func
	ra      *regalloc.Result
	opts    *ssa.Options
	values  []valueSpan // for emitTrace only
	pos     []int32
	labels  []asm.Label // by block ID
	traps   []trapStub
	sites   []isa.Site
	ool     []outOfLine
	limit   limitStub // the prologue's stack check's slow path, if it has one
	consts  map[uint64]asm.Label
	constOr []uint64
	vconsts map[[2]uint64]asm.Label // 16-byte constants (emit_simd.go)
	vorder  []vconstRow
	// vtables are the tables of 16-byte rows in the pool, by kind
	// (emit_simd_varshift.go).
	vtables [vtableCount]asm.Label
	next    *ssa.Block // block laid out after the current one
	tuned   uint64     // isa.FuncCode.Tuned
	// checked maps an address value to the largest access end already
	// bounds-checked in the current block; memory never shrinks, so a
	// later access within it needs no check.
	checked map[*ssa.Value]uint64
	// flagsFor is the value whose zero-ness the flags hold right now.
	flagsFor *ssa.Value
	// spill is the last store of a register to a stack slot (storeMem)
	// and where it ends: a load of that slot right after it is the
	// register itself (loadMem).
	spill struct {
		end int
		m   asm.Mem
		r   asm.Reg
		t   ssa.Type
	}
	// held is the value whose result is left in heldReg (RAX or RDX) for
	// heldUser, the next value emitted (callfold.go).
	held, heldUser *ssa.Value
	heldReg        asm.Reg
	at             int // the index in its block of the value being emitted
	// fallsThrough says whether the code emitted last runs on into the
	// next block (placement.go: loop heads with calls).
	fallsThrough bool
	// splitIn are the values in their split register in the block being
	// emitted (emit_split.go).
	splitIn []*ssa.Value
	// cmpFlags is the integer comparison intCompare just materialized
	// (setcc and movzx, and stores to slots, leave the flags alone);
	// prevCmp is that of the value emitted before the current one.
	cmpFlags, prevCmp *ssa.Value
	// selFlags is the comparison fused into selects whose flags the
	// select just emitted left, as condition selCond; selPrev is that of
	// the value emitted before the current one (emit_select.go).
	selFlags, selPrev *ssa.Value
	selCond           asm.Cond
	// boolFlags is the comparison intCompare or floatCompare just
	// materialized, whose flags still say boolCond when it holds;
	// boolPrev is that of the value emitted before the current one, so a
	// select on it right after needs no test (emit_ops.go, sel).
	boolFlags, boolPrev *ssa.Value
	boolCond            asm.Cond
	frame               int32 // bytes below rbp
	// saved are the callee-saved registers the function allocates, kept
	// in the slots after the spill slots from the prologue to each return.
	saved []asm.Reg
	// saveAt is the block at whose top the saves are made, nil for the
	// prologue; inRegion marks, by block ID, the blocks after them, and
	// unsaved says the code being emitted is outside (shrinkwrap.go).
	saveAt   *ssa.Block
	inRegion []bool
	unsaved  bool
	// threaded memoizes thread, by block ID.
	threaded []*ssa.Block
	// latch marks, by block ID, the back-edge blocks whose moves the
	// branch before them does (latch.go); liveIn maps Block.LiveIn's IDs
	// to values for that, computed when first needed; keepFlags makes
	// loadConst leave the flags alone (mov r, 0 rather than xor r, r).
	latch     []bool
	liveIn    []*ssa.Value
	keepFlags bool
	// pending and edgeMs are parallelMove's and edgeMoves' buffers,
	// reused from move to move.
	pending, edgeMs []pmove
	// jumpTables are the br_tables' tables, emitted after the code
	// (placement.go), their targets in tableTargets.
	jumpTables   []jumpTable
	tableTargets []asm.Label
	// spans are the loops' places in the code (placement.go).
	spans []loopSpan
}

func slotMem(s int32) asm.Mem { return asm.M(asm.RBP, -16-8*s) }

// ---- frame and calling convention ----

// convention returns, for a signature, the location of each parameter
// (register, or stack index k meaning [rsp+8k] at the call) and the
// number of stack slots for parameters.
func convention(params []ssa.Type) (regs []asm.Reg, stackIdx []int, nStack int) {
	ni, nf := 0, 0
	regs = make([]asm.Reg, len(params))
	stackIdx = make([]int, len(params))
	for i, t := range params {
		regs[i] = asm.NoReg
		stackIdx[i] = -1
		if t.IsFloat() && nf < len(argXMMs) {
			regs[i] = argXMMs[nf]
			nf++
			continue
		}
		if !t.IsFloat() && ni < len(argGPRs) {
			regs[i] = argGPRs[ni]
			ni++
			continue
		}
		stackIdx[i] = nStack
		nStack += slotWidth(t)
	}
	return
}

func resultReg(t ssa.Type) asm.Reg {
	if t.IsFloat() {
		return asm.X0
	}
	return asm.RAX
}

func stackArea(params, results []ssa.Type) int {
	_, _, n := convention(params)
	for _, t := range results[min(1, len(results)):] {
		n += slotWidth(t)
	}
	return n
}

// ---- locations and moves ----

// ploc is a location for the parallel move resolver.
type ploc struct {
	reg asm.Reg
	mem asm.Mem
}

func regLoc(r asm.Reg) ploc { return ploc{reg: r} }

func memLoc(m asm.Mem) ploc { return ploc{reg: asm.NoReg, mem: m} }

func (l ploc) isReg() bool { return l.reg != asm.NoReg }

func (l ploc) eq(o ploc) bool { return l.reg == o.reg && (l.isReg() || l.mem == o.mem) }

func valLoc(v *ssa.Value) ploc {
	if v.Loc.InReg() {
		return regLoc(asm.Reg(v.Loc.Reg))
	}
	return memLoc(slotMem(v.Loc.Slot))
}

type pmove struct {
	dst ploc
	src ploc
	c   *ssa.Value // constant source
	t   ssa.Type
}

func (e *emitter) moveFrom(dst ploc, v *ssa.Value) pmove {
	if v.Op == ssa.OpConst {
		return pmove{dst: dst, c: v, t: v.Type}
	}
	return pmove{dst: dst, src: valLoc(v), t: v.Type}
}

// parallelMove performs moves that conceptually happen at once, breaking
// cycles with RAX or X15; memory-to-memory moves go through RAX when it
// holds no such cycle's value (memTmp), else X14.
func (e *emitter) parallelMove(ms []pmove) {
	pending := e.pending[:0]
	for _, m := range ms {
		if m.c == nil && m.src.eq(m.dst) {
			continue
		}
		pending = append(pending, m)
	}
	defer func() { e.pending = pending[:0] }()
	if len(pending) > 16 {
		e.parallelMoveLarge(pending)
		return
	}
	for len(pending) > 0 {
		progress := false
		for i := 0; i < len(pending); i++ {
			m := pending[i]
			blocked := false
			for j, o := range pending {
				if j != i && o.c == nil && o.src.eq(m.dst) {
					blocked = true
					break
				}
			}
			if blocked {
				continue
			}
			e.emitMoveVia(m, memTmp(pending))
			pending = append(pending[:i], pending[i+1:]...)
			i--
			progress = true
		}
		if progress {
			continue
		}
		d := pending[0].dst
		var t ssa.Type
		for _, o := range pending {
			if o.c == nil && o.src.eq(d) {
				t = o.t
				break
			}
		}
		s := regLoc(rA)
		if t.IsFloat() {
			s = regLoc(x15)
		}
		e.emitMove(pmove{dst: s, src: d, t: t})
		for j := range pending {
			if pending[j].c == nil && pending[j].src.eq(d) {
				pending[j].src = s
			}
		}
	}
}

// memTmp is the register a memory-to-memory move among pending goes
// through: RAX, which store-forwards to the GPR loads that read slots
// without crossing into the vector domain, unless a pending move still
// reads the cycle value parked in it; then X14.
func memTmp(pending []pmove) asm.Reg {
	for _, o := range pending {
		if o.c == nil && o.src.eq(regLoc(rA)) {
			return x14
		}
	}
	return rA
}

// parallelMoveLarge is parallelMove for many moves (a loop header with
// thousands of parameters) in time linear in their number: a move is
// ready when nothing pending reads its destination; when none is, the
// rest are cycles (every location is written by one move at most, so the
// chains hanging off a cycle never lead into another one), and one is
// broken by saving a destination in the scratch register.
func (e *emitter) parallelMoveLarge(ms []pmove) {
	type key struct {
		reg asm.Reg
		mem asm.Mem
	}
	k := func(l ploc) key {
		if l.isReg() {
			return key{reg: l.reg}
		}
		return key{reg: asm.NoReg, mem: l.mem}
	}
	readers := map[key][]int{} // pending moves reading a location
	writer := map[key]int{}    // the move writing a location
	for i, m := range ms {
		if m.c == nil {
			readers[k(m.src)] = append(readers[k(m.src)], i)
		}
		writer[k(m.dst)] = i
	}
	done := make([]bool, len(ms))
	left := make(map[key]int, len(readers)) // readers not yet done
	for l, rs := range readers {
		left[l] = len(rs)
	}
	var ready []int
	for i := len(ms) - 1; i >= 0; i-- {
		if left[k(ms[i].dst)] == 0 {
			ready = append(ready, i)
		}
	}
	next := 0 // lowest index possibly pending, for breaking cycles
	for remaining := len(ms); remaining > 0; {
		if len(ready) == 0 {
			for done[next] {
				next++
			}
			d := ms[next].dst
			var t ssa.Type
			for _, r := range readers[k(d)] {
				if !done[r] {
					t = ms[r].t
					break
				}
			}
			s := regLoc(rA)
			if t.IsFloat() {
				s = regLoc(x15)
			}
			e.emitMove(pmove{dst: s, src: d, t: t})
			for _, r := range readers[k(d)] {
				if !done[r] {
					ms[r].src = s
				}
			}
			readers[k(d)], left[k(d)] = nil, 0
			ready = append(ready, next)
			continue
		}
		i := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		m := ms[i]
		e.emitMove(m)
		done[i] = true
		remaining--
		if m.c != nil || m.src.eq(regLoc(rA)) || m.src.eq(regLoc(x15)) {
			continue
		}
		sk := k(m.src)
		if left[sk]--; left[sk] == 0 {
			if w, ok := writer[sk]; ok && !done[w] {
				ready = append(ready, w)
			}
		}
	}
}

func memSize(t ssa.Type) int {
	if t == ssa.TI32 || t == ssa.TF32 {
		return 32
	}
	return 64
}

// emitMove copies one value between locations. i32 values are always
// loaded with 32-bit moves so registers keep their upper half zero.
// Memory to memory goes through X14 (see emitMoveVia).
func (e *emitter) emitMove(m pmove) { e.emitMoveVia(m, x14) }

// emitMoveVia is emitMove with the register a memory-to-memory move of
// an integer or scalar float goes through: X14, which no value holds and
// no move breaks a cycle with, or RAX where parallelMove knows it free.
// Never RDX, which the allocator hands out across the moves on edges
// (clobber.go). A 4-byte value is widened to the 8 bytes of a slot with
// the upper half zero either way.
func (e *emitter) emitMoveVia(m pmove, tmp asm.Reg) {
	a := e.a
	if m.c != nil {
		e.loadConst(m.dst, m.c)
		return
	}
	sz := memSize(m.t)
	switch {
	case m.dst.isReg() && m.src.isReg():
		if m.dst.reg.IsXMM() && m.src.reg.IsXMM() {
			if m.dst.reg != m.src.reg {
				a.MovapsRR(m.dst.reg, m.src.reg)
			}
		} else if m.dst.reg.IsXMM() {
			if sz == 32 {
				a.MovdXR(m.dst.reg, m.src.reg)
			} else {
				a.MovqXR(m.dst.reg, m.src.reg)
			}
		} else if m.src.reg.IsXMM() {
			if sz == 32 {
				a.MovdRX(m.dst.reg, m.src.reg)
			} else {
				a.MovqRX(m.dst.reg, m.src.reg)
			}
		} else if m.dst.reg != m.src.reg {
			a.MovRR(sz, m.dst.reg, m.src.reg)
		}
	case m.dst.isReg():
		e.loadMem(m.dst.reg, m.src.mem, m.t)
	case m.src.isReg():
		e.storeMem(m.dst.mem, m.src.reg, m.t)
	default:
		switch {
		case tmp == rA && m.t != ssa.TV128:
			a.MovRM(sz, rA, m.src.mem)
			a.MovMR(64, m.dst.mem, rA)
		case m.t == ssa.TV128:
			a.MovupsRM(x14, m.src.mem)
			a.MovupsMR(m.dst.mem, x14)
		case sz == 32:
			a.MovssRM(x14, m.src.mem)
			a.MovsdMR(m.dst.mem, x14)
		default:
			a.MovsdRM(x14, m.src.mem)
			a.MovsdMR(m.dst.mem, x14)
		}
	}
}

func (e *emitter) loadMem(r asm.Reg, m asm.Mem, t ssa.Type) {
	if e.forward(r, m, t) {
		return
	}
	switch {
	case r.IsXMM() && t == ssa.TF32:
		e.a.MovssRM(r, m)
	case t == ssa.TV128:
		e.a.MovupsRM(r, m)
	case r.IsXMM():
		e.a.MovsdRM(r, m)
	default:
		e.a.MovRM(memSize(t), r, m)
	}
}

func (e *emitter) storeMem(m asm.Mem, r asm.Reg, t ssa.Type) {
	switch {
	case r.IsXMM() && t == ssa.TF32:
		e.a.MovssMR(m, r)
	case t == ssa.TV128:
		e.a.MovupsMR(m, r)
	case r.IsXMM():
		e.a.MovsdMR(m, r)
	default:
		e.a.MovMR(64, m, r)
	}
	e.spill.end, e.spill.m, e.spill.r, e.spill.t = e.a.Len(), m, r, t
}

// forward emits the load of t from m into r as a use of the register the
// instruction just before stored there (storeMem), and reports whether
// it could: nothing, r being that register, or a register move, for a
// value that the allocator spills as it is computed and the next
// instruction reads back (the slot is v's, so t is the type stored; an
// i32 in a register has its upper half zero, see wrap).
func (e *emitter) forward(r asm.Reg, m asm.Mem, t ssa.Type) bool {
	s, ok := e.justStored(m)
	if !ok || e.spill.t != t || r.IsXMM() != s.IsXMM() {
		return false
	}
	switch {
	case r == s:
	case r.IsXMM():
		e.a.MovapsRR(r, s)
	default:
		e.a.MovRR(memSize(t), r, s)
	}
	return true
}

// justStored returns the register the instruction just before stored to
// m (storeMem), if it did. Not when a label is bound in between: a jump
// there comes with other registers.
func (e *emitter) justStored(m asm.Mem) (asm.Reg, bool) {
	s := &e.spill
	if s.end != e.a.Len() || s.end == 0 || s.m != m || e.a.BoundHere() {
		return 0, false
	}
	return s.r, true
}

// loadLow32 loads the low half of 8-byte slot m into GPR d, zero-extended
// (a wrap, a mask): from the register the instruction just before stored
// there when it did, with nothing at all for an i32 already in d.
func (e *emitter) loadLow32(d asm.Reg, m asm.Mem) {
	if s, ok := e.justStored(m); ok && !s.IsXMM() {
		if s != d || e.spill.t != ssa.TI32 {
			e.a.MovRR(32, d, s)
		}
		return
	}
	e.a.MovRM(32, d, m)
}

// constLabel returns a label of an 8-byte constant in the function's pool.
func (e *emitter) constLabel(bits uint64) asm.Label {
	if l, ok := e.consts[bits]; ok {
		return l
	}
	l := e.a.NewLabel()
	e.consts[bits] = l
	e.constOr = append(e.constOr, bits)
	return l
}

func (e *emitter) loadConst(dst ploc, c *ssa.Value) {
	a := e.a
	bits := uint64(c.Aux)
	if c.Type == ssa.TV128 {
		e.loadV128Const(dst, c)
		return
	}
	if dst.isReg() {
		r := dst.reg
		if r.IsXMM() {
			if bits == 0 {
				a.XorpsRR(r, r)
			} else if c.Type == ssa.TF32 || c.Type == ssa.TI32 {
				a.MovssRM(r, asm.LabelMem(e.constLabel(bits)))
			} else {
				a.MovsdRM(r, asm.LabelMem(e.constLabel(bits)))
			}
			return
		}
		if bits == 0 && !e.keepFlags {
			a.XorRR(32, r, r)
		} else {
			a.MovRI(64, r, int64(bits))
		}
		return
	}
	// Immediate stores, so no register is needed (see emitMove): the
	// slot's 8 bytes get the constant, zero-extended from 32 bits for
	// i32 and f32.
	if c.Type == ssa.TI32 || c.Type == ssa.TF32 {
		bits = uint64(uint32(bits))
	}
	if int64(bits) == int64(int32(bits)) {
		a.MovMI(64, dst.mem, int32(bits))
		return
	}
	a.MovMI(32, dst.mem, int32(uint32(bits)))
	a.MovMI(32, dst.mem.Add(4), int32(uint32(bits>>32)))
}

// gpr returns a GPR holding integer value v, loading it into scratch if it
// is spilled or constant.
func (e *emitter) gpr(v *ssa.Value, scratch asm.Reg) asm.Reg {
	if v.Op == ssa.OpConst {
		e.loadConst(regLoc(scratch), v)
		return scratch
	}
	if v.Loc.InReg() {
		return asm.Reg(v.Loc.Reg)
	}
	e.loadMem(scratch, slotMem(v.Loc.Slot), v.Type)
	return scratch
}

// xmm returns an XMM register holding float value v.
func (e *emitter) xmm(v *ssa.Value, scratch asm.Reg) asm.Reg {
	if v.Op == ssa.OpConst {
		e.loadConst(regLoc(scratch), v)
		return scratch
	}
	if v.Loc.InReg() {
		return asm.Reg(v.Loc.Reg)
	}
	e.loadMem(scratch, slotMem(v.Loc.Slot), v.Type)
	return scratch
}

// load copies v into register r (GPR or XMM).
func (e *emitter) load(r asm.Reg, v *ssa.Value) {
	if v.Op == ssa.OpConst {
		e.loadConst(regLoc(r), v)
		return
	}
	e.emitMove(pmove{dst: regLoc(r), src: valLoc(v), t: v.Type})
}

// dst returns the register to compute v into: its own, or scratch.
func (e *emitter) dst(v *ssa.Value, scratch asm.Reg) asm.Reg {
	if v.Loc.InReg() {
		return asm.Reg(v.Loc.Reg)
	}
	return scratch
}

// finish stores a result computed in r to v's slot if v is spilled.
func (e *emitter) finish(v *ssa.Value, r asm.Reg) {
	if !v.Loc.InReg() {
		e.storeMem(slotMem(v.Loc.Slot), r, v.Type)
	}
}

// isReg reports whether v is in register r.
func isReg(v *ssa.Value, r asm.Reg) bool {
	return v.Op != ssa.OpConst && v.Loc.InReg() && asm.Reg(v.Loc.Reg) == r
}

// operand returns a memory operand for v when it is spilled.
func spilled(v *ssa.Value) bool { return v.Op != ssa.OpConst && !v.Loc.InReg() }

// imm32 reports whether integer constant v fits a sign-extended imm32 of
// an operation of v's width.
func imm32(v *ssa.Value) (int32, bool) {
	if v.Op != ssa.OpConst {
		return 0, false
	}
	if v.Type == ssa.TI32 {
		return int32(uint32(v.Aux)), true
	}
	if v.Aux == int64(int32(v.Aux)) {
		return int32(v.Aux), true
	}
	return 0, false
}

// trapLabel returns a label of an out-of-line stub raising code at the
// current instruction.
func (e *emitter) trapLabel(code abi.TrapCode, pos int32) asm.Label {
	l := e.a.NewLabel()
	e.traps = append(e.traps, trapStub{l, code, pos})
	return l
}

// ---- function ----

func (e *emitter) emitFunc() (*isa.FuncCode, error) {
	loweringsOnce.Do(initLowerings)
	e.saved = e.usedCalleeSaved()
	e.shrinkWrap()
	if shrinkWrapTrace != nil {
		shrinkWrapTrace(e)
	}
	e.frame = e.frameSize()
	e.prologue()
	e.bindArgs()
	if err := e.blocks(); err != nil {
		e.splitLocs(nil)
		return nil, err
	}
	e.emitOutOfLine()
	fc, err := e.funcCode()
	if err == nil && emitTrace != nil {
		emitTrace(e.f, fc.Code, e.values)
	}
	return fc, err
}

// usedCalleeSaved returns the callee-saved registers some value of f is
// allocated to (no lowering names one), in the order of calleeSaved.
func (e *emitter) usedCalleeSaved() []asm.Reg {
	var used [3]bool
	n := 0
	mark := func(v *ssa.Value) {
		if !v.Loc.InReg() || !regalloc.NeedsReg(v) {
			return
		}
		for i, r := range calleeSaved {
			if asm.Reg(v.Loc.Reg) == r && !used[i] {
				used[i] = true
				n++
			}
		}
	}
	for _, b := range e.f.Blocks {
		for _, p := range b.Params {
			mark(p)
		}
		for _, v := range b.Values {
			mark(v)
		}
	}
	for _, s := range e.ra.Splits {
		for i, r := range calleeSaved {
			if asm.Reg(s.Reg) == r && !used[i] {
				used[i] = true
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]asm.Reg, 0, n)
	for i, r := range calleeSaved {
		if used[i] {
			out = append(out, r)
		}
	}
	return out
}

// saveSlot is the slot callee-saved register k of e.saved is kept in.
func (e *emitter) saveSlot(k int) asm.Mem { return slotMem(e.ra.NumSlots + int32(k)) }

// frameSize is the size of the frame below the saved rbp: the vmctx
// save, the spill slots, the callee-saved registers and the outgoing
// stack arguments and results of the largest call, 16-byte aligned.
func (e *emitter) frameSize() int32 {
	outArea := 0
	for _, b := range e.f.Blocks {
		for _, v := range b.Values {
			switch v.Op {
			case ssa.OpCall:
				outArea = max(outArea, e.callArea(e.m.FuncType(uint32(v.Aux))))
			case ssa.OpCallIndirect:
				outArea = max(outArea, e.callArea(e.m.Types[v.Aux]))
			case ssa.OpBuiltin:
				outArea = max(outArea, 6)
			}
		}
	}
	frame := 8 + 8*(int(e.ra.NumSlots)+len(e.saved)) + 8*outArea
	if e.ra.NumSlots == 0 && len(e.saved) == 0 && outArea == 0 && !e.leavesInstance() {
		frame = 0 // nothing below rbp: [rbp-8] holds the vmctx only when saved
	}
	return int32((frame + 15) &^ 15)
}

// callArea is the number of stack words a call of type ft passes its
// arguments and results in.
func (e *emitter) callArea(ft wasm.FuncType) int {
	p, _ := ssa.ValTypes(ft.Params)
	r, _ := ssa.ValTypes(ft.Results)
	return stackArea(p, r)
}

// prologue: frame pointer chain, stack check, frame, vmctx save, saves
// of the callee-saved registers the function uses (a trap discards the
// stack, so nothing before them needs to restore them).
func (e *emitter) prologue() {
	a, frame := e.a, e.frame
	e.fastExit()
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	// A function that calls no guest function cannot recurse: with a small
	// frame it stays inside the margin the runtime keeps above the guard
	// page for code that does not check (64 KiB), so it skips the check.
	// A frame of up to checkFrameSlack bytes is checked before it is
	// taken: RSP itself against the limit, one instruction fewer per call;
	// the frame then reaches at most that far into the margin, which still
	// holds an unchecked leaf and the stubs below it.
	// The check is also the entry's interrupt check (limitStub).
	if frame > leafFrameMax || e.callsGuest() {
		big := frame > checkFrameSlack
		if big {
			a.Lea(64, rA, asm.M(asm.RSP, -frame))
			a.CmpRM(64, rA, asm.M(asm.R15, abi.VMStackLimit))
		} else {
			a.CmpRM(64, asm.RSP, asm.M(asm.R15, abi.VMStackLimit))
		}
		e.limitJump(big, e.f.Params)
	}
	if frame > 0 {
		a.SubRI(64, asm.RSP, frame)
	}
	if e.leavesInstance() {
		a.MovMR(64, asm.M(asm.RBP, -8), asm.R15)
	}
	if e.saveAt == nil {
		e.saveCalleeSaved()
	}
}

// bindArgs moves the incoming parameters to their allocated locations.
func (e *emitter) bindArgs() {
	f := e.f
	regs, sidx, _ := convention(f.Params)
	var ms []pmove
	for i, v := range f.Args {
		if !regalloc.NeedsReg(v) || asm.Reg(v.Loc.Reg) == asm.NoReg && v.Loc.Slot < 0 {
			continue
		}
		src := regLoc(regs[i])
		if regs[i] == asm.NoReg {
			src = memLoc(asm.M(asm.RBP, int32(16+8*sidx[i])))
		}
		ms = append(ms, pmove{dst: valLoc(v), src: src, t: v.Type})
	}
	e.parallelMove(ms)
	for _, v := range f.Args {
		e.spillAtDef(v)
	}
}

// blocks emits the blocks in layout order.
func (e *emitter) blocks() error {
	a, f := e.a, e.f
	for _, b := range f.Blocks {
		e.labels[b.ID] = a.NewLabel()
	}
	// Blocks that only jump on without moves are never targeted (every
	// jump is threaded past them), so they are not emitted at all.
	e.findLatches()
	skip := f.WS.Bools(len(f.Blocks))
	for i, b := range f.Blocks {
		skip[i] = i > 0 && (e.thread(b) != b || e.latch[b.ID])
	}
	// next[i] is the first block after i that is emitted.
	next := f.WS.BlockPtrs(len(f.Blocks) + 1)
	for i := len(f.Blocks) - 1; i >= 0; i-- {
		next[i] = next[i+1]
		if i+1 < len(f.Blocks) && !skip[i+1] {
			next[i] = f.Blocks[i+1]
		}
	}
	head, pos := e.loopHeads(skip)
	e.fallsThrough = true              // the prologue runs into the first block
	span := f.WS.Int32s(len(f.Blocks)) // index in e.spans of a head, plus 1
	for i, b := range f.Blocks {
		if skip[i] {
			continue
		}
		e.next = next[i]
		if head[i] {
			if !e.fallsThrough || !callsIn(b) {
				e.alignLoopHead()
			}
			e.spans = append(e.spans, loopSpan{start: int32(a.Len()), depth: b.LoopDepth})
			span[i] = int32(len(e.spans))
		}
		a.Bind(e.labels[b.ID])
		// What the flags hold is known only along straight-line code:
		// the predecessor's branch (a test or cmp of a spilled
		// condition) and edge moves come between its last value and
		// this block's first, and other predecessors jump here with
		// flags of their own. (A select first in the block on a
		// comparison that ended the block before took that
		// comparison's flags as live after the br_if's `cmp slot, 0`
		// had replaced them, and picked the wrong arm: difftest,
		// testdata/flags_block_select.wat.)
		e.flagsFor, e.cmpFlags, e.selFlags, e.boolFlags = nil, nil, nil, nil
		e.unsaved = e.saveAt != nil && !e.inRegion[b.ID]
		if b == e.saveAt {
			e.saveCalleeSaved()
		}
		e.splitLocs(b)
		// Checks done in the only predecessor dominate this block.
		if len(b.Preds) != 1 || i == 0 || b.Preds[0] != f.Blocks[i-1] || skip[i-1] {
			e.resetChecked()
		}
		if b != f.Entry {
			for _, p := range b.Params {
				e.spillAtDef(p)
			}
		}
		e.exitStores(b)
		for k, v := range b.Values {
			start := a.Len()
			e.at = k
			if err := e.value(v); err != nil {
				return err
			}
			if emitTrace != nil && a.Len() > start {
				e.values = append(e.values, valueSpan{v, start, a.Len()})
			}
		}
		if err := e.splitReloads(b); err != nil {
			return err
		}
		termStart := a.Len()
		e.terminator(b)
		end := int32(a.Len())
		if span[i] != 0 {
			e.spans[span[i]-1].headEnd = end
		}
		for _, s := range b.Succs {
			if t := pos[e.target(s.B).ID] - 1; int(t) <= i {
				sp := &e.spans[span[t]-1]
				sp.end = end
				if js, je, ok := a.LastBackJump(e.labels[e.target(s.B).ID]); ok && js >= termStart {
					sp.brStart, sp.brEnd = int32(js), int32(je)
				}
			}
		}
	}
	return nil
}

// emitTrace, when set (by tests only: export_test.go), receives each
// emitted function with the code of each of its values, after the labels
// are resolved; the allocator's clobber sets (clobber.go) are audited
// against it.
var emitTrace func(f *ssa.Func, code []byte, spans []valueSpan)

// valueSpan is the code [start, end) a value's lowering emitted (with its
// spill at definition).
type valueSpan struct {
	v          *ssa.Value
	start, end int
}

// emitOutOfLine emits, after the blocks, the interrupt exits, then the trap
// stubs, then the jump tables and constants.
func (e *emitter) emitOutOfLine() {
	a := e.a
	e.emitLimitStub()
	for _, o := range e.ool {
		// The stub saves and restores the registers of o's block.
		e.splitLocs(o.v.Block)
		e.interruptStub(o)
	}
	e.splitLocs(nil)
	for _, t := range e.traps {
		a.Bind(t.label)
		a.MovRI(32, rD, int64(t.code))
		a.CallRel32(isa.CallTrap)
		e.sites = append(e.sites, isa.Site{Off: int32(a.Len()), Code: t.code, Pos: t.pos})
	}
	e.emitV128Consts()
	e.emitJumpTables()
	if len(e.constOr) > 0 {
		a.Align(8)
		for _, bits := range e.constOr {
			a.Bind(e.consts[bits])
			a.Data64(bits)
		}
	}
}

// funcCode resolves the labels and copies the code out of the assembler,
// which the next function reuses.
func (e *emitter) funcCode() (*isa.FuncCode, error) {
	a := e.a
	if err := a.Finish(); err != nil {
		return nil, err
	}
	fc := &isa.FuncCode{Code: append([]byte(nil), a.Bytes()...), Phases: e.phases(), Tuned: e.tuned}
	if len(e.sites) > 0 {
		// e.sites is the worker's buffer (funcEmitter): copy it out.
		fc.Sites = make([]isa.Site, len(e.sites))
		copy(fc.Sites, e.sites)
	}
	if cs := a.CallFixups(); len(cs) > 0 {
		fc.Calls = make([]isa.Call, len(cs))
		for i, c := range cs {
			fc.Calls[i] = isa.Call{Offset: c.Offset, Target: c.Target}
		}
	}
	return fc, nil
}

// leafFrameMax is the largest frame of a function that skips the stack
// check because it calls no guest function.
const leafFrameMax = 512

// checkFrameSlack is the largest frame checked by comparing RSP before
// the frame is taken (prologue). Below a limit just passed there may then
// be such a frame, an unchecked leaf's and a stub's: a quarter of the
// runtime's margin each at most (the assertion after this fails to
// compile otherwise).
const checkFrameSlack = 4096

const _ = uint(abi.StackMargin/4 - max(checkFrameSlack, leafFrameMax))

// callsGuest reports whether f calls other guest functions (directly,
// through tables or imports).
func (e *emitter) callsGuest() bool { return callsGuest(e.f) }

// callsGuest reports whether f calls a function (of its module, another
// instance or the host), directly or through a table.
func callsGuest(f *ssa.Func) bool {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpCall || v.Op == ssa.OpCallIndirect {
				return true
			}
		}
	}
	return false
}

// leavesInstance reports whether f calls imports or through tables, which
// change R15, so the prologue must save it.
func (e *emitter) leavesInstance() bool {
	for _, b := range e.f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpCallIndirect || v.Op == ssa.OpCall && uint32(v.Aux) < e.m.NumImportedFuncs {
				return true
			}
		}
	}
	return false
}

func (e *emitter) edgeMoves(from *ssa.Block, edge ssa.Edge) {
	if len(edge.Args) == 0 {
		return
	}
	ms := e.edgeMs[:0]
	for i, p := range edge.B.Params {
		if !regalloc.NeedsReg(p) {
			continue
		}
		ms = append(ms, e.moveFrom(valLoc(p), edge.Args[i]))
	}
	e.parallelMove(ms)
	e.edgeMs = ms[:0]
}

// thread skips blocks that only jump on with no moves to do (split edges
// whose parameters were allocated where their arguments already are).
// Results are memoized along the whole chain, so threading every block
// of a long chain (the ends of deeply nested blocks) stays linear; a
// cycle of empty blocks ends at the block where it closes.
func (e *emitter) thread(b *ssa.Block) *ssa.Block {
	if e.threaded == nil {
		e.threaded = e.f.WS.BlockPtrs(int(e.f.NextBlock))
	}
	if t := e.threaded[b.ID]; t != nil {
		return t
	}
	var chain []*ssa.Block
	t := b
	for {
		if r := e.threaded[t.ID]; r != nil {
			t = r
			break
		}
		if len(chain) > len(e.f.Blocks) || e.blockWork(t) || len(t.Values) != 0 || t.Kind != ssa.BlockPlain || len(t.Params) != 0 || !e.noMoves(t.Succs[0]) {
			break
		}
		chain = append(chain, t)
		t = t.Succs[0].B
	}
	for _, c := range chain {
		e.threaded[c.ID] = t
	}
	e.threaded[b.ID] = t
	return t
}

// blockWork reports whether b's code does more than its values, edge
// moves and terminator: the callee-saved saves at its top when it is
// e.saveAt (shrinkwrap.go), the stores of values at a loop exit at its
// top (regalloc.Result.ExitStores), the loads of split values before its
// terminator (emit_split.go). Such a block must be emitted and entered
// where it is, so the three ways of not entering it ask this one
// question: thread jumping past it, findLatches folding its moves into
// its predecessor's branch, copyReturn copying it. For a return block
// (copyReturn) the loads never apply, since it enters no loop; the
// question stays whole so that each caller's safety does not rest on
// which kind of block it happens to look at.
func (e *emitter) blockWork(b *ssa.Block) bool {
	return b == e.saveAt || len(e.ra.ExitStores(b)) > 0 || len(e.ra.Reloads(b)) > 0
}

// resetChecked forgets the bounds checks of the previous block. A map
// that grew large is replaced rather than cleared: clearing costs its
// capacity, at every block.
func (e *emitter) resetChecked() {
	if len(e.checked) > 64 {
		e.checked = map[*ssa.Value]uint64{}
	} else if len(e.checked) > 0 {
		clear(e.checked)
	}
}

func (e *emitter) noMoves(edge ssa.Edge) bool {
	for i, p := range edge.B.Params {
		if !regalloc.NeedsReg(p) {
			continue
		}
		a := edge.Args[i]
		if a.Op == ssa.OpConst || !valLoc(a).eq(valLoc(p)) {
			return false
		}
	}
	return true
}

// jumpTo continues at b: by falling through when b comes next, by
// emitting a small return block again here (tailcopy.go), else by a jump.
func (e *emitter) jumpTo(b *ssa.Block) {
	b = e.thread(b)
	e.fallsThrough = b == e.next
	if !e.fallsThrough && !e.copyReturn(b) {
		e.a.Jmp(e.labels[b.ID])
	}
	e.fallsThrough = b == e.next // copyReturn's return cleared it
}

// intConds is an array, not a map: the linker lays it out, so linking the
// compiler costs no start-up work.
var intConds = [ssa.OpCount]asm.Cond{
	ssa.OpEq: asm.CondE, ssa.OpNe: asm.CondNE, ssa.OpLtS: asm.CondL, ssa.OpLtU: asm.CondB, ssa.OpGtS: asm.CondG,
	ssa.OpGtU: asm.CondA, ssa.OpLeS: asm.CondLE, ssa.OpLeU: asm.CondBE, ssa.OpGeS: asm.CondGE, ssa.OpGeU: asm.CondAE,
	ssa.OpEqz: asm.CondE,
}

func (e *emitter) terminator(b *ssa.Block) {
	a := e.a
	switch b.Kind {
	case ssa.BlockPlain:
		e.edgeMoves(b, b.Succs[0])
		e.jumpTo(b.Succs[0].B)
	case ssa.BlockIf:
		var cond asm.Cond
		c := b.Control
		if cc, ok := e.flagsHoldZeroTest(b, c); ok {
			cond = cc
		} else if c.Fused {
			cond = e.compare(c)
		} else if c.Op == ssa.OpConst {
			t := b.Succs[1].B
			if uint32(c.Aux) != 0 {
				t = b.Succs[0].B
			}
			e.jumpTo(t)
			return
		} else {
			switch {
			case c == e.flagsFor && c.Block == b && b.Values[len(b.Values)-1] == c:
				// The ALU instruction that computed c set ZF already.
			case spilled(c):
				a.CmpMI(32, slotMem(c.Loc.Slot), 0)
			default:
				a.TestRR(32, asm.Reg(c.Loc.Reg), asm.Reg(c.Loc.Reg))
			}
			cond = asm.CondNE
		}
		if k := e.latchSucc(b); k >= 0 {
			e.foldLatch(b, k, cond)
			return
		}
		t, f := e.thread(b.Succs[0].B), e.thread(b.Succs[1].B)
		if t == e.next {
			a.Jcc(cond.Invert(), e.labels[f.ID])
			e.fallsThrough = true
		} else {
			a.Jcc(cond, e.labels[t.ID])
			e.jumpTo(f)
		}
	case ssa.BlockBrTable:
		if len(b.Succs) == 1 {
			e.edgeMoves(b, b.Succs[0])
			e.jumpTo(b.Succs[0].B)
			return
		}
		idx := e.gpr(b.Control, rC)
		n := len(b.Table) - 1
		def := b.Table[n]
		a.CmpRI(32, idx, int32(n))
		a.Jcc(asm.CondAE, e.labels[e.thread(b.Succs[def].B).ID])
		tbl := a.NewLabel()
		a.LeaRIPLabel(rA, tbl)
		a.MovsxRM(64, 32, rD, asm.MI(rA, idx, 4, 0))
		a.AddRR(64, rA, rD)
		a.JmpR(rA)
		lo := int32(len(e.tableTargets))
		for _, k := range b.Table[:n] {
			e.tableTargets = append(e.tableTargets, e.labels[e.thread(b.Succs[k].B).ID])
		}
		e.jumpTables = append(e.jumpTables, jumpTable{tbl, lo, int32(len(e.tableTargets))})
		e.fallsThrough = false
	case ssa.BlockReturn:
		_, _, nStack := convention(e.f.Params)
		for i := len(b.Results) - 1; i >= 0; i-- {
			r := b.Results[i]
			if i == 0 {
				if returnedSum(r) {
					e.returnSum(r)
				} else {
					e.load(resultReg(r.Type), r)
				}
				continue
			}
			m := asm.M(asm.RBP, int32(16+8*resultSlot(nStack, e.f.Results, i)))
			e.emitMove(e.moveFrom(memLoc(m), r))
		}
		if e.restores() {
			for k, r := range e.saved {
				a.MovRM(64, r, e.saveSlot(k))
			}
		}
		a.MovRR(64, asm.RSP, asm.RBP)
		a.Pop(asm.RBP)
		a.Ret()
		e.fallsThrough = false
	case ssa.BlockTrap:
		a.Jmp(e.trapLabel(abi.TrapCode(b.Aux), b.Pos))
		e.fallsThrough = false
	}
}

// flagsHoldZeroTest reports whether branch condition c of b is a fused
// test of x against zero (eqz x, x == 0, x != 0) where x is the ALU
// result emitted just before it (only constants, which are materialized
// where used, between them, such as c's zero): that instruction set ZF
// for x already (intBin), so the branch needs no test, only the
// condition. And, or and xor also set SF by x and clear OF, as test
// does: a signed comparison of such an x with zero needs no test either
// (Go's and C's x | y < 0); add and sub set OF by their overflow.
func (e *emitter) flagsHoldZeroTest(b *ssa.Block, c *ssa.Value) (asm.Cond, bool) {
	n := len(b.Values)
	if !c.Fused || n < 2 || b.Values[n-1] != c || c.Block != b {
		return 0, false
	}
	x := c.Args[0]
	i := n - 2
	for i > 0 && b.Values[i].Op == ssa.OpConst && b.Values[i] != x {
		i--
	}
	if x != e.flagsFor || b.Values[i] != x {
		return 0, false
	}
	switch c.Op {
	case ssa.OpEqz:
		return asm.CondE, true
	case ssa.OpEq, ssa.OpNe:
		if imm, ok := imm32(c.Args[1]); ok && imm == 0 {
			return intConds[c.Op], true
		}
	case ssa.OpLtS, ssa.OpGeS, ssa.OpGtS, ssa.OpLeS:
		if imm, ok := imm32(c.Args[1]); ok && imm == 0 && (x.Op == ssa.OpAnd || x.Op == ssa.OpOr || x.Op == ssa.OpXor) {
			return intConds[c.Op], true
		}
	}
	return 0, false
}

// compare emits the flags-setting part of comparison c and returns the
// condition that holds when c is true.
func (e *emitter) compare(c *ssa.Value) asm.Cond {
	a := e.a
	x := c.Args[0]
	if c.Op == ssa.OpSIMD {
		return e.vectorTest(c)
	}
	if ssa.IsFloatCompare(c.Op) {
		y := c.Args[1]
		if c.Op == ssa.OpFLt || c.Op == ssa.OpFLe {
			x, y = y, x
		}
		rx := e.xmm(x, x15)
		e.ucomis(x.Type, rx, y)
		switch c.Op {
		case ssa.OpFGt, ssa.OpFLt:
			return asm.CondA
		case ssa.OpFGe, ssa.OpFLe:
			return asm.CondAE
		}
		return asm.CondE // FEq/FNe are handled by the caller
	}
	if c.Op == ssa.OpAnd {
		e.testAnd(c) // fuseAndTests: a branch on x & m
		return asm.CondNE
	}
	if x.Fused && x.Op == ssa.OpAnd {
		e.testAnd(x) // fuseAndTests: eqz, == 0 or != 0 of x & m
		if c.Op == ssa.OpNe {
			return asm.CondNE
		}
		return asm.CondE
	}
	if l, y := fusedLoad(c); l != nil || c.Op == ssa.OpEqz && x.Fused && x.Op == ssa.OpLoad {
		return e.compareLoad(c, l, y)
	}
	sz := x.Type.Size()
	if c.Op == ssa.OpEqz {
		if spilled(x) {
			a.CmpMI(sz, slotMem(x.Loc.Slot), 0)
		} else {
			r := e.gpr(x, rA)
			a.TestRR(sz, r, r)
		}
		return asm.CondE
	}
	y := c.Args[1]
	if spilled(x) && !spilled(y) {
		// The spilled x compared where it is (cmp m, y): the same
		// flags as loading it first, one instruction fewer, as for a
		// loop bound that the allocator spilled and a loop test reads
		// every iteration.
		m := slotMem(x.Loc.Slot)
		if imm, ok := imm32(y); ok {
			a.CmpMI(sz, m, imm)
		} else {
			a.CmpMR(sz, m, e.gpr(y, rC))
		}
		return intConds[c.Op]
	}
	rx := e.gpr(x, rA)
	if imm, ok := imm32(y); ok && imm == 0 {
		// test r, r sets the flags of cmp r, 0 that a jcc or setcc
		// reads (CF and OF clear, ZF and SF of r), a byte shorter.
		a.TestRR(sz, rx, rx)
	} else if ok {
		a.CmpRI(sz, rx, imm)
	} else if spilled(y) {
		a.CmpRM(sz, rx, slotMem(y.Loc.Slot))
	} else {
		a.CmpRR(sz, rx, e.gpr(y, rC))
	}
	return intConds[c.Op]
}

// testAnd emits test for an and fused into its block's branch
// (fuseAndTests): the flags of x & y without writing a register.
func (e *emitter) testAnd(v *ssa.Value) {
	a := e.a
	x, y := v.Args[0], v.Args[1]
	if x.Op == ssa.OpConst || spilled(x) && !spilled(y) && y.Op != ssa.OpConst {
		x, y = y, x
	}
	sz := v.Type.Size()
	if imm, ok := imm32(y); ok {
		if imm >= 0 && imm <= 0xff {
			// The low byte holds every bit the mask tests and the branch
			// reads only ZF: test r8, imm8 is 3-4 bytes to test r32's 6-7.
			sz = 8
		}
		if spilled(x) {
			a.TestMI(sz, slotMem(x.Loc.Slot), imm)
		} else {
			a.TestRI(sz, asm.Reg(x.Loc.Reg), imm)
		}
		return
	}
	rx := e.gpr(x, rA)
	if spilled(y) {
		a.TestMR(sz, slotMem(y.Loc.Slot), rx)
	} else {
		a.TestRR(sz, rx, e.gpr(y, rC))
	}
}

func (e *emitter) ucomis(t ssa.Type, rx asm.Reg, y *ssa.Value) {
	a := e.a
	if t == ssa.TF32 {
		switch {
		case y.Op == ssa.OpConst:
			a.UcomissRM(rx, asm.LabelMem(e.constLabel(uint64(y.Aux))))
		case spilled(y):
			a.UcomissRM(rx, slotMem(y.Loc.Slot))
		default:
			a.UcomissRR(rx, asm.Reg(y.Loc.Reg))
		}
		return
	}
	switch {
	case y.Op == ssa.OpConst:
		a.UcomisdRM(rx, asm.LabelMem(e.constLabel(uint64(y.Aux))))
	case spilled(y):
		a.UcomisdRM(rx, slotMem(y.Loc.Slot))
	default:
		a.UcomisdRR(rx, asm.Reg(y.Loc.Reg))
	}
}

func (e *emitter) value(v *ssa.Value) error {
	switch v.Op {
	case ssa.OpConst, ssa.OpArg, ssa.OpParam:
		return nil
	}
	if v.Fused || returnedSum(v) {
		return nil
	}
	e.flagsFor = nil
	e.prevCmp, e.cmpFlags = e.cmpFlags, nil
	e.selPrev, e.selFlags = e.selFlags, nil
	e.boolPrev, e.boolFlags = e.boolFlags, nil
	if c := e.held; c != nil {
		if e.heldUser != v {
			return fmt.Errorf("%s: the result of %s is left in %v for %s", v.LongString(), c, e.heldReg, e.heldUser)
		}
		if v.Op == ssa.OpStore {
			e.storeOp(v) // reads e.held
			e.held = nil
			return nil
		}
		e.held = nil
		e.foldHeld(v, c, e.heldReg)
		e.spillAtDef(v)
		return nil
	}
	if err := e.op(v); err != nil {
		return fmt.Errorf("%s: %w", v.LongString(), err)
	}
	e.spillAtDef(v)
	return nil
}
