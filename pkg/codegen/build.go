package codegen

import (
	"errors"
	"fmt"
	"sync"

	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// builder turns one function body into SSA. The wasm operand stack maps to
// SSA values directly; locals (and the cached memory length) are variables
// resolved with Braun et al.'s on-the-fly construction: a block is sealed
// once all its predecessors are known, and reads in unsealed blocks create
// parameters completed at sealing.
type builder struct {
	m      *wasm.Module
	f      *Func
	fidx   uint32
	opts   *Options
	vars   []Type // variable types: params, locals, then memlen
	memVar int    // variable holding the memory length, or -1
	stack  []*Value
	frames []frame
	cur    *Block
	pos    int32
	rd     wasm.Reader
	// in is the instruction being translated: a field, not a loop
	// variable, because the instrs table's builders take its address and
	// a local would move to the heap once per instruction.
	in       wasm.Instr
	hasCall  bool
	loops    int32 // enclosing loops, for spill weights
	maxLoops int32
	gaddr    map[uint32]*Value // cell address per global (globalAddr)
	// defs are the variables' definitions per block, keyed by defKey:
	// one table for the function rather than one per block, of which a
	// big function has tens of thousands.
	defs map[uint64]*Value
	fuel map[*Block]int64 // Options.Fuel: units charged per block (fuel.go)
}

// ErrUnsupported marks valid modules that use a feature the code generator
// does not implement.
var ErrUnsupported = errors.New("unsupported feature")

type frameKind uint8

const (
	frBlock frameKind = iota
	frLoop
	frIf
	frFunc
)

type frame struct {
	kind    frameKind
	params  []Type
	results []Type
	target  *Block   // branch target
	endPs   []*Value // explicit parameters of the end block
	elseB   *Block   // if without else yet
	ifArgs  []*Value
	height  int
	dead    bool // the frame started in unreachable code
}

func valType(t wasm.ValType) (Type, error) {
	switch t {
	case wasm.I32:
		return TI32, nil
	case wasm.I64, wasm.FuncRef, wasm.ExternRef:
		return TI64, nil
	case wasm.F32:
		return TF32, nil
	case wasm.F64:
		return TF64, nil
	case wasm.V128:
		return TV128, nil
	}
	return TNone, fmt.Errorf("%w: value type %s", ErrUnsupported, t)
}

func valTypes(ts []wasm.ValType) ([]Type, error) {
	out := make([]Type, len(ts))
	for i, t := range ts {
		var err error
		if out[i], err = valType(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// buildSSA translates defined function fidx (function index space).
func buildSSA(m *wasm.Module, fidx uint32, opts *Options) (*Func, error) {
	return buildSSAIn(m, fidx, opts, nil)
}

// buildSSAIn is buildSSA taking the function's memory from ws (nil: fresh).
func buildSSAIn(m *wasm.Module, fidx uint32, opts *Options, ws *workspace) (*Func, error) {
	instrsOnce.Do(initInstrs)
	ft := m.FuncType(fidx)
	code := &m.Codes[fidx-m.NumImportedFuncs]
	// About one value per two bytes of code.
	b := &builder{m: m, fidx: fidx, opts: opts, f: &Func{slabHint: len(code.Body)/2 + 8, ws: ws}, memVar: -1}
	if ws != nil {
		if ws.defs == nil {
			ws.defs = make(map[uint64]*Value)
		}
		b.defs = ws.defs
	} else {
		b.defs = make(map[uint64]*Value)
	}
	var err error
	if b.f.Params, err = valTypes(ft.Params); err != nil {
		return nil, err
	}
	if b.f.Results, err = valTypes(ft.Results); err != nil {
		return nil, err
	}
	b.vars = append(b.vars, b.f.Params...)
	for _, le := range code.Locals {
		t, err := valType(le.Type)
		if err != nil {
			return nil, err
		}
		for i := uint32(0); i < le.Count; i++ {
			b.vars = append(b.vars, t)
		}
	}
	if m.NumMems() > 0 {
		b.memVar = len(b.vars)
		b.vars = append(b.vars, TI64)
	}
	f := b.f
	entry := f.newBlock()
	entry.sealed = true
	f.Entry = entry
	b.setCurrent(entry)
	for i, t := range f.Params {
		a := f.newValue(entry, OpArg, t)
		a.Aux = int64(i)
		entry.Params = append(entry.Params, a)
		f.Args = append(f.Args, a)
		b.writeVar(entry, i, a)
	}
	for i := len(f.Params); i < len(b.vars); i++ {
		if i == b.memVar {
			b.writeVar(entry, i, b.add(OpMemLen, TI64))
		} else {
			b.writeVar(entry, i, b.cnst(b.vars[i], 0))
		}
	}
	entryCheck := b.add(OpInterrupt, TNone)
	b.frames = append(b.frames, frame{kind: frFunc, results: f.Results})
	b.rd.Reset(code.Body)
	for b.rd.Len() > 0 {
		var err error
		if b.in, err = b.rd.Next(); err != nil {
			return nil, fmt.Errorf("offset %d: %w", code.BodyOffset+b.rd.Pos(), err)
		}
		in := &b.in
		b.pos = int32(in.Offset)
		b.countFuel(in)
		if err := b.instr(in); err != nil {
			return nil, fmt.Errorf("offset %d: %s: %w", code.BodyOffset+in.Offset, in.Op, err)
		}
	}
	if len(b.frames) != 0 {
		return nil, fmt.Errorf("function body ends inside a block")
	}
	if !b.hasCall && b.maxLoops == 0 {
		// A leaf without loops finishes quickly: no interrupt check.
		for i, v := range entry.Values {
			if v == entryCheck {
				entry.Values = append(entry.Values[:i], entry.Values[i+1:]...)
				break
			}
		}
	}
	b.placeFuel()
	return f, nil
}

// globalAddr returns the value holding the address of global idx's cell,
// loaded once in the entry block: an access is then one load instead of
// three (VMGlobals, the cell pointer, the value).
func (b *builder) globalAddr(idx uint32) *Value {
	if v := b.gaddr[idx]; v != nil {
		return v
	}
	v := b.f.newValue(b.f.Entry, OpGlobalAddr, TI64)
	v.Aux = int64(idx)
	b.f.Entry.Values = append([]*Value{v}, b.f.Entry.Values...)
	if b.gaddr == nil {
		b.gaddr = map[uint32]*Value{}
	}
	b.gaddr[idx] = v
	return v
}

func (b *builder) setCurrent(blk *Block) {
	b.f.Blocks = append(b.f.Blocks, blk)
	blk.loopDepth = b.loops
	b.cur = blk
}

func (b *builder) add(op Op, t Type, args ...*Value) *Value {
	v := b.f.newValue(b.cur, op, t, args...)
	v.Pos = b.pos
	b.cur.Values = append(grow(b.f.ws.valueBump(), b.cur.Values, 1), v)
	return v
}

func (b *builder) cnst(t Type, bits uint64) *Value {
	v := b.add(OpConst, t)
	if t == TI32 || t == TF32 {
		bits = uint64(uint32(bits))
	}
	v.Aux = int64(bits)
	return v
}

func (b *builder) push(v *Value) { b.stack = append(b.stack, v) }

func (b *builder) pop() *Value {
	v := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	return v
}

func (b *builder) popN(n int) []*Value {
	vs := b.top(n)
	b.stack = b.stack[:len(b.stack)-n]
	return vs
}

// top copies the n values on top of the stack.
func (b *builder) top(n int) []*Value {
	if n == 0 {
		return nil
	}
	vs := b.f.ws.values(n)
	copy(vs, b.stack[len(b.stack)-n:])
	return vs
}

// ---- variables (Braun et al.) ----

func defKey(blk *Block, x int) uint64 { return uint64(uint32(blk.ID))<<32 | uint64(uint32(x)) }

func (b *builder) writeVar(blk *Block, x int, v *Value) {
	b.defs[defKey(blk, x)] = v
}

func (b *builder) readVar(blk *Block, x int) *Value {
	if v, ok := b.defs[defKey(blk, x)]; ok {
		return v
	}
	var v *Value
	switch {
	case !blk.sealed:
		v = b.newParam(blk, b.vars[x])
		blk.incomplete = append(blk.incomplete, incompleteParam{x, v})
	case len(blk.Preds) == 1:
		v = b.readVar(blk.Preds[0], x)
	default:
		v = b.newParam(blk, b.vars[x])
		b.writeVar(blk, x, v)
		b.addParamArgs(blk, x)
	}
	b.writeVar(blk, x, v)
	return v
}

func (b *builder) newParam(blk *Block, t Type) *Value {
	p := b.f.newValue(blk, OpParam, t)
	blk.Params = append(grow(b.f.ws.valueBump(), blk.Params, 1), p)
	return p
}

func (b *builder) addParamArgs(blk *Block, x int) {
	for _, p := range blk.Preds {
		a := b.readVar(p, x)
		e := &p.Succs[p.edgeTo(blk)]
		e.Args = append(grow(b.f.ws.valueBump(), e.Args, 1), a)
		a.Uses++
	}
}

func (b *builder) seal(blk *Block) {
	for _, ip := range blk.incomplete {
		b.addParamArgs(blk, ip.variable)
	}
	blk.incomplete = nil
	blk.sealed = true
}

// ---- control flow ----

func (b *builder) addEdge(from, to *Block, args []*Value) {
	for _, a := range args {
		a.Uses++
	}
	from.Succs = append(grow(b.f.ws.edgeBump(), from.Succs, 1), Edge{B: to, Args: args})
	from.succIdx = nil
	to.Preds = append(grow(b.f.ws.blockBump(), to.Preds, 1), from)
}

func (b *builder) jump(to *Block, args []*Value) {
	b.cur.Kind = BlockPlain
	b.addEdge(b.cur, to, args)
	b.cur = nil
}

func (b *builder) newEndBlock(types []Type) (*Block, []*Value) {
	blk := b.f.newBlock()
	ps := b.f.ws.values(len(types))
	for i, t := range types {
		ps[i] = b.newParam(blk, t)
	}
	return blk, ps
}

// oneType holds each Type once, for the result lists of blocks with one
// result, most of them, so that those take no allocation.
var oneType = [...]Type{TNone, TI32, TI64, TF32, TF64, TV128}

func (b *builder) blockType(bt wasm.BlockType) (params, results []Type, err error) {
	switch bt.Kind {
	case wasm.BlockEmpty:
		return nil, nil, nil
	case wasm.BlockValue:
		t, err := valType(bt.Value)
		if err != nil {
			return nil, nil, err
		}
		// Shared and read-only (capped: an append copies).
		return nil, oneType[t : t+1 : t+1], nil
	}
	ft := b.m.Types[bt.Index]
	if params, err = valTypes(ft.Params); err != nil {
		return nil, nil, err
	}
	results, err = valTypes(ft.Results)
	return params, results, err
}

// labelArity is the number of values a branch to fr carries.
func (fr *frame) labelTypes() []Type {
	if fr.kind == frLoop {
		return fr.params
	}
	return fr.results
}

func (b *builder) ret() {
	b.cur.Kind = BlockReturn
	b.cur.Results = b.top(len(b.f.Results))
	for _, r := range b.cur.Results {
		r.Uses++
	}
	b.cur = nil
}

// branchTarget returns the block and arguments of a branch to depth d, or
// nil for a branch to the function frame (a return).
func (b *builder) branchTarget(d uint32) (*Block, []*Value) {
	fr := &b.frames[len(b.frames)-1-int(d)]
	if fr.kind == frFunc {
		return nil, nil
	}
	return fr.target, b.top(len(fr.labelTypes()))
}

func (b *builder) instr(in *wasm.Instr) error {
	if b.cur == nil {
		return b.deadInstr(in)
	}
	if i := instrIndex(in.Op); i >= 0 && instrs[i] != nil {
		return instrs[i](b, in)
	}
	op := in.Op
	if op >= wasm.OpI32Load && op <= wasm.OpI64Store32 {
		return b.memOp(in)
	}
	if op>>16 == wasm.PrefixFD {
		return b.simd(in)
	}
	return b.numeric(op)
}

// instrs maps the control, variable, table, constant and bulk-memory
// instructions to their builders, by instrIndex; loads and stores, SIMD
// and numeric instructions have builders of their own (memOp, simd,
// numeric). Filled on first use (buildSSA): the builders reach instr again through
// nested blocks, and a table initialized in its declaration would be an
// initialization cycle; not in an init function: running a compiled module
// must not initialise the compiler.
var (
	instrs     [256 + 32]func(b *builder, in *wasm.Instr) error
	instrsOnce sync.Once
)

// instrIndex is op's index in instrs: a one-byte opcode is its own
// index, a 0xFC-prefixed one follows them; -1 for others.
func instrIndex(op wasm.Opcode) int {
	switch {
	case op < 256:
		return int(op)
	case op>>16 == wasm.PrefixFC && op&0xFFFF < 32:
		return 256 + int(op&0xFFFF)
	}
	return -1
}

func initInstrs() {
	instrs[instrIndex(wasm.OpNop)] = (*builder).nop
	instrs[instrIndex(wasm.OpUnreachable)] = (*builder).instrUnreachable
	instrs[instrIndex(wasm.OpBlock)] = (*builder).instrBlock
	instrs[instrIndex(wasm.OpLoop)] = (*builder).instrBlock
	instrs[instrIndex(wasm.OpIf)] = (*builder).instrBlock
	instrs[instrIndex(wasm.OpElse)] = (*builder).instrElse
	instrs[instrIndex(wasm.OpEnd)] = (*builder).instrEnd
	instrs[instrIndex(wasm.OpBr)] = (*builder).instrBr
	instrs[instrIndex(wasm.OpBrIf)] = (*builder).instrBrIf
	instrs[instrIndex(wasm.OpBrTable)] = (*builder).instrBrTable
	instrs[instrIndex(wasm.OpReturn)] = (*builder).instrReturn
	instrs[instrIndex(wasm.OpCall)] = (*builder).instrCall
	instrs[instrIndex(wasm.OpCallIndirect)] = (*builder).instrCallIndirect
	instrs[instrIndex(wasm.OpDrop)] = (*builder).instrDrop
	instrs[instrIndex(wasm.OpSelect)] = (*builder).instrSelect
	instrs[instrIndex(wasm.OpSelectT)] = (*builder).instrSelect
	instrs[instrIndex(wasm.OpLocalGet)] = (*builder).instrLocalGet
	instrs[instrIndex(wasm.OpLocalSet)] = (*builder).instrLocalSet
	instrs[instrIndex(wasm.OpLocalTee)] = (*builder).instrLocalTee
	instrs[instrIndex(wasm.OpGlobalGet)] = (*builder).instrGlobalGet
	instrs[instrIndex(wasm.OpGlobalSet)] = (*builder).instrGlobalSet
	instrs[instrIndex(wasm.OpTableGet)] = (*builder).instrTableGet
	instrs[instrIndex(wasm.OpTableSet)] = (*builder).instrTableSet
	instrs[instrIndex(wasm.OpMemorySize)] = (*builder).instrMemorySize
	instrs[instrIndex(wasm.OpMemoryGrow)] = (*builder).instrMemoryGrow
	instrs[instrIndex(wasm.OpI32Const)] = (*builder).instrI32Const
	instrs[instrIndex(wasm.OpI64Const)] = (*builder).instrI64Const
	instrs[instrIndex(wasm.OpF32Const)] = (*builder).instrF32Const
	instrs[instrIndex(wasm.OpF64Const)] = (*builder).instrF64Const
	instrs[instrIndex(wasm.OpRefNull)] = (*builder).instrRefNull
	instrs[instrIndex(wasm.OpRefIsNull)] = (*builder).instrRefIsNull
	instrs[instrIndex(wasm.OpRefFunc)] = (*builder).instrRefFunc
	instrs[instrIndex(wasm.OpMemoryInit)] = (*builder).instrMemoryInit
	instrs[instrIndex(wasm.OpDataDrop)] = (*builder).instrDataDrop
	instrs[instrIndex(wasm.OpMemoryCopy)] = (*builder).instrMemoryCopy
	instrs[instrIndex(wasm.OpMemoryFill)] = (*builder).instrMemoryFill
	instrs[instrIndex(wasm.OpTableInit)] = (*builder).instrTableInit
	instrs[instrIndex(wasm.OpElemDrop)] = (*builder).instrElemDrop
	instrs[instrIndex(wasm.OpTableCopy)] = (*builder).instrTableCopy
	instrs[instrIndex(wasm.OpTableGrow)] = (*builder).instrTableGrow
	instrs[instrIndex(wasm.OpTableSize)] = (*builder).instrTableSize
	instrs[instrIndex(wasm.OpTableFill)] = (*builder).instrTableFill
}

func (b *builder) nop(*wasm.Instr) error { return nil }

func (b *builder) instrUnreachable(in *wasm.Instr) error {
	b.trap(abi.TrapUnreachable)
	return nil
}

func (b *builder) instrBlock(in *wasm.Instr) error {
	op := in.Op
	params, results, err := b.blockType(in.Block)
	if err != nil {
		return err
	}
	switch op {
	case wasm.OpBlock:
		end, ps := b.newEndBlock(results)
		b.frames = append(b.frames, frame{kind: frBlock, params: params, results: results,
			target: end, endPs: ps, height: len(b.stack) - len(params)})
	case wasm.OpLoop:
		args := b.popN(len(params))
		h, ps := b.newEndBlock(params)
		b.jump(h, args)
		b.loops++
		b.maxLoops = max(b.maxLoops, b.loops)
		b.setCurrent(h)
		for _, p := range ps {
			b.push(p)
		}
		if b.opts.Fuel {
			// Fuel must be counted where it is spent. Without fuel a
			// loop needs no check: the runtime's signal handler makes a
			// thread running guest code exit from wherever it is (see
			// execute's sigPreempt), and the function entry keeps one.
			b.add(OpInterrupt, TNone)
		}
		b.frames = append(b.frames, frame{kind: frLoop, params: params, results: results,
			target: h, height: len(b.stack) - len(params)})
	case wasm.OpIf:
		cond := b.pop()
		end, ps := b.newEndBlock(results)
		thenB, elseB := b.f.newBlock(), b.f.newBlock()
		thenB.sealed, elseB.sealed = true, true
		b.cur.Kind = BlockIf
		b.cur.Control = cond
		cond.Uses++
		b.addEdge(b.cur, thenB, nil)
		b.addEdge(b.cur, elseB, nil)
		b.frames = append(b.frames, frame{kind: frIf, params: params, results: results,
			target: end, endPs: ps, elseB: elseB, ifArgs: b.top(len(params)),
			height: len(b.stack) - len(params)})
		b.setCurrent(thenB)
	}
	return nil
}

func (b *builder) instrElse(in *wasm.Instr) error {
	fr := &b.frames[len(b.frames)-1]
	b.jump(fr.target, b.top(len(fr.results)))
	b.elseStart(fr)
	return nil
}

func (b *builder) instrEnd(in *wasm.Instr) error {
	b.end()
	return nil
}

func (b *builder) instrBr(in *wasm.Instr) error {
	t, args := b.branchTarget(in.Index)
	if t == nil {
		b.ret()
	} else {
		b.jump(t, args)
	}
	return nil
}

func (b *builder) instrBrIf(in *wasm.Instr) error {
	cond := b.pop()
	t, args := b.branchTarget(in.Index)
	cont := b.f.newBlock()
	cont.sealed = true
	if t == nil {
		// A conditional return: branch to a returning block.
		t = b.f.newBlock()
		t.sealed = true
		b.cur.Kind = BlockIf
		b.cur.Control = cond
		cond.Uses++
		b.addEdge(b.cur, t, nil)
		b.addEdge(b.cur, cont, nil)
		save := b.cur
		b.setCurrent(t)
		b.ret()
		_ = save
	} else {
		b.cur.Kind = BlockIf
		b.cur.Control = cond
		cond.Uses++
		b.addEdge(b.cur, t, args)
		b.addEdge(b.cur, cont, nil)
	}
	b.setCurrent(cont)
	return nil
}

func (b *builder) instrBrTable(in *wasm.Instr) error {
	idx := b.pop()
	blk := b.cur
	blk.Kind = BlockBrTable
	blk.Control = idx
	idx.Uses++
	targets := append(append([]uint32(nil), in.Targets...), in.Index)
	var retBlock *Block
	for _, d := range targets {
		t, args := b.branchTarget(d)
		if t == nil {
			if retBlock == nil {
				retBlock = b.f.newBlock()
				retBlock.sealed = true
			}
			t = retBlock
		}
		k := -1
		for i := range blk.Succs {
			if blk.Succs[i].B == t {
				k = i
				break
			}
		}
		if k < 0 {
			k = len(blk.Succs)
			b.addEdge(blk, t, args)
		}
		blk.Table = append(blk.Table, int32(k))
	}
	b.cur = nil
	if retBlock != nil {
		b.setCurrent(retBlock)
		b.ret()
	}
	return nil
}

func (b *builder) instrReturn(in *wasm.Instr) error {
	b.ret()
	return nil
}

func (b *builder) instrCall(in *wasm.Instr) error {
	b.call(in.Index)
	return nil
}

func (b *builder) instrCallIndirect(in *wasm.Instr) error {
	ft := b.m.Types[in.Index]
	idx := b.pop()
	args := b.popN(len(ft.Params))
	b.emitCall(OpCallIndirect, int64(in.Index), int64(in.Index2), append(args, idx), ft)
	return nil
}

func (b *builder) instrDrop(in *wasm.Instr) error {
	b.pop()
	return nil
}

func (b *builder) instrSelect(in *wasm.Instr) error {
	c := b.pop()
	y := b.pop()
	x := b.pop()
	b.push(b.add(OpSelect, x.Type, c, x, y))
	return nil
}

func (b *builder) instrLocalGet(in *wasm.Instr) error {
	b.push(b.readVar(b.cur, int(in.Index)))
	return nil
}

func (b *builder) instrLocalSet(in *wasm.Instr) error {
	b.writeVar(b.cur, int(in.Index), b.pop())
	return nil
}

func (b *builder) instrLocalTee(in *wasm.Instr) error {
	b.writeVar(b.cur, int(in.Index), b.stack[len(b.stack)-1])
	return nil
}

func (b *builder) instrGlobalGet(in *wasm.Instr) error {
	t, err := valType(b.m.GlobalType(in.Index).Type)
	if err != nil {
		return err
	}
	v := b.add(OpGlobalGet, t, b.globalAddr(in.Index))
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrGlobalSet(in *wasm.Instr) error {
	v := b.add(OpGlobalSet, TNone, b.pop(), b.globalAddr(in.Index))
	v.Aux = int64(in.Index)
	return nil
}

func (b *builder) instrTableGet(in *wasm.Instr) error {
	v := b.add(OpTableGet, TI64, b.pop())
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrTableSet(in *wasm.Instr) error {
	val := b.pop()
	idx := b.pop()
	v := b.add(OpTableSet, TNone, idx, val)
	v.Aux = int64(in.Index)
	return nil
}

func (b *builder) instrMemorySize(in *wasm.Instr) error {
	ml := b.readVar(b.cur, b.memVar)
	sh := b.add(OpShrU, TI64, ml, b.cnst(TI64, 16))
	b.push(b.add(OpWrap, TI32, sh))
	return nil
}

func (b *builder) instrMemoryGrow(in *wasm.Instr) error {
	b.push(b.builtin(abi.BuiltinMemoryGrow, TI32, 0, b.popN(1)))
	b.writeVar(b.cur, b.memVar, b.add(OpMemLen, TI64))
	return nil
}

func (b *builder) instrI32Const(in *wasm.Instr) error {
	b.push(b.cnst(TI32, in.Value))
	return nil
}

func (b *builder) instrI64Const(in *wasm.Instr) error {
	b.push(b.cnst(TI64, in.Value))
	return nil
}

func (b *builder) instrF32Const(in *wasm.Instr) error {
	b.push(b.cnst(TF32, in.Value))
	return nil
}

func (b *builder) instrF64Const(in *wasm.Instr) error {
	b.push(b.cnst(TF64, in.Value))
	return nil
}

func (b *builder) instrRefNull(in *wasm.Instr) error {
	b.push(b.cnst(TI64, 0))
	return nil
}

func (b *builder) instrRefIsNull(in *wasm.Instr) error {
	b.push(b.add(OpEqz, TI32, b.pop()))
	return nil
}

func (b *builder) instrRefFunc(in *wasm.Instr) error {
	v := b.add(OpRefFunc, TI64)
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrMemoryInit(in *wasm.Instr) error {
	b.builtin(abi.BuiltinMemoryInit, TNone, int64(in.Index), b.popN(3))
	return nil
}

func (b *builder) instrDataDrop(in *wasm.Instr) error {
	b.builtin(abi.BuiltinDataDrop, TNone, int64(in.Index), nil)
	return nil
}

func (b *builder) instrMemoryCopy(in *wasm.Instr) error {
	b.builtin(abi.BuiltinMemoryCopy, TNone, 0, b.popN(3))
	return nil
}

func (b *builder) instrMemoryFill(in *wasm.Instr) error {
	b.builtin(abi.BuiltinMemoryFill, TNone, 0, b.popN(3))
	return nil
}

func (b *builder) instrTableInit(in *wasm.Instr) error {
	b.builtin(abi.BuiltinTableInit, TNone, int64(in.Index2)|int64(in.Index)<<32, b.popN(3))
	return nil
}

func (b *builder) instrElemDrop(in *wasm.Instr) error {
	b.builtin(abi.BuiltinElemDrop, TNone, int64(in.Index), nil)
	return nil
}

func (b *builder) instrTableCopy(in *wasm.Instr) error {
	b.builtin(abi.BuiltinTableCopy, TNone, int64(in.Index)|int64(in.Index2)<<32, b.popN(3))
	return nil
}

func (b *builder) instrTableGrow(in *wasm.Instr) error {
	b.push(b.builtin(abi.BuiltinTableGrow, TI32, int64(in.Index), b.popN(2)))
	return nil
}

func (b *builder) instrTableSize(in *wasm.Instr) error {
	v := b.add(OpTableSize, TI32)
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrTableFill(in *wasm.Instr) error {
	b.builtin(abi.BuiltinTableFill, TNone, int64(in.Index), b.popN(3))
	return nil
}

// builtinImms is the number of immediate slots each builtin takes before
// its stack arguments.
func builtinImms(bi abi.Builtin) int {
	switch bi {
	case abi.BuiltinTableCopy, abi.BuiltinTableInit:
		return 2
	case abi.BuiltinMemoryInit, abi.BuiltinDataDrop, abi.BuiltinTableGrow, abi.BuiltinTableFill,
		abi.BuiltinElemDrop, abi.BuiltinTableGet, abi.BuiltinTableSet:
		return 1
	}
	return 0
}

func (b *builder) builtin(bi abi.Builtin, t Type, imms int64, args []*Value) *Value {
	b.hasCall = true
	v := b.add(OpBuiltin, t, args...)
	v.Aux = int64(bi)
	v.Aux2 = imms
	return v
}

func (b *builder) trap(code abi.TrapCode) {
	b.cur.Kind = BlockTrap
	b.cur.Aux = int64(code)
	b.cur.Pos = b.pos
	b.cur = nil
}

func (b *builder) call(fidx uint32) {
	ft := b.m.FuncType(fidx)
	args := b.popN(len(ft.Params))
	b.emitCall(OpCall, int64(fidx), 0, args, ft)
}

func (b *builder) emitCall(op Op, aux, aux2 int64, args []*Value, ft wasm.FuncType) {
	b.hasCall = true
	rt, _ := valTypes(ft.Results)
	t := TNone
	if len(rt) > 0 {
		t = rt[0]
	}
	v := b.add(op, t, args...)
	v.Aux, v.Aux2 = aux, aux2
	if len(rt) > 0 {
		b.push(v)
	}
	for i := 1; i < len(rt); i++ {
		r := b.add(OpResult, rt[i], v)
		r.Aux = int64(i)
		b.push(r)
	}
	if b.memVar >= 0 {
		b.writeVar(b.cur, b.memVar, b.add(OpMemLen, TI64))
	}
}

func (b *builder) elseStart(fr *frame) {
	b.stack = b.stack[:fr.height]
	b.stack = append(b.stack, fr.ifArgs...)
	if fr.elseB != nil {
		b.setCurrent(fr.elseB)
		fr.elseB = nil
	}
}

func (b *builder) end() {
	fr := b.frames[len(b.frames)-1]
	b.frames = b.frames[:len(b.frames)-1]
	if fr.kind == frFunc {
		if b.cur != nil {
			b.ret()
		}
		return
	}
	if fr.kind == frLoop {
		b.loops--
		if b.cur != nil {
			b.cur.loopDepth = min(b.cur.loopDepth, b.loops)
		}
		b.seal(fr.target)
		if b.cur != nil {
			return // the results are on the stack already
		}
		b.stack = b.stack[:fr.height]
		return
	}
	if b.cur != nil {
		b.jump(fr.target, b.top(len(fr.results)))
	}
	if fr.kind == frIf && fr.elseB != nil && !fr.dead {
		// No else: the false edge carries the parameters through.
		b.setCurrent(fr.elseB)
		b.jump(fr.target, fr.ifArgs)
	}
	b.stack = b.stack[:fr.height]
	end := fr.target
	b.seal(end)
	if len(end.Preds) == 0 {
		b.cur = nil
		return
	}
	b.setCurrent(end)
	b.stack = append(b.stack, fr.endPs...)
}

// deadInstr tracks block structure through unreachable code.
func (b *builder) deadInstr(in *wasm.Instr) error {
	switch in.Op {
	case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
		b.frames = append(b.frames, frame{dead: true, kind: frBlock, height: len(b.stack)})
		if in.Op == wasm.OpIf {
			b.frames[len(b.frames)-1].kind = frIf
		}
	case wasm.OpElse:
		fr := &b.frames[len(b.frames)-1]
		if !fr.dead {
			b.elseStart(fr)
		}
	case wasm.OpEnd:
		fr := b.frames[len(b.frames)-1]
		if fr.dead {
			b.frames = b.frames[:len(b.frames)-1]
			return nil
		}
		b.end()
	}
	return nil
}

func (b *builder) memOp(in *wasm.Instr) error {
	if b.memVar < 0 {
		return fmt.Errorf("memory access without a memory")
	}
	op := in.Op
	var size int
	var t Type
	store := op >= wasm.OpI32Store
	switch op {
	case wasm.OpI32Load, wasm.OpI32Store:
		size, t = 4, TI32
	case wasm.OpI64Load, wasm.OpI64Store:
		size, t = 8, TI64
	case wasm.OpF32Load, wasm.OpF32Store:
		size, t = 4, TF32
	case wasm.OpF64Load, wasm.OpF64Store:
		size, t = 8, TF64
	case wasm.OpI32Load8S, wasm.OpI32Load8U, wasm.OpI32Store8:
		size, t = 1, TI32
	case wasm.OpI32Load16S, wasm.OpI32Load16U, wasm.OpI32Store16:
		size, t = 2, TI32
	case wasm.OpI64Load8S, wasm.OpI64Load8U, wasm.OpI64Store8:
		size, t = 1, TI64
	case wasm.OpI64Load16S, wasm.OpI64Load16U, wasm.OpI64Store16:
		size, t = 2, TI64
	case wasm.OpI64Load32S, wasm.OpI64Load32U, wasm.OpI64Store32:
		size, t = 4, TI64
	}
	var v *Value
	var args []*Value
	if store {
		val := b.pop()
		args = []*Value{b.pop(), val}
	} else {
		args = []*Value{b.pop()}
	}
	if b.needsCheck(uint64(in.MemOffset) + uint64(size)) {
		args = append(args, b.readVar(b.cur, b.memVar))
	}
	if store {
		v = b.add(OpStore, TNone, args...)
	} else {
		v = b.add(OpLoad, t, args...)
		b.push(v)
	}
	v.Aux = int64(in.MemOffset)
	v.Aux2 = int64(op)
	return nil
}

// needsCheck reports whether an access reaching end bytes past a 32-bit
// address needs an explicit bounds check.
func (b *builder) needsCheck(end uint64) bool {
	if b.opts.Bounds != object.BoundsGuard {
		return true
	}
	return (1<<32)+end > b.opts.MemReserve+b.opts.MemGuard
}

var intBinOps = [...]Op{OpAdd, OpSub, OpMul, OpDivS, OpDivU, OpRemS, OpRemU, OpAnd, OpOr, OpXor,
	OpShl, OpShrS, OpShrU, OpRotl, OpRotr}
var intCmpOps = [...]Op{OpEq, OpNe, OpLtS, OpLtU, OpGtS, OpGtU, OpLeS, OpLeU, OpGeS, OpGeU}
var floatCmpOps = [...]Op{OpFEq, OpFNe, OpFLt, OpFGt, OpFLe, OpFGe}
var floatUnOps = [...]Op{OpFAbs, OpFNeg, OpFCeil, OpFFloor, OpFTrunc, OpFNearest, OpFSqrt}
var floatBinOps = [...]Op{OpFAdd, OpFSub, OpFMul, OpFDiv, OpFMin, OpFMax, OpFCopysign}

func (b *builder) bin(op Op, t Type) {
	y := b.pop()
	x := b.pop()
	b.push(b.add(op, t, x, y))
}

func (b *builder) un(op Op, t Type) { b.push(b.add(op, t, b.pop())) }

func (b *builder) numeric(op wasm.Opcode) error {
	switch {
	case op == wasm.OpI32Eqz || op == wasm.OpI64Eqz:
		b.un(OpEqz, TI32)
	case op >= wasm.OpI32Eq && op <= wasm.OpI32GeU:
		b.bin(intCmpOps[op-wasm.OpI32Eq], TI32)
	case op >= wasm.OpI64Eq && op <= wasm.OpI64GeU:
		b.bin(intCmpOps[op-wasm.OpI64Eq], TI32)
	case op >= wasm.OpF32Eq && op <= wasm.OpF32Ge:
		b.bin(floatCmpOps[op-wasm.OpF32Eq], TI32)
	case op >= wasm.OpF64Eq && op <= wasm.OpF64Ge:
		b.bin(floatCmpOps[op-wasm.OpF64Eq], TI32)
	case op >= wasm.OpI32Clz && op <= wasm.OpI32Popcnt:
		b.un([...]Op{OpClz, OpCtz, OpPopcnt}[op-wasm.OpI32Clz], TI32)
	case op >= wasm.OpI64Clz && op <= wasm.OpI64Popcnt:
		b.un([...]Op{OpClz, OpCtz, OpPopcnt}[op-wasm.OpI64Clz], TI64)
	case op >= wasm.OpI32Add && op <= wasm.OpI32Rotr:
		b.bin(intBinOps[op-wasm.OpI32Add], TI32)
	case op >= wasm.OpI64Add && op <= wasm.OpI64Rotr:
		b.bin(intBinOps[op-wasm.OpI64Add], TI64)
	case op >= wasm.OpF32Abs && op <= wasm.OpF32Sqrt:
		b.un(floatUnOps[op-wasm.OpF32Abs], TF32)
	case op >= wasm.OpF32Add && op <= wasm.OpF32Copysign:
		b.bin(floatBinOps[op-wasm.OpF32Add], TF32)
	case op >= wasm.OpF64Abs && op <= wasm.OpF64Sqrt:
		b.un(floatUnOps[op-wasm.OpF64Abs], TF64)
	case op >= wasm.OpF64Add && op <= wasm.OpF64Copysign:
		b.bin(floatBinOps[op-wasm.OpF64Add], TF64)
	default:
		c, ok := convOps.Get()[op]
		if !ok {
			return fmt.Errorf("%w: instruction", ErrUnsupported)
		}
		b.un(c.op, c.t)
	}
	return nil
}

type convOp struct {
	op Op
	t  Type
}

// convOps gives each conversion opcode its op and result type.
var convOps = lazy.Value[map[wasm.Opcode]convOp]{New: func() map[wasm.Opcode]convOp {
	return map[wasm.Opcode]convOp{
		wasm.OpI32WrapI64:        {OpWrap, TI32},
		wasm.OpI32TruncF32S:      {OpTruncS, TI32},
		wasm.OpI32TruncF32U:      {OpTruncU, TI32},
		wasm.OpI32TruncF64S:      {OpTruncS, TI32},
		wasm.OpI32TruncF64U:      {OpTruncU, TI32},
		wasm.OpI64ExtendI32S:     {OpExtendS, TI64},
		wasm.OpI64ExtendI32U:     {OpExtendU, TI64},
		wasm.OpI64TruncF32S:      {OpTruncS, TI64},
		wasm.OpI64TruncF32U:      {OpTruncU, TI64},
		wasm.OpI64TruncF64S:      {OpTruncS, TI64},
		wasm.OpI64TruncF64U:      {OpTruncU, TI64},
		wasm.OpF32ConvertI32S:    {OpConvertS, TF32},
		wasm.OpF32ConvertI32U:    {OpConvertU, TF32},
		wasm.OpF32ConvertI64S:    {OpConvertS, TF32},
		wasm.OpF32ConvertI64U:    {OpConvertU, TF32},
		wasm.OpF32DemoteF64:      {OpDemote, TF32},
		wasm.OpF64ConvertI32S:    {OpConvertS, TF64},
		wasm.OpF64ConvertI32U:    {OpConvertU, TF64},
		wasm.OpF64ConvertI64S:    {OpConvertS, TF64},
		wasm.OpF64ConvertI64U:    {OpConvertU, TF64},
		wasm.OpF64PromoteF32:     {OpPromote, TF64},
		wasm.OpI32ReinterpretF32: {OpReinterpret, TI32},
		wasm.OpI64ReinterpretF64: {OpReinterpret, TI64},
		wasm.OpF32ReinterpretI32: {OpReinterpret, TF32},
		wasm.OpF64ReinterpretI64: {OpReinterpret, TF64},
		wasm.OpI32Extend8S:       {OpExtend8S, TI32},
		wasm.OpI32Extend16S:      {OpExtend16S, TI32},
		wasm.OpI64Extend8S:       {OpExtend8S, TI64},
		wasm.OpI64Extend16S:      {OpExtend16S, TI64},
		wasm.OpI64Extend32S:      {OpExtend32S, TI64},
		wasm.OpI32TruncSatF32S:   {OpTruncSatS, TI32},
		wasm.OpI32TruncSatF32U:   {OpTruncSatU, TI32},
		wasm.OpI32TruncSatF64S:   {OpTruncSatS, TI32},
		wasm.OpI32TruncSatF64U:   {OpTruncSatU, TI32},
		wasm.OpI64TruncSatF32S:   {OpTruncSatS, TI64},
		wasm.OpI64TruncSatF32U:   {OpTruncSatU, TI64},
		wasm.OpI64TruncSatF64S:   {OpTruncSatS, TI64},
		wasm.OpI64TruncSatF64U:   {OpTruncSatU, TI64},
	}
}}
