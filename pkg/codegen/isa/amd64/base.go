package amd64

// The baseline compiler (--opt-level 0): one forward pass over the wasm
// body straight to machine code, in the style of V8's Liftoff. No SSA, no
// liveness: an abstract operand stack whose entries are a register, a
// constant, the current value of a local, or the entry's canonical frame
// slot (one per stack position). Locals live in frame slots. At every
// block, loop and if entry and before calls everything goes to its
// canonical slot, so control-flow merges need no bookkeeping: a branch
// only moves the values it carries to the target's slots.
//
// Instruction selection is the optimizing tier's: each wasm instruction
// becomes one stand-in ssa.Value whose operands carry the locations of
// the stack entries (Loc), handed to the same lowerings (emit_ops.go,
// emit_call.go), so both tiers agree on every detail of semantics, traps,
// calls and the runtime contract (prologue, frame-pointer chain, trap and
// call sites, the vmctx save at [rbp-8], bounds checks in both modes).
// The stand-ins live in per-emitter buffers: nothing is allocated per
// instruction.
//
// Not handled here (Emit returns an error wrapping ssa.ErrUnsupported and
// the driver compiles the function through the SSA pipeline): SIMD (v128
// values), fuel metering.

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/internal/fresh"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// NewBaselineEmitter returns a baseline compiler for one goroutine at a
// time; it keeps its buffers from one function to the next.
func (Machine) NewBaselineEmitter() isa.BaselineEmitter {
	return &baseEmitter{e: emitter{a: asm.New()}}
}

var _ isa.Baseline = Machine{}

// The registers stack entries are cached in: the allocatable ones but the
// callee-saved RBX, R12, R13 (regs.go), which this tier would have to save
// in its prologue and restore at every return; none of them a scratch
// register of the lowerings (RAX, RCX, RDX, X14, X15).
var (
	baseGPRs = [...]asm.Reg{asm.RSI, asm.RDI, asm.R8, asm.R9, asm.R10, asm.R11}
	baseXMMs = [...]asm.Reg{asm.X0, asm.X1, asm.X2, asm.X3, asm.X4, asm.X5, asm.X6, asm.X7,
		asm.X8, asm.X9, asm.X10, asm.X11, asm.X12, asm.X13}
)

// bkind is where a stack entry's value is.
type bkind uint8

const (
	bSlot  bkind = iota // the canonical slot of its stack position
	bReg                // a register of baseGPRs or baseXMMs
	bConst              // a constant, not yet materialized
	bLocal              // the current value of a local, not yet copied
)

type bval struct {
	t     ssa.Type
	kind  bkind
	reg   asm.Reg
	local int32
	bits  uint64
}

type bframeKind uint8

const (
	bfFunc bframeKind = iota
	bfBlock
	bfLoop
	bfIf
)

type bframe struct {
	kind    bframeKind
	hasElse bool
	reached bool // some branch goes to label (block, if)
	// bt is the block type, from which blockTypes gives the parameter
	// and result types (not kept here: deep nesting has one frame per
	// level, and a small frame keeps that memory small).
	bt     wasm.BlockType
	height int32     // stack height below the parameters
	label  asm.Label // branch target: the end (block, if), the header (loop)
	elseL  asm.Label
	// stub and stubGen: the label a br_table jumps to for this frame (a
	// stub moving values, or label), valid when stubGen is the emitter's
	// brtGen.
	stub    asm.Label
	stubGen int32
}

// types returns the frame's parameter and result types (the function's
// results for the function frame).
func (b *baseEmitter) frameTypes(fr *bframe) (params, results []ssa.Type) {
	if fr.kind == bfFunc {
		return nil, b.results
	}
	params, results, _ = b.blockTypes(fr.bt) // validated when the frame was opened
	return params, results
}

// frameStack is the stack of control frames, in chunks of a fixed size:
// memory in proportion to the nesting depth, none of it copied or thrown
// away as the stack grows (which a slice grown by append would do).
type frameStack struct {
	chunks [][]bframe
	n      int
}

const frameChunk = 256

func (s *frameStack) push(fr bframe) {
	if s.n/frameChunk == len(s.chunks) {
		s.chunks = append(s.chunks, make([]bframe, frameChunk))
	}
	s.chunks[s.n/frameChunk][s.n%frameChunk] = fr
	s.n++
}

// top returns the frame d levels below the innermost one.
func (s *frameStack) top(d int) *bframe {
	i := s.n - 1 - d
	return &s.chunks[i/frameChunk][i%frameChunk]
}

// maxLoose bounds the stack entries above the canonical prefix: past it
// they are all spilled, so the scans of local.set and of register
// spilling stay short whatever the body.
const maxLoose = 64

type baseEmitter struct {
	e      emitter
	rd     wasm.Reader
	stack  []bval
	canon  int // entries [0, canon) are bSlot
	frames frameStack
	dead   bool // current code is unreachable
	// deadNest counts the blocks opened in unreachable code.
	deadNest int
	params   []ssa.Type
	results  []ssa.Type
	locals   []ssa.Type
	base     int32 // slot of stack position 0
	memSlot  int32 // slot caching the memory length for explicit checks, or -1
	maxDepth int
	outArea  int
	freeG    uint32 // bit i: baseGPRs[i] free
	freeX    uint32
	vals     []ssa.Value // stand-ins of the current instruction
	nvals    int
	ptrs     []*ssa.Value
	cv       ssa.Value // constant stand-in for materializing
	brtGen   int32
	brtStubs []int // frame indices of the current br_table's stubs
	types    map[uint32][2][]ssa.Type
	in       wasm.Instr // the instruction being compiled (see next)
	body     []byte     // the function body being compiled
	// codeArena and siteArena: see funcCode.
	codeArena []byte
	siteArena []isa.Site
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("baseline: %w: "+format, append([]any{ssa.ErrUnsupported}, args...)...)
}

// Emit compiles defined function fidx (function index space).
func (b *baseEmitter) Emit(m *wasm.Module, fidx uint32, opts *ssa.Options) (*isa.FuncCode, error) {
	loweringsOnce.Do(initLowerings)
	baseOpsOnce.Do(initBaseOps)
	if opts.Fuel {
		return nil, unsupported("fuel metering")
	}
	code := &m.Codes[fidx-m.NumImportedFuncs]
	ft := m.FuncType(fidx)
	if err := b.reset(m, opts, ft, code); err != nil {
		return nil, err
	}
	e := &b.e
	a := e.a
	// Prologue; the frame size is patched in at the end.
	// The stack check is also the entry's interrupt check (limitStub).
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	a.Lea(64, rA, asm.M(asm.RSP, -0x10000000))
	leaAt := a.Len()
	a.CmpRM(64, rA, asm.M(asm.R15, abi.VMStackLimit))
	e.limitJump(true, b.params)
	a.SubRI(64, asm.RSP, 0x10000000)
	subAt := a.Len()
	a.MovMR(64, asm.M(asm.RBP, -8), asm.R15)
	b.bindParams()
	b.refreshMemLen()

	b.frames.push(bframe{kind: bfFunc})
	b.rd.Reset(code.Body)
	b.body = code.Body
	for b.rd.Len() > 0 {
		in := &b.in
		if err := b.next(code.Body); err != nil {
			return nil, fmt.Errorf("offset %d: %w", code.BodyOffset+b.rd.Pos(), err)
		}
		if err := b.instr(in); err != nil {
			return nil, fmt.Errorf("offset %d: %s: %w", code.BodyOffset+in.Offset, in.Op, err)
		}
		if b.frames.n == 0 {
			break
		}
	}
	if b.frames.n != 0 {
		return nil, fmt.Errorf("function body ends inside a block")
	}
	e.emitOutOfLine()
	slots := int(b.base) + b.maxDepth
	// The vmctx save, the slots and the outgoing area, 16-byte aligned
	// as the optimizing tier's frames (frameSize).
	frame := int32((8 + 8*slots + 8*b.outArea + 15) &^ 15)
	buf := a.Bytes()
	binary.LittleEndian.PutUint32(buf[leaAt-4:], uint32(-frame))
	binary.LittleEndian.PutUint32(buf[subAt-4:], uint32(frame))
	return b.funcCode()
}

// arenaCode and arenaSites are the sizes of the chunks the functions'
// code and sites are carved from: one allocation for many functions
// rather than one or more per function (the sites, appended one by one,
// were a tenth of the compile time of a big module).
const (
	arenaCode  = 1 << 20
	arenaSites = 1 << 14
	// arenaMinTail is the least room a function starts in; most
	// functions are smaller, so few outgrow it.
	arenaMinTail = 16 << 10
	// arenaCodeBig holds at least one whole aligned huge page.
	arenaCodeBig = 4 << 20
)

// funcCode is emitter.funcCode, with the code and the sites in the
// emitter's arenas.
func (b *baseEmitter) funcCode() (*isa.FuncCode, error) {
	e := &b.e
	a := e.a
	if err := a.Finish(); err != nil {
		return nil, err
	}
	// The code was emitted in place at the arena's tail (see reset)
	// unless it outgrew it, and then it is in memory of its own.
	code := a.Bytes()
	n := len(code)
	if n > 0 && n <= cap(b.codeArena)-len(b.codeArena) && &code[0] == &b.codeArena[:len(b.codeArena)+1][len(b.codeArena)] {
		b.codeArena = b.codeArena[:len(b.codeArena)+n]
	}
	fc := &isa.FuncCode{Code: code[:n:n], Tuned: e.tuned}
	// e.sites is the arena's tail (see startSites) unless it outgrew it.
	ns := len(e.sites)
	fc.Sites = e.sites[:ns:ns]
	if ns > 0 && ns <= cap(b.siteArena)-len(b.siteArena) && &e.sites[0] == &b.siteArena[:len(b.siteArena)+1][len(b.siteArena)] {
		b.siteArena = b.siteArena[:len(b.siteArena)+ns]
	}
	if cs := a.CallFixups(); len(cs) > 0 {
		fc.Calls = make([]isa.Call, len(cs))
		for i, c := range cs {
			fc.Calls[i] = isa.Call{Offset: c.Offset, Target: c.Target}
		}
	}
	return fc, nil
}

// newCodeArena allocates a code arena for functions of m. A module with
// megabytes of code gets arenas of arenaCodeBig bytes on huge pages (see
// fresh.Huge): its workers write several megabytes of code each, and a 4
// KiB page fault per 4 KiB of it was a tenth of a -O 0 compile of gobig.
// A small module keeps small arenas: a large allocation is zeroed when it
// reuses freed heap, which a process compiling many modules would pay
// for every one.
func newCodeArena(m *wasm.Module) []byte {
	size := arenaCode
	if n := len(m.Codes); n > 0 {
		first, last := &m.Codes[0], &m.Codes[n-1]
		if last.BodyOffset+len(last.Body)-first.BodyOffset >= arenaCodeBig/4 {
			size = arenaCodeBig
		}
	}
	a := make([]byte, 0, size)
	fresh.HugeCap(a)
	return a
}

// startSites points the emitter's sites at the free tail of the arena.
func (b *baseEmitter) startSites() {
	if cap(b.siteArena)-len(b.siteArena) < 256 {
		b.siteArena = make([]isa.Site, 0, arenaSites)
	}
	b.e.sites = b.siteArena[len(b.siteArena):len(b.siteArena)]
}

func (b *baseEmitter) reset(m *wasm.Module, opts *ssa.Options, ft wasm.FuncType, code *wasm.Code) error {
	e := &b.e
	a := e.a
	// The code is emitted straight into the arena (no copy of every
	// function's code from the assembler's buffer); a function bigger
	// than what is left grows into a buffer of its own (see funcCode).
	if cap(b.codeArena)-len(b.codeArena) < arenaMinTail {
		b.codeArena = newCodeArena(m)
	}
	a.ResetInto(b.codeArena[len(b.codeArena):])
	consts, checked := e.consts, e.checked
	if consts == nil || len(consts) > 64 {
		consts = map[uint64]asm.Label{}
	} else {
		clear(consts)
	}
	if checked == nil {
		checked = map[*ssa.Value]uint64{}
	} else {
		clear(checked)
	}
	*e = emitter{a: a, m: m, opts: opts, consts: consts, checked: checked, constOr: e.constOr[:0],
		traps: e.traps[:0], ool: e.ool[:0], pending: e.pending[:0], edgeMs: e.edgeMs[:0],
		ra: &baseRA, pos: basePos[:]}
	b.startSites()
	b.stack, b.frames.n, b.canon = b.stack[:0], 0, 0
	b.dead, b.deadNest = false, 0
	b.maxDepth, b.outArea = 0, 0
	b.freeG, b.freeX = 1<<len(baseGPRs)-1, 1<<len(baseXMMs)-1
	var err error
	if b.params, err = b.valTypes(ft.Params); err != nil {
		return err
	}
	if b.results, err = b.valTypes(ft.Results); err != nil {
		return err
	}
	// A function declaring far more locals than its code can touch goes
	// through the SSA pipeline, where a local never read costs nothing:
	// here each would be a frame slot to set up and zero.
	if uint64(code.NumLocals) > uint64(len(code.Body))+256 {
		return unsupported("more locals than code")
	}
	b.locals = append(b.locals[:0], b.params...)
	for _, le := range code.Locals {
		t, err := ssa.ValType(le.Type)
		if err != nil {
			return err
		}
		if t == ssa.TV128 {
			return unsupported("v128 local")
		}
		for i := uint32(0); i < le.Count; i++ {
			b.locals = append(b.locals, t)
		}
	}
	for _, t := range b.params {
		if t == ssa.TV128 {
			return unsupported("v128 parameter")
		}
	}
	for _, t := range b.results {
		if t == ssa.TV128 {
			return unsupported("v128 result")
		}
	}
	b.memSlot = -1
	b.base = int32(len(b.locals))
	if m.NumMems() > 0 && (opts.Bounds != object.BoundsGuard || (1<<32)+(1<<32)+8 > opts.MemReserve+opts.MemGuard) {
		b.memSlot = b.base
		b.base++
	}
	return nil
}

// baseRA and basePos stand in for the allocator's result in the shared
// lowerings: the stand-ins all have ID 0 and no register is live across a
// call (everything is in its slot then), so nothing is saved.
var (
	baseRA  regalloc.Result
	basePos [1]int32
)

// valTypes is ssa.ValTypes, memoized per signature: the common ones
// (function types, block types) repeat.
func (b *baseEmitter) valTypes(ts []wasm.ValType) ([]ssa.Type, error) {
	if len(ts) == 0 {
		return nil, nil
	}
	if len(ts) == 1 {
		t, err := ssa.ValType(ts[0])
		if err != nil {
			return nil, err
		}
		return ssa.OneType(t), nil
	}
	return ssa.ValTypes(ts)
}

func (b *baseEmitter) blockTypes(bt wasm.BlockType) (params, results []ssa.Type, err error) {
	if bt.Kind == wasm.BlockIndex {
		if c, ok := b.types[bt.Index]; ok {
			return c[0], c[1], nil
		}
	}
	if params, results, err = ssa.BlockTypes(b.e.m, bt); err != nil {
		return nil, nil, err
	}
	for _, ts := range [][]ssa.Type{params, results} {
		for _, t := range ts {
			if t == ssa.TV128 {
				return nil, nil, unsupported("v128 block")
			}
		}
	}
	if bt.Kind == wasm.BlockIndex {
		if b.types == nil {
			b.types = map[uint32][2][]ssa.Type{}
		}
		b.types[bt.Index] = [2][]ssa.Type{params, results}
	}
	return params, results, nil
}

// bindParams stores the parameters to their slots and zeroes the other
// locals.
func (b *baseEmitter) bindParams() {
	e := &b.e
	a := e.a
	regs, sidx, _ := convention(b.params)
	for i, t := range b.params {
		dst := slotMem(int32(i))
		if regs[i] != asm.NoReg {
			e.storeMem(dst, regs[i], t)
			continue
		}
		e.emitMove(pmove{dst: memLoc(dst), src: memLoc(asm.M(asm.RBP, int32(16+8*sidx[i]))), t: t})
	}
	n := len(b.locals) - len(b.params)
	if n == 0 {
		return
	}
	a.XorRR(32, rA, rA)
	first := len(b.params)
	if n <= 16 {
		for i := 0; i < n; i++ {
			a.MovMR(64, slotMem(int32(first+i)), rA)
		}
		return
	}
	// slotMem(first+n-1) is the lowest address; count rC down from n.
	a.Lea(64, rD, slotMem(int32(first+n-1)))
	a.MovRI(32, rC, int64(n))
	loop := a.NewLabel()
	a.Bind(loop)
	a.MovMR(64, asm.MI(rD, rC, 8, -8), rA)
	a.DecR(64, rC)
	a.Jcc(asm.CondNE, loop)
}

// refreshMemLen reloads the cached memory length (at entry and after
// anything that may grow the memory).
func (b *baseEmitter) refreshMemLen() {
	if b.memSlot < 0 {
		return
	}
	a := b.e.a
	a.MovRM(64, rA, asm.M(asm.R15, abi.VMMemDesc))
	a.MovRM(64, rA, asm.M(rA, abi.MemDescLen))
	a.MovMR(64, slotMem(b.memSlot), rA)
}

// next decodes the instruction at the reader's position into b.in: the
// most common forms (no immediate; one index, a memarg or an i32
// constant of one LEB128 byte each) here, without clearing the whole
// Instr and going through the general decoder, which was a fifth of
// the baseline's time; the others with wasm.Reader.Next. Only the fields
// instr reads for the opcode are set.
func (b *baseEmitter) next(body []byte) error {
	p := b.rd.Pos()
	c := body[p]
	in := &b.in
	if baseDecode[c] != 0 {
		in.Op, in.Offset = wasm.Opcode(c), p
		switch baseDecode[c] {
		case decNoImm:
			b.rd.SetPos(p + 1)
			return nil
		case decIndex:
			if p+1 < len(body) && body[p+1] < 0x80 {
				in.Index = uint32(body[p+1])
				b.rd.SetPos(p + 2)
				return nil
			}
		case decMem:
			// An alignment from 0x40 on flags a memory index.
			if p+2 < len(body) && body[p+1] < 0x40 && body[p+2] < 0x80 {
				in.MemAlign, in.MemOffset = uint32(body[p+1]), uint32(body[p+2])
				b.rd.SetPos(p + 3)
				return nil
			}
		case decI32:
			if p+1 < len(body) && body[p+1] < 0x80 {
				in.Value = uint64(int64(int8(body[p+1]<<1) >> 1)) // 7-bit two's complement
				b.rd.SetPos(p + 2)
				return nil
			}
		}
	}
	return b.rd.Read(in)
}

// Decoding forms of next's fast path, by opcode byte (0: the general
// decoder).
const (
	decNoImm = 1 + iota
	decIndex
	decMem
	decI32
)

// baseDecode is filled by initBaseOps (not at package initialization:
// running a compiled module must not initialise the compiler).
var baseDecode [256]uint8

func initBaseDecode() {
	for c, sh := range wasm.ImmShapes() {
		switch sh {
		case wasm.ImmNone:
			baseDecode[c] = decNoImm
		case wasm.ImmIndex:
			baseDecode[c] = decIndex
		case wasm.ImmMemarg:
			baseDecode[c] = decMem
		case wasm.ImmI32:
			baseDecode[c] = decI32
		}
	}
}

// ---- the abstract stack ----

func (b *baseEmitter) slotOf(pos int) int32 { return b.base + int32(pos) }

func (b *baseEmitter) push(x bval) {
	b.stack = append(b.stack, x)
	if len(b.stack) > b.maxDepth {
		b.maxDepth = len(b.stack)
	}
}

// truncate drops the entries from position n on.
func (b *baseEmitter) truncate(n int) {
	for i := n; i < len(b.stack); i++ {
		if b.stack[i].kind == bReg {
			b.free(b.stack[i].reg)
		}
	}
	b.stack = b.stack[:n]
	b.canon = min(b.canon, n)
}

func (b *baseEmitter) free(r asm.Reg) {
	if r.IsXMM() {
		for i, x := range baseXMMs {
			if x == r {
				b.freeX |= 1 << i
			}
		}
		return
	}
	for i, x := range baseGPRs {
		if x == r {
			b.freeG |= 1 << i
		}
	}
}

// alloc returns a free register of the class, spilling the lowest stack
// entry cached in one when none is.
func (b *baseEmitter) alloc(float bool) asm.Reg {
	for {
		if float {
			if b.freeX != 0 {
				for i := range baseXMMs {
					if b.freeX&(1<<i) != 0 {
						b.freeX &^= 1 << i
						return baseXMMs[i]
					}
				}
			}
		} else if b.freeG != 0 {
			for i := range baseGPRs {
				if b.freeG&(1<<i) != 0 {
					b.freeG &^= 1 << i
					return baseGPRs[i]
				}
			}
		}
		spilled := false
		for i := b.canon; i < len(b.stack); i++ {
			x := &b.stack[i]
			if x.kind == bReg && x.reg.IsXMM() == float {
				b.spillAt(i)
				spilled = true
				break
			}
		}
		if !spilled {
			panic("baseline: out of registers")
		}
	}
}

// spillAt moves entry i to its canonical slot.
func (b *baseEmitter) spillAt(i int) {
	x := &b.stack[i]
	if x.kind == bSlot {
		return
	}
	b.moveTo(memLoc(slotMem(b.slotOf(i))), *x, i)
	if x.kind == bReg {
		b.free(x.reg)
	}
	x.kind = bSlot
}

// spillAll moves every entry to its canonical slot.
func (b *baseEmitter) spillAll() {
	for i := b.canon; i < len(b.stack); i++ {
		b.spillAt(i)
	}
	b.canon = len(b.stack)
}

// moveTo copies entry x, at stack position pos, to dst.
func (b *baseEmitter) moveTo(dst ploc, x bval, pos int) {
	e := &b.e
	switch x.kind {
	case bConst:
		b.cv = ssa.Value{Op: ssa.OpConst, Type: x.t, Aux: int64(x.bits)}
		e.loadConst(dst, &b.cv)
	case bReg:
		e.emitMove(pmove{dst: dst, src: regLoc(x.reg), t: x.t})
	case bLocal:
		e.emitMove(pmove{dst: dst, src: memLoc(slotMem(x.local)), t: x.t})
	default:
		e.emitMove(pmove{dst: dst, src: memLoc(slotMem(b.slotOf(pos))), t: x.t})
	}
}

// moveTop copies the n entries on top to the canonical slots of the
// positions from h on, where a branch to a frame of height h expects
// them. It changes no entry: a conditional branch keeps the stack as it
// is on the path not taken. Increasing order never overwrites a source:
// position h+i is at or below position len-n+i.
func (b *baseEmitter) moveTop(n, h int) {
	d := len(b.stack) - n
	for i := 0; i < n; i++ {
		x := b.stack[d+i]
		if x.kind == bSlot && d+i == h+i {
			continue
		}
		b.moveTo(memLoc(slotMem(b.slotOf(h+i))), x, d+i)
	}
}

func (b *baseEmitter) needMoves(n, h int) bool {
	d := len(b.stack) - n
	if d == h {
		for i := d; i < len(b.stack); i++ {
			if b.stack[i].kind != bSlot {
				return true
			}
		}
		return false
	}
	return n > 0
}

// newVal returns a zeroed stand-in for the current instruction.
func (b *baseEmitter) newVal() *ssa.Value {
	if b.nvals == len(b.vals) {
		panic("baseline: stand-ins exhausted")
	}
	v := &b.vals[b.nvals]
	b.nvals++
	*v = ssa.Value{Loc: ssa.Loc{Reg: ssa.NoReg, Slot: -1}}
	return v
}

// fake returns a stand-in for entry x at stack position pos.
func (b *baseEmitter) fake(x bval, pos int) *ssa.Value {
	v := b.newVal()
	v.Type = x.t
	v.Op = ssa.OpParam
	switch x.kind {
	case bConst:
		v.Op = ssa.OpConst
		v.Aux = int64(x.bits)
	case bReg:
		v.Loc.Reg = ssa.Reg(x.reg)
	case bLocal:
		v.Loc.Slot = x.local
	default:
		v.Loc.Slot = b.slotOf(pos)
	}
	return v
}

// startInstr sizes the stand-in buffers for an instruction with up to n
// operands.
func (b *baseEmitter) startInstr(n int) {
	b.nvals = 0
	if n+4 > len(b.vals) {
		b.vals = make([]ssa.Value, n+8)
	}
	if n > cap(b.ptrs) {
		b.ptrs = make([]*ssa.Value, n+8)
	}
}

// popArgs pops the top n entries as stand-ins (into b.ptrs[:n]). Their
// registers stay taken until release.
func (b *baseEmitter) popArgs(n int) []*ssa.Value {
	d := len(b.stack) - n
	args := b.ptrs[:n]
	for i := 0; i < n; i++ {
		args[i] = b.fake(b.stack[d+i], d+i)
	}
	b.stack = b.stack[:d]
	b.canon = min(b.canon, d)
	return args
}

// release frees the registers of popped stand-ins.
func (b *baseEmitter) release(args []*ssa.Value) {
	for _, v := range args {
		if v.Op != ssa.OpConst && v.Loc.InReg() {
			b.free(asm.Reg(v.Loc.Reg))
		}
	}
}

// result gives v a fresh register of its type and pushes it.
func (b *baseEmitter) result(v *ssa.Value) asm.Reg {
	r := b.alloc(v.Type.IsFloat())
	v.Loc.Reg = ssa.Reg(r)
	return r
}

// op emits a value-producing or effect-only instruction through its
// lowering: n operands popped, result (if t is not TNone) pushed in a
// register.
func (b *baseEmitter) op(op ssa.Op, t ssa.Type, n int, pos int32, aux, aux2 int64) *ssa.Value {
	args := b.popArgs(n)
	v := b.newVal()
	v.Op, v.Type, v.Args, v.Aux, v.Aux2, v.Pos = op, t, args, aux, aux2, pos
	var r asm.Reg
	if t != ssa.TNone {
		r = b.result(v)
	}
	lowerings[op](&b.e, v)
	b.release(args)
	if t != ssa.TNone {
		b.push(bval{t: t, kind: bReg, reg: r})
	}
	return v
}

// ---- instructions ----

// baseOp is a numeric instruction's op, result type and operand count.
type baseOp struct {
	op ssa.Op
	t  ssa.Type
	n  uint8
}

var (
	baseOps     [256 + 8]baseOp // one-byte opcodes, then 0xFC 0..7 (trunc_sat)
	baseOpsOnce sync.Once
)

func initBaseOps() {
	initBaseDecode()
	set := func(op wasm.Opcode, o ssa.Op, t ssa.Type, n uint8) {
		i := int(op)
		if op>>16 == wasm.PrefixFC {
			i = 256 + int(op&0xFFFF)
		}
		baseOps[i] = baseOp{o, t, n}
	}
	intBin := [...]ssa.Op{ssa.OpAdd, ssa.OpSub, ssa.OpMul, ssa.OpDivS, ssa.OpDivU, ssa.OpRemS, ssa.OpRemU, ssa.OpAnd, ssa.OpOr, ssa.OpXor,
		ssa.OpShl, ssa.OpShrS, ssa.OpShrU, ssa.OpRotl, ssa.OpRotr}
	intCmp := [...]ssa.Op{ssa.OpEq, ssa.OpNe, ssa.OpLtS, ssa.OpLtU, ssa.OpGtS, ssa.OpGtU, ssa.OpLeS, ssa.OpLeU, ssa.OpGeS, ssa.OpGeU}
	floatCmp := [...]ssa.Op{ssa.OpFEq, ssa.OpFNe, ssa.OpFLt, ssa.OpFGt, ssa.OpFLe, ssa.OpFGe}
	floatUn := [...]ssa.Op{ssa.OpFAbs, ssa.OpFNeg, ssa.OpFCeil, ssa.OpFFloor, ssa.OpFTrunc, ssa.OpFNearest, ssa.OpFSqrt}
	floatBin := [...]ssa.Op{ssa.OpFAdd, ssa.OpFSub, ssa.OpFMul, ssa.OpFDiv, ssa.OpFMin, ssa.OpFMax, ssa.OpFCopysign}
	bits := [...]ssa.Op{ssa.OpClz, ssa.OpCtz, ssa.OpPopcnt}
	set(wasm.OpI32Eqz, ssa.OpEqz, ssa.TI32, 1)
	set(wasm.OpI64Eqz, ssa.OpEqz, ssa.TI32, 1)
	for i, o := range intCmp {
		set(wasm.OpI32Eq+wasm.Opcode(i), o, ssa.TI32, 2)
		set(wasm.OpI64Eq+wasm.Opcode(i), o, ssa.TI32, 2)
	}
	for i, o := range floatCmp {
		set(wasm.OpF32Eq+wasm.Opcode(i), o, ssa.TI32, 2)
		set(wasm.OpF64Eq+wasm.Opcode(i), o, ssa.TI32, 2)
	}
	for i, o := range bits {
		set(wasm.OpI32Clz+wasm.Opcode(i), o, ssa.TI32, 1)
		set(wasm.OpI64Clz+wasm.Opcode(i), o, ssa.TI64, 1)
	}
	for i, o := range intBin {
		set(wasm.OpI32Add+wasm.Opcode(i), o, ssa.TI32, 2)
		set(wasm.OpI64Add+wasm.Opcode(i), o, ssa.TI64, 2)
	}
	for i, o := range floatUn {
		set(wasm.OpF32Abs+wasm.Opcode(i), o, ssa.TF32, 1)
		set(wasm.OpF64Abs+wasm.Opcode(i), o, ssa.TF64, 1)
	}
	for i, o := range floatBin {
		set(wasm.OpF32Add+wasm.Opcode(i), o, ssa.TF32, 2)
		set(wasm.OpF64Add+wasm.Opcode(i), o, ssa.TF64, 2)
	}
	for _, c := range [...]struct {
		op wasm.Opcode
		o  ssa.Op
		t  ssa.Type
	}{
		{wasm.OpI32WrapI64, ssa.OpWrap, ssa.TI32},
		{wasm.OpI32TruncF32S, ssa.OpTruncS, ssa.TI32},
		{wasm.OpI32TruncF32U, ssa.OpTruncU, ssa.TI32},
		{wasm.OpI32TruncF64S, ssa.OpTruncS, ssa.TI32},
		{wasm.OpI32TruncF64U, ssa.OpTruncU, ssa.TI32},
		{wasm.OpI64ExtendI32S, ssa.OpExtendS, ssa.TI64},
		{wasm.OpI64ExtendI32U, ssa.OpExtendU, ssa.TI64},
		{wasm.OpI64TruncF32S, ssa.OpTruncS, ssa.TI64},
		{wasm.OpI64TruncF32U, ssa.OpTruncU, ssa.TI64},
		{wasm.OpI64TruncF64S, ssa.OpTruncS, ssa.TI64},
		{wasm.OpI64TruncF64U, ssa.OpTruncU, ssa.TI64},
		{wasm.OpF32ConvertI32S, ssa.OpConvertS, ssa.TF32},
		{wasm.OpF32ConvertI32U, ssa.OpConvertU, ssa.TF32},
		{wasm.OpF32ConvertI64S, ssa.OpConvertS, ssa.TF32},
		{wasm.OpF32ConvertI64U, ssa.OpConvertU, ssa.TF32},
		{wasm.OpF32DemoteF64, ssa.OpDemote, ssa.TF32},
		{wasm.OpF64ConvertI32S, ssa.OpConvertS, ssa.TF64},
		{wasm.OpF64ConvertI32U, ssa.OpConvertU, ssa.TF64},
		{wasm.OpF64ConvertI64S, ssa.OpConvertS, ssa.TF64},
		{wasm.OpF64ConvertI64U, ssa.OpConvertU, ssa.TF64},
		{wasm.OpF64PromoteF32, ssa.OpPromote, ssa.TF64},
		{wasm.OpI32ReinterpretF32, ssa.OpReinterpret, ssa.TI32},
		{wasm.OpI64ReinterpretF64, ssa.OpReinterpret, ssa.TI64},
		{wasm.OpF32ReinterpretI32, ssa.OpReinterpret, ssa.TF32},
		{wasm.OpF64ReinterpretI64, ssa.OpReinterpret, ssa.TF64},
		{wasm.OpI32Extend8S, ssa.OpExtend8S, ssa.TI32},
		{wasm.OpI32Extend16S, ssa.OpExtend16S, ssa.TI32},
		{wasm.OpI64Extend8S, ssa.OpExtend8S, ssa.TI64},
		{wasm.OpI64Extend16S, ssa.OpExtend16S, ssa.TI64},
		{wasm.OpI64Extend32S, ssa.OpExtend32S, ssa.TI64},
		{wasm.OpI32TruncSatF32S, ssa.OpTruncSatS, ssa.TI32},
		{wasm.OpI32TruncSatF32U, ssa.OpTruncSatU, ssa.TI32},
		{wasm.OpI32TruncSatF64S, ssa.OpTruncSatS, ssa.TI32},
		{wasm.OpI32TruncSatF64U, ssa.OpTruncSatU, ssa.TI32},
		{wasm.OpI64TruncSatF32S, ssa.OpTruncSatS, ssa.TI64},
		{wasm.OpI64TruncSatF32U, ssa.OpTruncSatU, ssa.TI64},
		{wasm.OpI64TruncSatF64S, ssa.OpTruncSatS, ssa.TI64},
		{wasm.OpI64TruncSatF64U, ssa.OpTruncSatU, ssa.TI64},
	} {
		set(c.op, c.o, c.t, 1)
	}
}

// numericOp returns the table entry of a numeric instruction, or nil.
func numericOp(op wasm.Opcode) *baseOp {
	i := -1
	switch {
	case op < 256:
		i = int(op)
	case op>>16 == wasm.PrefixFC && op&0xFFFF < 8:
		i = 256 + int(op&0xFFFF)
	}
	if i < 0 || baseOps[i].n == 0 {
		return nil
	}
	return &baseOps[i]
}

func (b *baseEmitter) instr(in *wasm.Instr) error {
	if b.dead {
		switch in.Op {
		case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
			b.deadNest++
			return nil
		case wasm.OpElse:
			if b.deadNest > 0 {
				return nil
			}
		case wasm.OpEnd:
			if b.deadNest > 0 {
				b.deadNest--
				return nil
			}
		default:
			return nil
		}
	}
	if len(b.stack)-b.canon > maxLoose {
		b.spillAll()
	}
	b.startInstr(3)
	pos := int32(in.Offset)
	op := in.Op
	if o := numericOp(op); o != nil {
		if fused, err := b.fuseBranch(o, pos); fused || err != nil {
			return err
		}
		b.op(o.op, o.t, int(o.n), pos, 0, 0)
		return nil
	}
	if op >= wasm.OpI32Load && op <= wasm.OpI64Store32 {
		return b.memOp(in)
	}
	e := &b.e
	a := e.a
	switch op {
	case wasm.OpNop:
	case wasm.OpUnreachable:
		a.Jmp(e.trapLabel(abi.TrapUnreachable, pos))
		b.setDead()
	case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
		return b.block(in, nil)
	case wasm.OpElse:
		b.elseInstr()
	case wasm.OpEnd:
		b.end()
	case wasm.OpBr:
		b.br(in.Index)
		b.setDead()
	case wasm.OpBrIf:
		b.brIf(in.Index)
	case wasm.OpBrTable:
		b.brTable(in)
		b.setDead()
	case wasm.OpReturn:
		b.ret()
		b.setDead()
	case wasm.OpCall:
		return b.call(in, false)
	case wasm.OpCallIndirect:
		return b.call(in, true)
	case wasm.OpDrop:
		b.truncate(len(b.stack) - 1)
	case wasm.OpSelect, wasm.OpSelectT:
		x := b.stack[len(b.stack)-2]
		if x.t == ssa.TV128 {
			return unsupported("v128 select")
		}
		// The lowering takes (condition, x, y); the stack has x, y, c.
		args := b.popArgs(3)
		args[0], args[1], args[2] = args[2], args[0], args[1]
		v := b.newVal()
		v.Op, v.Type, v.Args, v.Pos = ssa.OpSelect, x.t, args, pos
		r := b.result(v)
		e.sel(v)
		b.release(args)
		b.push(bval{t: x.t, kind: bReg, reg: r})
	case wasm.OpLocalGet:
		b.push(bval{t: b.locals[in.Index], kind: bLocal, local: int32(in.Index)})
	case wasm.OpLocalSet, wasm.OpLocalTee:
		b.localSet(int32(in.Index), op == wasm.OpLocalTee)
	case wasm.OpGlobalGet, wasm.OpGlobalSet:
		return b.global(in)
	case wasm.OpTableGet:
		b.op(ssa.OpTableGet, ssa.TI64, 1, pos, int64(in.Index), 0)
	case wasm.OpTableSet:
		b.op(ssa.OpTableSet, ssa.TNone, 2, pos, int64(in.Index), 0)
	case wasm.OpTableSize:
		b.op(ssa.OpTableSize, ssa.TI32, 0, pos, int64(in.Index), 0)
	case wasm.OpMemorySize:
		r := b.alloc(false)
		a.MovRM(64, rA, asm.M(asm.R15, abi.VMMemDesc))
		a.MovRM(64, r, asm.M(rA, abi.MemDescLen))
		a.ShiftRI(asm.ShiftShr, 64, r, 16)
		b.push(bval{t: ssa.TI32, kind: bReg, reg: r})
	case wasm.OpMemoryGrow:
		b.builtin(abi.BuiltinMemoryGrow, ssa.TI32, 0, 1, pos)
	case wasm.OpI32Const, wasm.OpF32Const:
		t := ssa.TI32
		if op == wasm.OpF32Const {
			t = ssa.TF32
		}
		b.push(bval{t: t, kind: bConst, bits: uint64(uint32(in.Value))})
	case wasm.OpI64Const:
		b.push(bval{t: ssa.TI64, kind: bConst, bits: in.Value})
	case wasm.OpF64Const:
		b.push(bval{t: ssa.TF64, kind: bConst, bits: in.Value})
	case wasm.OpRefNull:
		b.push(bval{t: ssa.TI64, kind: bConst})
	case wasm.OpRefIsNull:
		b.op(ssa.OpEqz, ssa.TI32, 1, pos, 0, 0)
	case wasm.OpRefFunc:
		b.op(ssa.OpRefFunc, ssa.TI64, 0, pos, int64(in.Index), 0)
	case wasm.OpMemoryInit:
		b.builtin(abi.BuiltinMemoryInit, ssa.TNone, int64(in.Index), 3, pos)
	case wasm.OpDataDrop:
		b.builtin(abi.BuiltinDataDrop, ssa.TNone, int64(in.Index), 0, pos)
	case wasm.OpMemoryCopy:
		b.builtin(abi.BuiltinMemoryCopy, ssa.TNone, 0, 3, pos)
	case wasm.OpMemoryFill:
		b.builtin(abi.BuiltinMemoryFill, ssa.TNone, 0, 3, pos)
	case wasm.OpTableInit:
		b.builtin(abi.BuiltinTableInit, ssa.TNone, int64(in.Index2)|int64(in.Index)<<32, 3, pos)
	case wasm.OpElemDrop:
		b.builtin(abi.BuiltinElemDrop, ssa.TNone, int64(in.Index), 0, pos)
	case wasm.OpTableCopy:
		b.builtin(abi.BuiltinTableCopy, ssa.TNone, int64(in.Index)|int64(in.Index2)<<32, 3, pos)
	case wasm.OpTableGrow:
		b.builtin(abi.BuiltinTableGrow, ssa.TI32, int64(in.Index), 2, pos)
	case wasm.OpTableFill:
		b.builtin(abi.BuiltinTableFill, ssa.TNone, int64(in.Index), 3, pos)
	default:
		return unsupported("instruction")
	}
	return nil
}

// setDead marks the rest of the current block unreachable.
func (b *baseEmitter) setDead() {
	b.truncate(int(b.frames.top(0).height))
	b.dead = true
	b.deadNest = 0
}

func (b *baseEmitter) localSet(x int32, tee bool) {
	p := len(b.stack) - 1
	y := b.stack[p]
	// Entries that still read the local's old value get their own copy.
	for i := b.canon; i < p; i++ {
		if s := &b.stack[i]; s.kind == bLocal && s.local == x {
			b.spillAt(i)
		}
	}
	if !(y.kind == bLocal && y.local == x) {
		b.moveTo(memLoc(slotMem(x)), y, p)
	}
	if !tee {
		b.truncate(p)
	}
}

func (b *baseEmitter) global(in *wasm.Instr) error {
	t, err := ssa.ValType(b.e.m.GlobalType(in.Index).Type)
	if err != nil {
		return err
	}
	if t == ssa.TV128 {
		return unsupported("v128 global")
	}
	a := b.e.a
	cell := func() *ssa.Value {
		a.MovRM(64, rA, asm.M(asm.R15, abi.VMGlobals))
		a.MovRM(64, rA, asm.M(rA, int32(8*in.Index)))
		c := b.newVal()
		c.Type, c.Op, c.Loc.Reg = ssa.TI64, ssa.OpGlobalAddr, ssa.Reg(rA)
		return c
	}
	if in.Op == wasm.OpGlobalGet {
		v := b.newVal()
		v.Op, v.Type = ssa.OpGlobalGet, t
		r := b.result(v)
		v.Args = append(b.ptrs[:0], cell())
		b.e.globalGet(v)
		b.push(bval{t: t, kind: bReg, reg: r})
		return nil
	}
	args := b.popArgs(1)
	v := b.newVal()
	v.Op = ssa.OpGlobalSet
	v.Args = append(args, cell())
	b.e.globalSet(v)
	b.release(args)
	return nil
}

// needsCheck reports whether an access reaching end bytes past a 32-bit
// address needs an explicit bounds check (as the frontend decides).
func (b *baseEmitter) needsCheck(end uint64) bool {
	o := b.e.opts
	if o.Bounds != object.BoundsGuard {
		return true
	}
	return (1<<32)+end > o.MemReserve+o.MemGuard
}

func (b *baseEmitter) memOp(in *wasm.Instr) error {
	if b.e.m.NumMems() == 0 {
		return fmt.Errorf("memory access without a memory")
	}
	op := in.Op
	size, t, store := ssa.ScalarAccess(op)
	n := 1
	if store {
		n = 2
	}
	args := b.popArgs(n)
	check := b.needsCheck(uint64(in.MemOffset) + uint64(size))
	if check {
		if b.memSlot < 0 {
			return fmt.Errorf("baseline: explicit bounds check without the memory length")
		}
		ml := b.newVal()
		ml.Type, ml.Op, ml.Loc.Slot = ssa.TI64, ssa.OpMemLen, b.memSlot
		args = append(args, ml)
	}
	v := b.newVal()
	v.Args, v.Aux, v.Aux2, v.Pos = args, int64(in.MemOffset), int64(op), int32(in.Offset)
	var r asm.Reg
	if store {
		v.Op = ssa.OpStore
		b.e.storeOp(v)
	} else {
		v.Op, v.Type = ssa.OpLoad, t
		r = b.result(v)
		b.e.loadOp(v)
	}
	// The stand-in is reused by the next instruction: it must not be
	// taken for an address already checked.
	delete(b.e.checked, args[0])
	b.release(args)
	if !store {
		b.push(bval{t: t, kind: bReg, reg: r})
	}
	return nil
}

// ---- calls ----

func (b *baseEmitter) call(in *wasm.Instr, indirect bool) error {
	e := &b.e
	m := e.m
	var ft wasm.FuncType
	n := 0
	if indirect {
		ft = m.Types[in.Index]
		n = len(ft.Params) + 1
	} else {
		ft = m.FuncType(in.Index)
		n = len(ft.Params)
	}
	rt, err := b.valTypes(ft.Results)
	if err != nil {
		return err
	}
	for _, t := range rt {
		if t == ssa.TV128 {
			return unsupported("v128 result")
		}
	}
	for _, p := range ft.Params {
		if p == wasm.V128 {
			return unsupported("v128 parameter")
		}
	}
	b.spillAll()
	b.startInstr(n + len(rt))
	args := b.popArgs(n)
	d := len(b.stack)
	v := b.newVal()
	v.Args, v.Pos, v.Type = args, int32(in.Offset), ssa.TNone
	if indirect {
		v.Op, v.Aux, v.Aux2 = ssa.OpCallIndirect, int64(in.Index), int64(in.Index2)
	} else {
		v.Op, v.Aux = ssa.OpCall, int64(in.Index)
	}
	if len(rt) > 0 {
		v.Type = rt[0]
		v.Loc.Slot = b.slotOf(d)
	}
	b.outArea = max(b.outArea, e.callArea(ft))
	e.call(v)
	for i := 1; i < len(rt); i++ {
		r := b.newVal()
		r.Op, r.Type, r.Args, r.Aux = ssa.OpResult, rt[i], append(b.ptrs[n:n], v), int64(i)
		r.Loc.Slot = b.slotOf(d + i)
		e.callResult(r)
	}
	for _, t := range rt {
		b.push(bval{t: t, kind: bSlot})
	}
	b.canon = len(b.stack)
	b.refreshMemLen()
	return nil
}

func (b *baseEmitter) builtin(bi abi.Builtin, t ssa.Type, imms int64, n int, pos int32) {
	b.spillAll()
	args := b.popArgs(n)
	d := len(b.stack)
	v := b.newVal()
	v.Op, v.Type, v.Args, v.Aux, v.Aux2, v.Pos = ssa.OpBuiltin, t, args, int64(bi), imms, pos
	if t != ssa.TNone {
		v.Loc.Slot = b.slotOf(d)
	}
	b.outArea = max(b.outArea, 6)
	b.e.builtin(v)
	if t != ssa.TNone {
		b.push(bval{t: t, kind: bSlot})
		b.canon = len(b.stack)
	}
	b.refreshMemLen()
}

// ---- control ----

// block opens a block, loop or if; fused is an if's condition when it
// is an integer comparison not yet emitted (fuseBranch).
func (b *baseEmitter) block(in *wasm.Instr, fused *ssa.Value) error {
	params, _, err := b.blockTypes(in.Block)
	if err != nil {
		return err
	}
	a := b.e.a
	var cond *ssa.Value
	if in.Op == wasm.OpIf && fused == nil {
		cond = b.popArgs(1)[0]
	}
	b.spillAll()
	fr := bframe{bt: in.Block, height: int32(len(b.stack) - len(params)), label: a.NewLabel()}
	switch in.Op {
	case wasm.OpBlock:
		fr.kind = bfBlock
	case wasm.OpLoop:
		fr.kind = bfLoop
		a.Bind(fr.label)
	case wasm.OpIf:
		fr.kind = bfIf
		fr.elseL = a.NewLabel()
		if fused != nil {
			// After spillAll: its moves may clear registers with xor,
			// which sets the flags.
			a.Jcc(b.e.compare(fused).Invert(), fr.elseL)
			b.release(fused.Args)
		} else {
			b.test(cond)
			a.Jcc(asm.CondE, fr.elseL)
			b.release(b.ptrs[:1])
		}
	}
	b.frames.push(fr)
	return nil
}

// test sets ZF from whether the i32 stand-in c is zero.
func (b *baseEmitter) test(c *ssa.Value) {
	a := b.e.a
	switch {
	case c.Op == ssa.OpConst:
		if uint32(c.Aux) == 0 {
			a.XorRR(32, rA, rA)
		} else {
			a.MovRI(32, rA, 1)
			a.TestRR(32, rA, rA)
		}
	case c.Loc.InReg():
		a.TestRR(32, asm.Reg(c.Loc.Reg), asm.Reg(c.Loc.Reg))
	default:
		a.CmpMI(32, slotMem(c.Loc.Slot), 0)
	}
}

func (b *baseEmitter) elseInstr() {
	a := b.e.a
	fr := b.frames.top(0)
	params, results := b.frameTypes(fr)
	if !b.dead {
		b.moveTop(len(results), int(fr.height))
		a.Jmp(fr.label)
		fr.reached = true
	}
	b.truncate(int(fr.height))
	for _, t := range params {
		b.push(bval{t: t, kind: bSlot})
	}
	b.canon = len(b.stack)
	a.Bind(fr.elseL)
	fr.hasElse = true
	b.dead = false
}

func (b *baseEmitter) end() {
	a := b.e.a
	fr := *b.frames.top(0)
	b.frames.n--
	switch fr.kind {
	case bfFunc:
		if !b.dead {
			b.ret()
		}
		return
	case bfLoop:
		// The results are on the stack where they are; nothing branches
		// to a loop's end.
		return
	}
	_, results := b.frameTypes(&fr)
	reached := fr.reached
	if !b.dead {
		b.moveTop(len(results), int(fr.height))
		reached = true
	}
	if fr.kind == bfIf && !fr.hasElse {
		// The false edge brings the parameters, which are the results,
		// in their slots.
		a.Bind(fr.elseL)
		reached = true
	}
	a.Bind(fr.label)
	b.truncate(int(fr.height))
	if !reached {
		b.setDead()
		return
	}
	for _, t := range results {
		b.push(bval{t: t, kind: bSlot})
	}
	b.canon = len(b.stack)
	b.dead = false
}

// target returns the frame a branch of depth d goes to and the number of
// values it carries.
func (b *baseEmitter) target(d uint32) (*bframe, int) {
	fr := b.frames.top(int(d))
	params, results := b.frameTypes(fr)
	if fr.kind == bfLoop {
		return fr, len(params)
	}
	return fr, len(results)
}

func (b *baseEmitter) br(d uint32) {
	fr, n := b.target(d)
	if fr.kind == bfFunc {
		b.ret()
		return
	}
	b.moveTop(n, int(fr.height))
	b.e.a.Jmp(fr.label)
	fr.reached = true
}

func (b *baseEmitter) brIf(d uint32) {
	c := b.popArgs(1)[0]
	if c.Op == ssa.OpConst {
		if uint32(c.Aux) != 0 {
			b.br(d)
			b.setDead()
		}
		return
	}
	b.test(c)
	b.release(b.ptrs[:1])
	b.branchOn(asm.CondNE, d)
}

// branchOn emits a branch to depth d taken when cc holds on the flags
// set just before.
func (b *baseEmitter) branchOn(cc asm.Cond, d uint32) {
	a := b.e.a
	fr, n := b.target(d)
	if fr.kind != bfFunc && !b.needMoves(n, int(fr.height)) {
		a.Jcc(cc, fr.label)
		fr.reached = true
		return
	}
	skip := a.NewLabel()
	a.Jcc(cc.Invert(), skip)
	b.br(d)
	a.Bind(skip)
}

// fuseBranch compiles an integer comparison followed by br_if or if as a
// compare and a conditional jump, without materializing the boolean. It
// reports whether it did (and then consumed the branch too).
func (b *baseEmitter) fuseBranch(o *baseOp, pos int32) (bool, error) {
	switch o.op {
	case ssa.OpEqz, ssa.OpEq, ssa.OpNe, ssa.OpLtS, ssa.OpLtU, ssa.OpGtS, ssa.OpGtU, ssa.OpLeS, ssa.OpLeU, ssa.OpGeS, ssa.OpGeU:
	default:
		return false, nil
	}
	p := b.rd.Pos()
	if p >= len(b.body) || (b.body[p] != byte(wasm.OpBrIf) && b.body[p] != byte(wasm.OpIf)) {
		return false, nil
	}
	args := b.popArgs(int(o.n))
	c := b.newVal()
	c.Op, c.Type, c.Args, c.Pos = o.op, ssa.TI32, args, pos
	if err := b.next(b.body); err != nil {
		return true, err
	}
	in := &b.in
	if in.Op == wasm.OpIf {
		return true, b.block(in, c)
	}
	cc := b.e.compare(c)
	b.release(args)
	b.branchOn(cc, in.Index)
	return true, nil
}

func (b *baseEmitter) brTable(in *wasm.Instr) {
	e := &b.e
	a := e.a
	idx := b.popArgs(1)[0]
	if idx.Op == ssa.OpConst {
		k := uint32(idx.Aux)
		if int(k) < len(in.Targets) {
			b.br(in.Targets[k])
		} else {
			b.br(in.Index)
		}
		return
	}
	b.spillAll()
	ri := e.gpr(idx, rC)
	b.release(b.ptrs[:1])
	b.brtGen++
	b.brtStubs = b.brtStubs[:0]
	// The label each depth jumps to: the frame's own, or a stub that
	// moves the values first. The choice is made once per frame (stub is
	// the frame's label when it needs no stub): needMoves looks at each
	// value the label takes, and a table of T entries at labels taking A
	// values cost T×A, out of proportion to its T bytes.
	labelOf := func(d uint32) asm.Label {
		fr, n := b.target(d)
		if fr.stubGen == b.brtGen {
			return fr.stub
		}
		fr.stubGen = b.brtGen
		if fr.kind != bfFunc && !b.needMoves(n, int(fr.height)) {
			fr.reached = true
			fr.stub = fr.label
			return fr.label
		}
		fr.stub = a.NewLabel()
		b.brtStubs = append(b.brtStubs, int(d))
		return fr.stub
	}
	n := len(in.Targets)
	a.CmpRI(32, ri, int32(n))
	a.Jcc(asm.CondAE, labelOf(in.Index))
	if n > 0 {
		tbl := a.NewLabel()
		a.LeaRIPLabel(rA, tbl)
		a.MovsxRM(64, 32, rD, asm.MI(rA, ri, 4, 0))
		a.AddRR(64, rA, rD)
		a.JmpR(rA)
		a.Align(4)
		a.Bind(tbl)
		for _, d := range in.Targets {
			a.DataLabel32(tbl, labelOf(d))
		}
	}
	for _, d := range b.brtStubs {
		fr, _ := b.target(uint32(d))
		a.Bind(fr.stub)
		b.br(uint32(d))
	}
}

// ret emits the return of the values on top of the stack; the stack is
// left as it is (a conditional return continues after it).
func (b *baseEmitter) ret() {
	a := b.e.a
	n := len(b.results)
	d := len(b.stack) - n
	_, _, nStack := convention(b.params)
	for i := n - 1; i >= 1; i-- {
		m := asm.M(asm.RBP, int32(16+8*resultSlot(nStack, b.results, i)))
		b.moveTo(memLoc(m), b.stack[d+i], d+i)
	}
	if n > 0 {
		b.moveTo(regLoc(resultReg(b.results[0])), b.stack[d], d)
	}
	a.MovRR(64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()
}
