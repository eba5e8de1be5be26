package frontend

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// builder turns one function body into SSA. The wasm operand stack maps to
// SSA values directly; locals (and the cached memory length) are variables
// resolved with Braun et al.'s on-the-fly construction: a block is sealed
// once all its predecessors are known, and reads in unsealed blocks create
// parameters completed at sealing.
type builder struct {
	m    *wasm.Module
	f    *ssa.Func
	fidx uint32
	opts *ssa.Options
	// The variables are the params, the locals, then memlen (memVar).
	// Their types are runs, not one entry per variable: a function may
	// declare 50,000 locals and touch none of them, and what it declares
	// costs nothing until it is read (varType).
	nvars  int
	params []ssa.Type
	runs   []localRun
	// zeros are the zero constants of the locals read before any write,
	// made on first read (readVar) and placed in the entry block at the
	// end (placeZeros).
	zeros  []zeroVar
	memVar int // variable holding the memory length, or -1
	stack  []*ssa.Value
	frames []frame
	cur    *ssa.Block
	pos    int32
	rd     wasm.Reader
	// in is the instruction being translated: a field, not a loop
	// variable, because the instrs table's builders take its address and
	// a local would move to the heap once per instruction.
	in       wasm.Instr
	hasCall  bool
	loops    int32 // enclosing loops, for spill weights
	maxLoops int32
	gaddr    map[uint32]*ssa.Value // cell address per global (globalAddr)
	fuel     map[*ssa.Block]int64  // Options.Fuel: units charged per block (fuel.go)
	// The variables' definitions per block: dense, indexed by block ID *
	// stride + variable, while that table stays within maxDense entries;
	// beyond, defs keyed by defKey (stride 0). Both are the workspace's,
	// reused, and one per function rather than one map per block, of which
	// a big function has tens of thousands.
	dense  []*ssa.Value
	stride int
	// denseMax bounds the dense table for this function (≤ maxDense).
	denseMax int
	defs     map[uint64]*ssa.Value
	ws       *ssa.Workspace
	facts    *Facts
	// trivialLeft is set when a block parameter may be left whose
	// arguments are all one value or itself: one a read found used
	// through a loop (readVar), or one found at sealing. Without it the
	// function's parameters are all needed (Func.ParamsMinimal).
	trivialLeft bool
	brTables    int32 // br_tables translated, numbering them from 1
	checked     bool  // an access has an explicit bounds check
	hops        hops  // readVar's shortcuts over joins (hop.go)
	maxValues   int32 // the values the function may have (newParam)
}

type frameKind uint8

const (
	frBlock frameKind = iota
	frLoop
	frIf
	frFunc
)

type frame struct {
	kind    frameKind
	params  []ssa.Type
	results []ssa.Type
	target  *ssa.Block   // branch target
	endPs   []*ssa.Value // explicit parameters of the end block
	elseB   *ssa.Block   // if without else yet
	head    *ssa.Block   // the block current where the construct began
	ifArgs  []*ssa.Value
	height  int
	dead    bool // the frame started in unreachable code
	// brEdge is the index of the edge to the target from the block of
	// br_table number brTable (instrBrTable).
	brTable int32
	brEdge  int32
}

// BuildSSA translates defined function fidx (function index space).
func BuildSSA(m *wasm.Module, fidx uint32, opts *ssa.Options) (*ssa.Func, error) {
	return BuildSSAIn(m, fidx, opts, nil, nil)
}

// BuildSSAIn is BuildSSA taking the function's memory from ws (nil:
// fresh), which must stay unreset while the function is in use, and what
// is known of the module from facts (nil: nothing; ModuleFacts).
func BuildSSAIn(m *wasm.Module, fidx uint32, opts *ssa.Options, ws *ssa.Workspace, facts *Facts) (f *ssa.Func, err error) {
	instrsOnce.Do(initInstrs)
	ft := m.FuncType(fidx)
	code := &m.Codes[fidx-m.NumImportedFuncs]
	// About one value per two bytes of code.
	b := &builder{m: m, fidx: fidx, opts: opts, f: &ssa.Func{SlabHint: len(code.Body)/2 + 8, BodySize: len(code.Body), WS: ws},
		memVar: -1, ws: ws, facts: facts, maxValues: int32(min(valuesPerByte*len(code.Body)+valuesFloor, math.MaxInt32))}
	if ws != nil {
		// The operand stack, frames and variable types of the worker's
		// previous function, for their capacity.
		if old, ok := ws.Frontend.(*builder); ok {
			b.stack, b.frames, b.runs, b.zeros = old.stack[:0], old.frames[:0], old.runs[:0], old.zeros[:0]
			b.hops.reuse(&old.hops)
		}
		ws.Frontend = b
	}
	defer func() {
		b.releaseDefs()
		if r := recover(); r != nil {
			if r != errTooManyValues {
				panic(r)
			}
			f, err = nil, fmt.Errorf("%d values for %d bytes of code: %w", b.f.NextID, len(code.Body), ssa.ErrTooCostly)
		}
	}()
	if b.f.Params, b.f.Results, err = ssa.Signature(ft); err != nil {
		return nil, err
	}
	b.params = b.f.Params
	b.nvars = len(b.params)
	for _, le := range code.Locals {
		t, err := ssa.ValType(le.Type)
		if err != nil {
			return nil, err
		}
		if le.Count > 0 {
			b.nvars += int(le.Count)
			b.runs = append(b.runs, localRun{end: b.nvars, t: t})
		}
	}
	if m.NumMems() > 0 {
		b.memVar = b.nvars
		b.nvars++
	}
	b.stride = b.nvars
	// The dense table may cover about as many definitions as the body
	// has bytes (and a floor for small functions); a function declaring
	// more variables than that keeps its definitions in the map, whose
	// size follows what the code writes, not what it declares.
	b.denseMax = min(maxDense, max(4096, 16*len(code.Body)))
	if ws != nil {
		b.dense = ws.DefsDense[:0]
	}
	f = b.f
	entry := f.NewBlock()
	entry.Sealed = true
	f.Entry = entry
	b.hops.init(b.nvars, len(code.Body))
	b.setCurrent(entry, nil)
	for i, t := range f.Params {
		a := f.NewValue(entry, ssa.OpArg, t)
		a.Aux = int64(i)
		entry.Params = append(entry.Params, a)
		f.Args = append(f.Args, a)
		b.writeVar(entry, i, a)
	}
	// The locals get their zero on first read (readVar): one never read
	// costs nothing.
	if b.memVar >= 0 {
		b.writeVar(entry, b.memVar, b.add(ssa.OpMemLen, ssa.TI64))
	}
	entryCheck := b.add(ssa.OpInterrupt, ssa.TNone)
	b.frames = append(b.frames, frame{kind: frFunc, results: f.Results})
	b.rd.Reset(code.Body)
	in := &b.in
	clean := false // in holds no immediates but readFast's
	kinds := fastKinds.Get()
	for body, pos := code.Body, 0; pos < len(body); {
		if n := readFast(in, body, pos, clean, kinds); n > 0 {
			pos += n
			clean = true
		} else {
			b.rd.SetPos(pos)
			if err := b.rd.Read(in); err != nil {
				return nil, fmt.Errorf("offset %d: %w", code.BodyOffset+b.rd.Pos(), err)
			}
			pos = b.rd.Pos()
			clean = false
		}
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
	b.placeZeros()
	b.placeFuel()
	f.ParamsMinimal = !b.trivialLeft
	f.NoExplicitChecks = !b.checked
	return f, nil
}

// localRun is a run of locals of type t ending (exclusive) at variable end.
type localRun struct {
	end int
	t   ssa.Type
}

// varType is the type of variable x.
func (b *builder) varType(x int) ssa.Type {
	if x < len(b.params) {
		return b.params[x]
	}
	if x == b.memVar {
		return ssa.TI64
	}
	// Few runs in practice (one per local type); a binary search for the
	// hostile many.
	i := sort.Search(len(b.runs), func(i int) bool { return b.runs[i].end > x })
	return b.runs[i].t
}

// zero is the value of local x where nothing has written it: a zero
// constant of its type in the entry block.
func (b *builder) zero(x int) *ssa.Value {
	t := b.varType(x)
	v := b.f.NewValue(b.f.Entry, ssa.OpConst, t)
	b.zeros = append(b.zeros, zeroVar{x, v})
	return v
}

// zeroVar is a local's zero constant and the local.
type zeroVar struct {
	x int
	v *ssa.Value
}

// placeZeros puts the zero constants of the locals read before written at
// the head of the entry block, after the global addresses, ordered by
// local, where a constant for every local used to be made eagerly.
func (b *builder) placeZeros() {
	if len(b.zeros) == 0 {
		return
	}
	slices.SortFunc(b.zeros, func(p, q zeroVar) int { return cmp.Compare(p.x, q.x) })
	e := b.f.Entry
	at, k := len(b.gaddr), len(b.zeros)
	vs := slices.Grow(ssa.Grow(b.f.WS.ValueBump(), e.Values, k), k)
	vs = vs[:len(vs)+k]
	copy(vs[at+k:], vs[at:len(vs)-k])
	for i, z := range b.zeros {
		vs[at+i] = z.v
	}
	e.Values = vs
}

// globalAddr returns the value holding the address of global idx's cell,
// loaded once in the entry block: an access is then one load instead of
// three (VMGlobals, the cell pointer, the value).
func (b *builder) globalAddr(idx uint32) *ssa.Value {
	if v := b.gaddr[idx]; v != nil {
		return v
	}
	v := b.f.NewValue(b.f.Entry, ssa.OpGlobalAddr, ssa.TI64)
	v.Aux = int64(idx)
	b.f.Entry.Values = append([]*ssa.Value{v}, b.f.Entry.Values...)
	if b.gaddr == nil {
		b.gaddr = map[uint32]*ssa.Value{}
	}
	b.gaddr[idx] = v
	return v
}

// setCurrent makes blk the block instructions go to, entered from the
// end of from (nil: blk is the entry or is never read from; see hop.go).
func (b *builder) setCurrent(blk *ssa.Block, from *ssa.Block) {
	b.hops.enter(blk, from, b.pos)
	// The block list grows in the workspace, not the heap: ~9 MB of new
	// pages per big module otherwise.
	b.f.Blocks = append(ssa.Grow(b.f.WS.BlockBump(), b.f.Blocks, 1), blk)
	blk.LoopDepth = b.loops
	b.cur = blk
}

func (b *builder) add(op ssa.Op, t ssa.Type, args ...*ssa.Value) *ssa.Value {
	v := b.f.NewValue(b.cur, op, t, args...)
	v.Pos = b.pos
	b.cur.Values = append(ssa.Grow(b.f.WS.ValueBump(), b.cur.Values, 1), v)
	return v
}

func (b *builder) cnst(t ssa.Type, bits uint64) *ssa.Value {
	v := b.add(ssa.OpConst, t)
	if t == ssa.TI32 || t == ssa.TF32 {
		bits = uint64(uint32(bits))
	}
	v.Aux = int64(bits)
	return v
}

func (b *builder) push(v *ssa.Value) { b.stack = append(b.stack, v) }

func (b *builder) pop() *ssa.Value {
	v := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	return v
}

func (b *builder) popN(n int) []*ssa.Value {
	vs := b.top(n)
	b.stack = b.stack[:len(b.stack)-n]
	return vs
}

// top copies the n values on top of the stack.
func (b *builder) top(n int) []*ssa.Value {
	if n == 0 {
		return nil
	}
	vs := b.f.WS.Values(n)
	copy(vs, b.stack[len(b.stack)-n:])
	return vs
}

// ---- variables (Braun et al.) ----

func defKey(blk *ssa.Block, x int) uint64 { return uint64(uint32(blk.ID))<<32 | uint64(uint32(x)) }

// maxDense bounds the dense table of definitions (8 MiB of pointers).
const maxDense = 1 << 20

func (b *builder) writeVar(blk *ssa.Block, x int, v *ssa.Value) {
	if b.stride > 0 {
		i := int(blk.ID)*b.stride + x
		if i < len(b.dense) || b.growDense(i) {
			b.dense[i] = v
			return
		}
	}
	b.defMap()[defKey(blk, x)] = v
}

// growDense makes the dense table cover index i, or moves every
// definition to the map and reports false when it would outgrow maxDense.
func (b *builder) growDense(i int) bool {
	need := (i/b.stride + 1) * b.stride
	if need > b.denseMax {
		m := b.defMap()
		for j, v := range b.dense {
			if v != nil {
				m[uint64(j/b.stride)<<32|uint64(j%b.stride)] = v
			}
		}
		clear(b.dense)
		b.dense, b.stride = b.dense[:0], 0
		return false
	}
	n := min(max(2*len(b.dense), need, 64*b.stride), b.denseMax)
	if n <= cap(b.dense) {
		old := len(b.dense)
		b.dense = b.dense[:n]
		clear(b.dense[old:])
	} else {
		d := make([]*ssa.Value, n)
		copy(d, b.dense)
		b.dense = d
	}
	return true
}

func (b *builder) defMap() map[uint64]*ssa.Value {
	if b.defs == nil {
		if b.ws != nil {
			if b.ws.Defs == nil {
				b.ws.Defs = make(map[uint64]*ssa.Value)
			}
			b.defs = b.ws.Defs
		} else {
			b.defs = make(map[uint64]*ssa.Value)
		}
	}
	return b.defs
}

// releaseDefs gives the dense table back to the workspace, for the next
// function (which clears what it uses of it).
func (b *builder) releaseDefs() {
	if b.ws != nil && cap(b.dense) > cap(b.ws.DefsDense) {
		b.ws.DefsDense = b.dense[:0]
	}
}

func (b *builder) readVar(blk *ssa.Block, x int) *ssa.Value {
	if b.stride > 0 {
		if i := int(blk.ID)*b.stride + x; i < len(b.dense) {
			if v := b.dense[i]; v != nil {
				return v
			}
		}
	} else if v, ok := b.defs[defKey(blk, x)]; ok {
		return v
	}
	if len(blk.Preds) == 1 && blk.Sealed {
		// Braun's one hop, when it ends at once: the common case, and
		// cheaper than looking for a block further up.
		if v := b.def(blk.Preds[0], x); v != nil {
			b.writeVar(blk, x, v)
			return v
		}
	}
	if a := b.hopTarget(blk, x); a != blk {
		// Nothing between a's start and blk writes x: a's value is
		// blk's, found without a parameter or definition in the blocks
		// between (hop.go).
		v := b.readVar(a, x)
		b.writeVar(blk, x, v)
		return v
	}
	var v *ssa.Value
	switch {
	case blk == b.f.Entry:
		// Nothing wrote x on the way from the entry: a local's zero.
		v = b.zero(x)
	case !blk.Sealed:
		v = b.newParam(blk, b.varType(x))
		blk.Incomplete = append(blk.Incomplete, ssa.IncompleteParam{Variable: x, Param: v})
	case len(blk.Preds) == 1:
		v = b.readVar(blk.Preds[0], x)
	default:
		v = b.newParam(blk, b.varType(x))
		b.writeVar(blk, x, v)
		if same := b.addParamArgs(blk, x, v); same != nil {
			if v.Uses == 0 {
				v = b.dropParam(blk, v, same)
			} else {
				b.trivialLeft = true
			}
		}
	}
	b.writeVar(blk, x, v)
	return v
}

// def is blk's definition of x, nil if none.
func (b *builder) def(blk *ssa.Block, x int) *ssa.Value {
	if b.stride > 0 {
		if i := int(blk.ID)*b.stride + x; i < len(b.dense) {
			return b.dense[i]
		}
		return nil
	}
	return b.defs[defKey(blk, x)]
}

// The frontend makes at most valuesPerByte values per byte of the body
// (and valuesFloor more), or gives up with ssa.ErrTooCostly. An
// instruction makes a few values, but block parameters are per variable
// per join: 4,000 nested blocks each writing one of 4,000 locals and
// branching out need 8M of them (a 64 KB module: 7.5 GB and minutes to
// compile at -O 2, against 2.5 MB for the baseline). The real programs
// measured (scripts/real.sh, gobig) make at most 0.53 values per byte.
const (
	valuesPerByte = 4
	valuesFloor   = 32 << 10
)

// errTooManyValues is what newParam panics with past maxValues:
// parameters are made deep in readVar's recursion, and BuildSSAIn
// recovers it as an error.
var errTooManyValues = errors.New("too many values")

func (b *builder) newParam(blk *ssa.Block, t ssa.Type) *ssa.Value {
	if b.f.NextID >= b.maxValues {
		panic(errTooManyValues)
	}
	p := b.f.NewValue(blk, ssa.OpParam, t)
	blk.Params = append(ssa.Grow(b.f.WS.ValueBump(), blk.Params, 1), p)
	return p
}

// addParamArgs passes variable x's value out of every predecessor of blk
// to param, blk's parameter for x, the last one made, and returns the one
// value other than param that every edge passes (nil if there are several
// or none).
func (b *builder) addParamArgs(blk *ssa.Block, x int, param *ssa.Value) *ssa.Value {
	var same *ssa.Value
	several := false
	for _, p := range blk.Preds {
		a := b.readVar(p, x)
		e := &p.Succs[p.EdgeTo(blk)]
		e.Args = append(ssa.Grow(b.f.WS.ValueBump(), e.Args, 1), a)
		a.Uses++
		if a != param && a != same {
			several = same != nil
			same = a
		}
	}
	if several {
		return nil
	}
	return same
}

// dropParam removes p, the parameter just made for a variable of the
// sealed block blk, to which every edge passes same, and returns same:
// Braun et al.'s trivial phi, made and removed at once. Most merges of a
// variable not redefined on any path are such, and left in place each
// cost the parameter, an argument per edge and elimRedundantParams's
// work to find and forward it (gobig: 109,600 of the 191,649 parameters
// made on reads in sealed blocks were). The caller checked that nothing
// refers to p (Uses 0): every value the predecessors' reads returned
// became an edge argument, so a read that came back to blk through a
// loop left p used, and p stays for the pass. p keeps its ID, so the
// values made after it number as before.
func (b *builder) dropParam(blk *ssa.Block, p, same *ssa.Value) *ssa.Value {
	for _, pred := range blk.Preds {
		e := &pred.Succs[pred.EdgeTo(blk)]
		e.Args = e.Args[:len(e.Args)-1]
	}
	same.Uses -= int32(len(blk.Preds))
	blk.Params = blk.Params[:len(blk.Params)-1]
	return same
}

// seal completes blk's incomplete parameters now that its predecessors
// are known, and notes whether any of its parameters is left trivial.
func (b *builder) seal(blk *ssa.Block) {
	for _, ip := range blk.Incomplete {
		if b.addParamArgs(blk, ip.Variable, ip.Param) != nil {
			b.trivialLeft = true
		}
	}
	if !b.trivialLeft {
		// The explicit parameters (block results, loop parameters) come
		// first; their arguments came with the branches.
		for i := range len(blk.Params) - len(blk.Incomplete) {
			if trivialArgs(blk, i) {
				b.trivialLeft = true
				break
			}
		}
	}
	blk.Incomplete = nil
	blk.Sealed = true
}

// trivialArgs reports whether the edges into blk pass parameter i one
// value other than itself.
func trivialArgs(blk *ssa.Block, i int) bool {
	p := blk.Params[i]
	var same *ssa.Value
	for _, pred := range blk.Preds {
		a := pred.Succs[pred.EdgeTo(blk)].Args[i]
		if a != p && a != same {
			if same != nil {
				return false
			}
			same = a
		}
	}
	return same != nil
}

// ---- control flow ----

func (b *builder) addEdge(from, to *ssa.Block, args []*ssa.Value) {
	for _, a := range args {
		a.Uses++
	}
	from.Succs = append(ssa.Grow(b.f.WS.EdgeBump(), from.Succs, 1), ssa.Edge{B: to, Args: args})
	from.SuccIdx = nil
	to.Preds = append(ssa.Grow(b.f.WS.BlockBump(), to.Preds, 1), from)
}

func (b *builder) jump(to *ssa.Block, args []*ssa.Value) {
	b.cur.Kind = ssa.BlockPlain
	b.addEdge(b.cur, to, args)
	b.cur = nil
}

func (b *builder) newEndBlock(types []ssa.Type) (*ssa.Block, []*ssa.Value) {
	blk := b.f.NewBlock()
	ps := b.f.WS.Values(len(types))
	for i, t := range types {
		ps[i] = b.newParam(blk, t)
	}
	return blk, ps
}

// labelArity is the number of values a branch to fr carries.
func (fr *frame) labelTypes() []ssa.Type {
	if fr.kind == frLoop {
		return fr.params
	}
	return fr.results
}

func (b *builder) ret() {
	b.cur.Kind = ssa.BlockReturn
	b.cur.Results = b.top(len(b.f.Results))
	for _, r := range b.cur.Results {
		r.Uses++
	}
	b.cur = nil
}

// branchTarget returns the block and arguments of a branch to depth d, or
// nil for a branch to the function frame (a return).
func (b *builder) branchTarget(d uint32) (*ssa.Block, []*ssa.Value) {
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
	params, results, err := ssa.BlockTypes(b.m, in.Block)
	if err != nil {
		return err
	}
	switch op {
	case wasm.OpBlock:
		end, ps := b.newEndBlock(results)
		b.frames = append(b.frames, frame{kind: frBlock, params: params, results: results,
			target: end, endPs: ps, head: b.cur, height: len(b.stack) - len(params)})
	case wasm.OpLoop:
		args := b.popN(len(params))
		h, ps := b.newEndBlock(params)
		pre := b.cur
		b.jump(h, args)
		b.loops++
		b.maxLoops = max(b.maxLoops, b.loops)
		b.setCurrent(h, pre)
		b.hops.openLoop(h, b.pos)
		for _, p := range ps {
			b.push(p)
		}
		if b.opts.Fuel {
			// Fuel must be counted where it is spent. Without fuel a
			// loop needs no check: the runtime's signal handler makes a
			// thread running guest code exit from wherever it is (see
			// execute's sigPreempt), and the function entry keeps one.
			b.add(ssa.OpInterrupt, ssa.TNone)
		}
		b.frames = append(b.frames, frame{kind: frLoop, params: params, results: results,
			target: h, height: len(b.stack) - len(params)})
	case wasm.OpIf:
		cond := b.pop()
		end, ps := b.newEndBlock(results)
		thenB, elseB := b.f.NewBlock(), b.f.NewBlock()
		thenB.Sealed, elseB.Sealed = true, true
		b.cur.Kind = ssa.BlockIf
		b.cur.Control = cond
		cond.Uses++
		b.addEdge(b.cur, thenB, nil)
		b.addEdge(b.cur, elseB, nil)
		b.frames = append(b.frames, frame{kind: frIf, params: params, results: results,
			target: end, endPs: ps, elseB: elseB, ifArgs: b.top(len(params)),
			head: b.cur, height: len(b.stack) - len(params)})
		b.setCurrent(thenB, b.cur)
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
	cont := b.f.NewBlock()
	cont.Sealed = true
	if t == nil {
		// A conditional return: branch to a returning block.
		t = b.f.NewBlock()
		t.Sealed = true
		b.cur.Kind = ssa.BlockIf
		b.cur.Control = cond
		cond.Uses++
		b.addEdge(b.cur, t, nil)
		b.addEdge(b.cur, cont, nil)
		save := b.cur
		b.setCurrent(t, nil)
		b.ret()
		b.cur = save
	} else {
		b.cur.Kind = ssa.BlockIf
		b.cur.Control = cond
		cond.Uses++
		b.addEdge(b.cur, t, args)
		b.addEdge(b.cur, cont, nil)
	}
	b.setCurrent(cont, b.cur)
	return nil
}

func (b *builder) instrBrTable(in *wasm.Instr) error {
	idx := b.pop()
	blk := b.cur
	blk.Kind = ssa.BlockBrTable
	blk.Control = idx
	idx.Uses++
	// Each target has one edge, made on its first entry: the frame of
	// a depth notes its edge's index for this br_table (brTable), where
	// a search of the edges made so far was quadratic in the targets.
	b.brTables++
	var retBlock *ssa.Block
	for i := 0; i <= len(in.Targets); i++ {
		d := in.Index // the default, last
		if i < len(in.Targets) {
			d = in.Targets[i]
		}
		fr := &b.frames[len(b.frames)-1-int(d)]
		if fr.brTable != b.brTables {
			fr.brTable, fr.brEdge = b.brTables, int32(len(blk.Succs))
			t, args := b.branchTarget(d)
			if t == nil {
				if retBlock == nil {
					retBlock = b.f.NewBlock()
					retBlock.Sealed = true
				}
				t = retBlock
			}
			b.addEdge(blk, t, args)
		}
		blk.Table = append(blk.Table, fr.brEdge)
	}
	b.cur = nil
	if retBlock != nil {
		b.setCurrent(retBlock, nil)
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
	if b.constTable(in.Index2) {
		idx = b.add(ssa.OpCallTarget, ssa.TI64, idx)
		idx.Aux, idx.Aux2 = int64(in.Index), int64(in.Index2)
	}
	b.emitCall(ssa.OpCallIndirect, int64(in.Index), int64(in.Index2), append(args, idx), ft)
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
	b.push(b.add(ssa.OpSelect, x.Type, c, x, y))
	return nil
}

func (b *builder) instrLocalGet(in *wasm.Instr) error {
	b.push(b.readVar(b.cur, int(in.Index)))
	return nil
}

func (b *builder) instrLocalSet(in *wasm.Instr) error {
	b.hops.wrote(int(in.Index), b.pos)
	b.writeVar(b.cur, int(in.Index), b.pop())
	return nil
}

func (b *builder) instrLocalTee(in *wasm.Instr) error {
	b.hops.wrote(int(in.Index), b.pos)
	b.writeVar(b.cur, int(in.Index), b.stack[len(b.stack)-1])
	return nil
}

func (b *builder) instrGlobalGet(in *wasm.Instr) error {
	t, err := ssa.ValType(b.m.GlobalType(in.Index).Type)
	if err != nil {
		return err
	}
	v := b.add(ssa.OpGlobalGet, t, b.globalAddr(in.Index))
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrGlobalSet(in *wasm.Instr) error {
	v := b.add(ssa.OpGlobalSet, ssa.TNone, b.pop(), b.globalAddr(in.Index))
	v.Aux = int64(in.Index)
	return nil
}

func (b *builder) instrTableGet(in *wasm.Instr) error {
	v := b.add(ssa.OpTableGet, ssa.TI64, b.pop())
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrTableSet(in *wasm.Instr) error {
	val := b.pop()
	idx := b.pop()
	v := b.add(ssa.OpTableSet, ssa.TNone, idx, val)
	v.Aux = int64(in.Index)
	return nil
}

func (b *builder) instrMemorySize(in *wasm.Instr) error {
	ml := b.readVar(b.cur, b.memVar)
	sh := b.add(ssa.OpShrU, ssa.TI64, ml, b.cnst(ssa.TI64, 16))
	b.push(b.add(ssa.OpWrap, ssa.TI32, sh))
	return nil
}

func (b *builder) instrMemoryGrow(in *wasm.Instr) error {
	b.push(b.builtin(abi.BuiltinMemoryGrow, ssa.TI32, 0, b.popN(1)))
	b.hops.wrote(b.memVar, b.pos)
	b.writeVar(b.cur, b.memVar, b.add(ssa.OpMemLen, ssa.TI64))
	return nil
}

func (b *builder) instrI32Const(in *wasm.Instr) error {
	b.push(b.cnst(ssa.TI32, in.Value))
	return nil
}

func (b *builder) instrI64Const(in *wasm.Instr) error {
	b.push(b.cnst(ssa.TI64, in.Value))
	return nil
}

func (b *builder) instrF32Const(in *wasm.Instr) error {
	b.push(b.cnst(ssa.TF32, in.Value))
	return nil
}

func (b *builder) instrF64Const(in *wasm.Instr) error {
	b.push(b.cnst(ssa.TF64, in.Value))
	return nil
}

func (b *builder) instrRefNull(in *wasm.Instr) error {
	b.push(b.cnst(ssa.TI64, 0))
	return nil
}

func (b *builder) instrRefIsNull(in *wasm.Instr) error {
	b.push(b.add(ssa.OpEqz, ssa.TI32, b.pop()))
	return nil
}

func (b *builder) instrRefFunc(in *wasm.Instr) error {
	v := b.add(ssa.OpRefFunc, ssa.TI64)
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrMemoryInit(in *wasm.Instr) error {
	b.builtin(abi.BuiltinMemoryInit, ssa.TNone, int64(in.Index), b.popN(3))
	return nil
}

func (b *builder) instrDataDrop(in *wasm.Instr) error {
	b.builtin(abi.BuiltinDataDrop, ssa.TNone, int64(in.Index), nil)
	return nil
}

func (b *builder) instrMemoryCopy(in *wasm.Instr) error {
	b.builtin(abi.BuiltinMemoryCopy, ssa.TNone, 0, b.popN(3))
	return nil
}

func (b *builder) instrMemoryFill(in *wasm.Instr) error {
	b.builtin(abi.BuiltinMemoryFill, ssa.TNone, 0, b.popN(3))
	return nil
}

func (b *builder) instrTableInit(in *wasm.Instr) error {
	b.builtin(abi.BuiltinTableInit, ssa.TNone, int64(in.Index2)|int64(in.Index)<<32, b.popN(3))
	return nil
}

func (b *builder) instrElemDrop(in *wasm.Instr) error {
	b.builtin(abi.BuiltinElemDrop, ssa.TNone, int64(in.Index), nil)
	return nil
}

func (b *builder) instrTableCopy(in *wasm.Instr) error {
	b.builtin(abi.BuiltinTableCopy, ssa.TNone, int64(in.Index)|int64(in.Index2)<<32, b.popN(3))
	return nil
}

func (b *builder) instrTableGrow(in *wasm.Instr) error {
	b.push(b.builtin(abi.BuiltinTableGrow, ssa.TI32, int64(in.Index), b.popN(2)))
	return nil
}

func (b *builder) instrTableSize(in *wasm.Instr) error {
	v := b.add(ssa.OpTableSize, ssa.TI32)
	v.Aux = int64(in.Index)
	b.push(v)
	return nil
}

func (b *builder) instrTableFill(in *wasm.Instr) error {
	b.builtin(abi.BuiltinTableFill, ssa.TNone, int64(in.Index), b.popN(3))
	return nil
}

func (b *builder) builtin(bi abi.Builtin, t ssa.Type, imms int64, args []*ssa.Value) *ssa.Value {
	b.hasCall = true
	v := b.add(ssa.OpBuiltin, t, args...)
	v.Aux = int64(bi)
	v.Aux2 = imms
	return v
}

func (b *builder) trap(code abi.TrapCode) {
	b.cur.Kind = ssa.BlockTrap
	b.cur.Aux = int64(code)
	b.cur.Pos = b.pos
	b.cur = nil
}

func (b *builder) call(fidx uint32) {
	ft := b.m.FuncType(fidx)
	args := b.popN(len(ft.Params))
	b.emitCall(ssa.OpCall, int64(fidx), 0, args, ft)
}

func (b *builder) emitCall(op ssa.Op, aux, aux2 int64, args []*ssa.Value, ft wasm.FuncType) {
	b.hasCall = true
	rt, _ := ssa.ValTypes(ft.Results)
	t := ssa.TNone
	if len(rt) > 0 {
		t = rt[0]
	}
	v := b.add(op, t, args...)
	v.Aux, v.Aux2 = aux, aux2
	if len(rt) > 0 {
		b.push(v)
	}
	for i := 1; i < len(rt); i++ {
		r := b.add(ssa.OpResult, rt[i], v)
		r.Aux = int64(i)
		b.push(r)
	}
	if b.memVar >= 0 {
		b.hops.wrote(b.memVar, b.pos)
		b.writeVar(b.cur, b.memVar, b.add(ssa.OpMemLen, ssa.TI64))
	}
}

func (b *builder) elseStart(fr *frame) {
	b.stack = b.stack[:fr.height]
	b.stack = append(b.stack, fr.ifArgs...)
	if fr.elseB != nil {
		b.setCurrent(fr.elseB, fr.head)
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
			b.cur.LoopDepth = min(b.cur.LoopDepth, b.loops)
		}
		b.seal(fr.target)
		b.hops.closeLoop(fr.target, b.pos)
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
		b.setCurrent(fr.elseB, fr.head)
		b.jump(fr.target, fr.ifArgs)
	}
	b.stack = b.stack[:fr.height]
	end := fr.target
	b.seal(end)
	if len(end.Preds) == 0 {
		b.cur = nil
		return
	}
	b.setCurrent(end, fr.head)
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
	size, t, store := ssa.ScalarAccess(op)
	var v *ssa.Value
	var args []*ssa.Value
	if store {
		val := b.pop()
		args = []*ssa.Value{b.pop(), val}
	} else {
		args = []*ssa.Value{b.pop()}
	}
	if b.needsCheck(uint64(in.MemOffset) + uint64(size)) {
		args = append(args, b.readVar(b.cur, b.memVar))
		b.checked = true
	}
	if store {
		v = b.add(ssa.OpStore, ssa.TNone, args...)
	} else {
		v = b.add(ssa.OpLoad, t, args...)
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

var intBinOps = [...]ssa.Op{ssa.OpAdd, ssa.OpSub, ssa.OpMul, ssa.OpDivS, ssa.OpDivU, ssa.OpRemS, ssa.OpRemU, ssa.OpAnd, ssa.OpOr, ssa.OpXor,
	ssa.OpShl, ssa.OpShrS, ssa.OpShrU, ssa.OpRotl, ssa.OpRotr}

var intCmpOps = [...]ssa.Op{ssa.OpEq, ssa.OpNe, ssa.OpLtS, ssa.OpLtU, ssa.OpGtS, ssa.OpGtU, ssa.OpLeS, ssa.OpLeU, ssa.OpGeS, ssa.OpGeU}

var floatCmpOps = [...]ssa.Op{ssa.OpFEq, ssa.OpFNe, ssa.OpFLt, ssa.OpFGt, ssa.OpFLe, ssa.OpFGe}

var floatUnOps = [...]ssa.Op{ssa.OpFAbs, ssa.OpFNeg, ssa.OpFCeil, ssa.OpFFloor, ssa.OpFTrunc, ssa.OpFNearest, ssa.OpFSqrt}

var floatBinOps = [...]ssa.Op{ssa.OpFAdd, ssa.OpFSub, ssa.OpFMul, ssa.OpFDiv, ssa.OpFMin, ssa.OpFMax, ssa.OpFCopysign}

func (b *builder) bin(op ssa.Op, t ssa.Type) {
	y := b.pop()
	x := b.pop()
	b.push(b.add(op, t, x, y))
}

func (b *builder) un(op ssa.Op, t ssa.Type) { b.push(b.add(op, t, b.pop())) }

func (b *builder) numeric(op wasm.Opcode) error {
	switch {
	case op == wasm.OpI32Eqz || op == wasm.OpI64Eqz:
		b.un(ssa.OpEqz, ssa.TI32)
	case op >= wasm.OpI32Eq && op <= wasm.OpI32GeU:
		b.bin(intCmpOps[op-wasm.OpI32Eq], ssa.TI32)
	case op >= wasm.OpI64Eq && op <= wasm.OpI64GeU:
		b.bin(intCmpOps[op-wasm.OpI64Eq], ssa.TI32)
	case op >= wasm.OpF32Eq && op <= wasm.OpF32Ge:
		b.bin(floatCmpOps[op-wasm.OpF32Eq], ssa.TI32)
	case op >= wasm.OpF64Eq && op <= wasm.OpF64Ge:
		b.bin(floatCmpOps[op-wasm.OpF64Eq], ssa.TI32)
	case op >= wasm.OpI32Clz && op <= wasm.OpI32Popcnt:
		b.un([...]ssa.Op{ssa.OpClz, ssa.OpCtz, ssa.OpPopcnt}[op-wasm.OpI32Clz], ssa.TI32)
	case op >= wasm.OpI64Clz && op <= wasm.OpI64Popcnt:
		b.un([...]ssa.Op{ssa.OpClz, ssa.OpCtz, ssa.OpPopcnt}[op-wasm.OpI64Clz], ssa.TI64)
	case op >= wasm.OpI32Add && op <= wasm.OpI32Rotr:
		b.bin(intBinOps[op-wasm.OpI32Add], ssa.TI32)
	case op >= wasm.OpI64Add && op <= wasm.OpI64Rotr:
		b.bin(intBinOps[op-wasm.OpI64Add], ssa.TI64)
	case op >= wasm.OpF32Abs && op <= wasm.OpF32Sqrt:
		b.un(floatUnOps[op-wasm.OpF32Abs], ssa.TF32)
	case op >= wasm.OpF32Add && op <= wasm.OpF32Copysign:
		b.bin(floatBinOps[op-wasm.OpF32Add], ssa.TF32)
	case op >= wasm.OpF64Abs && op <= wasm.OpF64Sqrt:
		b.un(floatUnOps[op-wasm.OpF64Abs], ssa.TF64)
	case op >= wasm.OpF64Add && op <= wasm.OpF64Copysign:
		b.bin(floatBinOps[op-wasm.OpF64Add], ssa.TF64)
	default:
		c, ok := convOps.Get()[op]
		if !ok {
			return fmt.Errorf("%w: instruction", ssa.ErrUnsupported)
		}
		b.un(c.op, c.t)
	}
	return nil
}

type convOp struct {
	op ssa.Op
	t  ssa.Type
}

// convOps gives each conversion opcode its op and result type.
var convOps = lazy.Value[map[wasm.Opcode]convOp]{New: func() map[wasm.Opcode]convOp {
	return map[wasm.Opcode]convOp{
		wasm.OpI32WrapI64:        {ssa.OpWrap, ssa.TI32},
		wasm.OpI32TruncF32S:      {ssa.OpTruncS, ssa.TI32},
		wasm.OpI32TruncF32U:      {ssa.OpTruncU, ssa.TI32},
		wasm.OpI32TruncF64S:      {ssa.OpTruncS, ssa.TI32},
		wasm.OpI32TruncF64U:      {ssa.OpTruncU, ssa.TI32},
		wasm.OpI64ExtendI32S:     {ssa.OpExtendS, ssa.TI64},
		wasm.OpI64ExtendI32U:     {ssa.OpExtendU, ssa.TI64},
		wasm.OpI64TruncF32S:      {ssa.OpTruncS, ssa.TI64},
		wasm.OpI64TruncF32U:      {ssa.OpTruncU, ssa.TI64},
		wasm.OpI64TruncF64S:      {ssa.OpTruncS, ssa.TI64},
		wasm.OpI64TruncF64U:      {ssa.OpTruncU, ssa.TI64},
		wasm.OpF32ConvertI32S:    {ssa.OpConvertS, ssa.TF32},
		wasm.OpF32ConvertI32U:    {ssa.OpConvertU, ssa.TF32},
		wasm.OpF32ConvertI64S:    {ssa.OpConvertS, ssa.TF32},
		wasm.OpF32ConvertI64U:    {ssa.OpConvertU, ssa.TF32},
		wasm.OpF32DemoteF64:      {ssa.OpDemote, ssa.TF32},
		wasm.OpF64ConvertI32S:    {ssa.OpConvertS, ssa.TF64},
		wasm.OpF64ConvertI32U:    {ssa.OpConvertU, ssa.TF64},
		wasm.OpF64ConvertI64S:    {ssa.OpConvertS, ssa.TF64},
		wasm.OpF64ConvertI64U:    {ssa.OpConvertU, ssa.TF64},
		wasm.OpF64PromoteF32:     {ssa.OpPromote, ssa.TF64},
		wasm.OpI32ReinterpretF32: {ssa.OpReinterpret, ssa.TI32},
		wasm.OpI64ReinterpretF64: {ssa.OpReinterpret, ssa.TI64},
		wasm.OpF32ReinterpretI32: {ssa.OpReinterpret, ssa.TF32},
		wasm.OpF64ReinterpretI64: {ssa.OpReinterpret, ssa.TF64},
		wasm.OpI32Extend8S:       {ssa.OpExtend8S, ssa.TI32},
		wasm.OpI32Extend16S:      {ssa.OpExtend16S, ssa.TI32},
		wasm.OpI64Extend8S:       {ssa.OpExtend8S, ssa.TI64},
		wasm.OpI64Extend16S:      {ssa.OpExtend16S, ssa.TI64},
		wasm.OpI64Extend32S:      {ssa.OpExtend32S, ssa.TI64},
		wasm.OpI32TruncSatF32S:   {ssa.OpTruncSatS, ssa.TI32},
		wasm.OpI32TruncSatF32U:   {ssa.OpTruncSatU, ssa.TI32},
		wasm.OpI32TruncSatF64S:   {ssa.OpTruncSatS, ssa.TI32},
		wasm.OpI32TruncSatF64U:   {ssa.OpTruncSatU, ssa.TI32},
		wasm.OpI64TruncSatF32S:   {ssa.OpTruncSatS, ssa.TI64},
		wasm.OpI64TruncSatF32U:   {ssa.OpTruncSatU, ssa.TI64},
		wasm.OpI64TruncSatF64S:   {ssa.OpTruncSatS, ssa.TI64},
		wasm.OpI64TruncSatF64U:   {ssa.OpTruncSatU, ssa.TI64},
	}
}}
