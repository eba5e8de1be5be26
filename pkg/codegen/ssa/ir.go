package ssa

import (
	"fmt"
	"strings"
)

// Type is the machine type of an SSA value. References are I64 (pointers
// or host values); TNone marks values that produce nothing (stores, calls
// without results, checks).
type Type uint8

const (
	TNone Type = iota
	TI32
	TI64
	TF32
	TF64
	TV128 // Aux: low 64 bits of a constant, Aux2: high 64 bits
)

func (t Type) String() string {
	return [...]string{"none", "i32", "i64", "f32", "f64", "v128"}[t]
}

// IsFloat reports whether values of t live in float/vector registers
// (XMM on amd64).
func (t Type) IsFloat() bool { return t == TF32 || t == TF64 || t == TV128 }

// Size is the operand width in bits for the encoder.
func (t Type) Size() int {
	if t == TI32 || t == TF32 {
		return 32
	}
	return 64
}

// Reg is a machine register, numbered by the instruction set below
// MaxRegs (for amd64, internal/asm's numbering); the allocator compares
// them and indexes tables with them, and knows nothing else about them.
type Reg uint8

// MaxRegs bounds the register numbers of every instruction set: amd64
// uses 32 (16 general, 16 XMM), arm64 would use 64 (x0-x31, v0-v31).
const MaxRegs = 64

// NoReg marks an absent register.
const NoReg Reg = 0xFF

// Loc is where a value lives for its whole lifetime: a register, or a
// stack slot (spilled). Values that are live across a call-like operation
// also get a slot, used to save and restore their register around it.
type Loc struct {
	Reg  Reg   // NoReg when spilled
	Slot int32 // -1 when none
	// defStore: the value is in a register but lives across a call, so it
	// is also stored to its slot once, where it is defined.
	DefStore bool
	// ExitStore: like DefStore, but stored at the tops of the blocks
	// regalloc.Result.ExitStores lists (the exits of the loop defining
	// it) instead of at its definition.
	ExitStore bool
}

func (l Loc) InReg() bool { return l.Reg != NoReg }

// Value is one SSA value. Args are its operands; Aux and Aux2 carry
// immediates (constants, memory offsets, indices) whose meaning depends on
// Op.
type Value struct {
	ID    int32
	Op    Op
	Type  Type
	Args  []*Value
	Aux   int64
	Aux2  int64
	Block *Block
	// Pos is the wasm instruction's offset in the function body, for trap
	// sites.
	Pos int32
	// Uses counts references from other values, edge arguments and block
	// controls; dead-code elimination and fusion decisions read it.
	Uses int32

	// fwd is set when the value was found redundant and replaced.
	fwd *Value

	// Filled by the register allocator.
	Loc Loc
	// fused marks a comparison emitted as part of its consumer (branch).
	Fused bool
}

func (v *Value) String() string { return fmt.Sprintf("v%d", v.ID) }

// LongString renders the value for debugging and tests.
func (v *Value) LongString() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "v%d = %s", v.ID, v.Op)
	if v.Type != TNone {
		fmt.Fprintf(&sb, ".%s", v.Type)
	}
	for _, a := range v.Args {
		fmt.Fprintf(&sb, " v%d", a.ID)
	}
	if v.Aux != 0 || v.Aux2 != 0 || v.Op == OpConst {
		fmt.Fprintf(&sb, " [%d", v.Aux)
		if v.Aux2 != 0 {
			fmt.Fprintf(&sb, ",%d", v.Aux2)
		}
		sb.WriteString("]")
	}
	return sb.String()
}

// BlockKind is how a block ends.
type BlockKind uint8

const (
	BlockPlain   BlockKind = iota // jump to Succs[0]
	BlockIf                       // Control != 0 ? Succs[0] : Succs[1]
	BlockBrTable                  // Succs[Table[min(Control, len-1)]]
	BlockReturn                   // return Results
	BlockTrap                     // trap with code Aux (unreachable)
)

// Edge is a control-flow edge with the arguments bound to the target's
// parameters.
type Edge struct {
	B    *Block
	Args []*Value
}

// Block is a basic block with parameters (instead of phi nodes).
type Block struct {
	ID      int32
	Params  []*Value // OpParam values, defined on entry
	Values  []*Value
	Kind    BlockKind
	Control *Value
	Succs   []Edge
	Preds   []*Block
	// Table maps br_table entries (default last) to Succs indices.
	Table []int32
	// Results are the returned values of a BlockReturn.
	Results []*Value
	// Aux is the trap code of a BlockTrap; Pos its wasm offset.
	Aux int64
	Pos int32

	// SuccIdx indexes Succs by target for edgeTo (nil: not built).
	SuccIdx *SuccIndex

	// Braun et al. construction state (the definitions are in the
	// frontend's table).
	Sealed     bool
	Incomplete []IncompleteParam

	// Layout and allocation.
	Start, End int32   // positions of the first and last instruction
	LiveIn     []int32 // global value IDs (regalloc.go)
	LoopDepth  int32
}

type IncompleteParam struct {
	Variable int
	Param    *Value
}

// Func is a function in SSA form.
type Func struct {
	Blocks    []*Block // in layout order; Blocks[0] is the entry
	Entry     *Block
	Args      []*Value // OpArg values, one per wasm parameter
	NextID    int32
	NextBlock int32
	// valSlab[valUsed:] and argSlab[argUsed:] are the free parts of the
	// slabs: NewValue advances an index, not the slices, whose pointer
	// writes each cost a write-barrier check.
	valSlab  []Value
	argSlab  []*Value
	valUsed  int
	argUsed  int
	SlabHint int // expected number of values (from the body size)
	// BodySize is the wasm body's size in bytes (0: not built from
	// one), which the register allocator's budget is in proportion to.
	BodySize int
	blkSlab  []Block
	// WS, when set, supplies the slabs and the passes' tables from
	// memory reused across functions (workspace.go).
	WS *Workspace
	// Results are the function's result types.
	Results []Type
	Params  []Type
	// Simd is set when the function has SIMD operations: a backend may
	// need more scratch registers for them (amd64 keeps two more XMM
	// registers back, isa/amd64/regs.go).
	Simd bool
	// ParamsMinimal is set by a builder that left no block parameter
	// whose incoming arguments are all one value or the parameter itself
	// (the frontend, which removes those it makes as it goes):
	// elimRedundantParams has nothing to do. removeUnreachable clears it
	// when it drops a block, whose edges may have been the ones passing
	// another value.
	ParamsMinimal bool
	// NoExplicitChecks is set by a builder that gave no load or store
	// the memory length for an explicit bounds check (the frontend, with
	// guard pages covering every offset): elimBoundsChecks has nothing to
	// do.
	NoExplicitChecks bool
	// FloatVEX is set by a backend whose scalar float arithmetic has
	// three-operand forms (amd64 with AVX): the result of such an
	// operation need not share its first operand's register, and the
	// register allocator stops steering it there (regalloc/vexfloat.go).
	FloatVEX bool
}

func (f *Func) NewValue(b *Block, op Op, t Type, args ...*Value) *Value {
	// Values and argument lists come from slabs: big functions have
	// hundreds of thousands of values, and one allocation each dominates
	// compile time.
	if f.valUsed == len(f.valSlab) {
		f.newValSlab()
	}
	v := &f.valSlab[f.valUsed]
	f.valUsed++
	*v = Value{ID: f.NextID, Op: op, Type: t, Block: b, Loc: Loc{Reg: NoReg, Slot: -1}}
	f.NextID++
	if k := len(args); k > 0 {
		if len(f.argSlab)-f.argUsed < k {
			f.newArgSlab(k)
		}
		// A loop, not copy: copy of pointers is a call to
		// typedslicecopy, ~40 instructions for the one to three
		// operands of nearly every value (~1% of gobig's compile).
		n := f.argUsed
		s := f.argSlab[n : n+k : n+k]
		f.argUsed = n + k
		for i, a := range args {
			s[i] = a
			a.Uses++
		}
		v.Args = s
	}
	return v
}

func (f *Func) newValSlab() {
	f.valUsed = 0
	if f.WS != nil {
		f.valSlab = f.WS.vals.next(1)
		return
	}
	// The first slab is sized from the body (slabHint), so the
	// thousands of small functions of a big module do not each take
	// a slab of a big one; later slabs grow with the function.
	n := min(max(f.SlabHint, 32, int(f.NextID)/2), 4096)
	f.valSlab = make([]Value, n)
}

// newArgSlab makes room for k operands.
func (f *Func) newArgSlab(k int) {
	f.argUsed = 0
	if f.WS != nil {
		f.argSlab = f.WS.args.next(k)
		return
	}
	f.argSlab = make([]*Value, max(min(max(2*f.SlabHint, 64, int(f.NextID)), 8192), k))
}

func (f *Func) NewBlock() *Block {
	f.NextBlock++
	if f.WS == nil {
		return &Block{ID: f.NextBlock - 1}
	}
	if len(f.blkSlab) == 0 {
		f.blkSlab = f.WS.blocks.next(1)
	}
	b := &f.blkSlab[0]
	f.blkSlab = f.blkSlab[1:]
	*b = Block{ID: f.NextBlock - 1}
	return b
}

// String renders the function for debugging and tests.
func (f *Func) String() string {
	var sb strings.Builder
	for _, b := range f.Blocks {
		fmt.Fprintf(&sb, "b%d(", b.ID)
		for i, p := range b.Params {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "v%d.%s", p.ID, p.Type)
		}
		sb.WriteString("):\n")
		for _, v := range b.Values {
			fmt.Fprintf(&sb, "  %s\n", v.LongString())
		}
		switch b.Kind {
		case BlockPlain:
			fmt.Fprintf(&sb, "  jmp %s\n", edgeString(b.Succs[0]))
		case BlockIf:
			fmt.Fprintf(&sb, "  if v%d %s %s\n", b.Control.ID, edgeString(b.Succs[0]), edgeString(b.Succs[1]))
		case BlockBrTable:
			fmt.Fprintf(&sb, "  br_table v%d", b.Control.ID)
			for _, t := range b.Table {
				fmt.Fprintf(&sb, " %s", edgeString(b.Succs[t]))
			}
			sb.WriteString("\n")
		case BlockReturn:
			sb.WriteString("  return")
			for _, r := range b.Results {
				fmt.Fprintf(&sb, " v%d", r.ID)
			}
			sb.WriteString("\n")
		case BlockTrap:
			fmt.Fprintf(&sb, "  trap %d\n", b.Aux)
		}
	}
	return sb.String()
}

func edgeString(e Edge) string {
	s := fmt.Sprintf("b%d(", e.B.ID)
	for i, a := range e.Args {
		if i > 0 {
			s += ", "
		}
		s += a.String()
	}
	return s + ")"
}

// EdgeTo returns the index in p.Succs of the edge to b (the first, when
// several lead there). A br_table block can have thousands of
// successors, each asking for its edge: beyond a few, the answer comes
// from an index built on first use (anything that changes Succs resets it
// to nil). The first edge is tested inline: most blocks have one or two
// successors, and the passes ask millions of times per big module.
func (p *Block) EdgeTo(b *Block) int {
	if len(p.Succs) > 0 && p.Succs[0].B == b {
		return 0
	}
	return p.edgeTo(b)
}

func (p *Block) edgeTo(b *Block) int {
	if len(p.Succs) > 8 {
		x := p.SuccIdx
		if x == nil {
			x = newSuccIndex(p.Succs)
			p.SuccIdx = x
		}
		if i := x.find(b.ID); i >= 0 && i < len(p.Succs) && p.Succs[i].B == b {
			return i
		}
	}
	for i := range p.Succs {
		if p.Succs[i].B == b {
			return i
		}
	}
	panic("codegen: no edge")
}

// A SuccIndex maps a block's successors to their first edges: at[ID-lo]
// is 1 + the index in Succs of the first edge to block ID, 0 for none.
// An array over the successors' range of IDs, not a map: a br_table's
// targets are most of a function's blocks, and gobig's frontend and
// passes looked up 400,000 edges, ~1% of its compile through a map. A
// br_table whose few targets span many blocks (deeply nested ones) takes
// the map: an array per br_table over the span grew memory with the
// product of br_tables and nesting depth (4,000 of each, 10 targets: 31
// -> 109 MB peak for a 120 KB module).
type SuccIndex struct {
	lo int32
	at []int32
	m  map[int32]int32 // sparse targets: 1 + the index by block ID
}

func newSuccIndex(succs []Edge) *SuccIndex {
	lo, hi := succs[0].B.ID, succs[0].B.ID
	for _, e := range succs {
		lo, hi = min(lo, e.B.ID), max(hi, e.B.ID)
	}
	if int(hi-lo) >= 4*len(succs)+64 {
		x := &SuccIndex{m: make(map[int32]int32, len(succs))}
		for i := len(succs) - 1; i >= 0; i-- {
			x.m[succs[i].B.ID] = int32(i) + 1
		}
		return x
	}
	x := &SuccIndex{lo: lo, at: make([]int32, hi-lo+1)}
	for i := len(succs) - 1; i >= 0; i-- {
		x.at[succs[i].B.ID-lo] = int32(i) + 1
	}
	return x
}

// find returns the index of the first edge to block id, -1 for none.
func (x *SuccIndex) find(id int32) int {
	if x.m != nil {
		return int(x.m[id]) - 1
	}
	if k := uint(id - x.lo); k < uint(len(x.at)) {
		return int(x.at[k]) - 1
	}
	return -1
}

// bitset is a dense set of value IDs.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (s bitset) has(i int32) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }

func (s bitset) add(i int32) { s[i>>6] |= 1 << (uint(i) & 63) }

func (s bitset) del(i int32) { s[i>>6] &^= 1 << (uint(i) & 63) }

// orInto sets s |= t and reports whether s changed.
func (s bitset) orInto(t bitset) bool {
	changed := false
	for i, w := range t {
		if s[i]|w != s[i] {
			s[i] |= w
			changed = true
		}
	}
	return changed
}
