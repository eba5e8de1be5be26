// Package wasmgen generates random valid WebAssembly modules for
// differential testing: every module validates by construction,
// terminates (loops are counted, calls, direct or through the tables, go
// only to lower-numbered functions or to the host, and branches only
// forward out of blocks), and computes values whose results do not depend on what the
// spec leaves open (no float bits reach memory or integers, so NaN
// payloads never show: float SIMD vectors reach integers only through
// comparisons and saturating truncations, and memory never).
//
// Besides scalar arithmetic, locals, globals, loads and stores, the
// modules use blocks with results and with multi-value types, br_if and
// br_table (many targets) out of them, deep nesting, functions with many
// locals and parameters and with two results, call_indirect through a
// table with null slots (its traps: type mismatch, null and out-of-range
// entries), memory.grow and memory.size with accesses at the end of the
// memory, bulk memory (fill, copy, init, data.drop) and integer and float
// SIMD, and the table's size, slots and growth. Function references
// (refs.go): a second table filled by element segments of ref.func
// expressions, table.set/fill/copy/init, elem.drop and funcref globals,
// call_indirect through it, kept acyclic by levels. Host functions
// (host.go): imports of module HostModule whose results HostCall computes
// from their arguments, some of which trap, called from anywhere, loops
// included (with Options, v128 and reference parameters and results
// too, for engines whose host functions take them). Half the functions
// keep their loads and stores in bounds, their divisors odd and their
// truncations saturating, so more calls run to the end. Long loop nests
// counting i32 and i64 induction variables that addresses are computed
// from, and addresses across the 4 GiB wraparound
// (loops.go); float edge values (NaN payloads, signalling NaNs, -0,
// subnormals, the truncations' bounds).
//
// In: a source of randomness. Out: the module's binary encoding and a
// description of its imports and exports (functions with their types,
// one memory, mutable globals).
package wasmgen

import (
	"encoding/binary"
	"math"
	"math/rand"
)

// Value types, as encoded.
const (
	I32 byte = 0x7f
	I64 byte = 0x7e
	F32 byte = 0x7d
	F64 byte = 0x7c
	// V128 is only ever a local's type, never a parameter's, result's
	// or global's, but a host function's with Options.HostV128.
	V128 byte = 0x7b
	// FuncRef and ExternRef are host functions' types only, with
	// Options.HostRefs.
	FuncRef   byte = 0x70
	ExternRef byte = 0x6f
)

// Func is a generated, exported function.
type Func struct {
	Name    string
	Params  []byte
	Results []byte
}

// Module is a generated module.
type Module struct {
	Wasm    []byte
	Funcs   []Func   // exported as f0, f1, ...
	Globals []string // exported mutable globals g0, g1, ... (types in GlobalTypes)
	// GlobalTypes are the globals' value types.
	GlobalTypes []byte
	// Imports are the host functions the module imports from module
	// "wasmgen" (function indices 0, 1, ...; the exported functions
	// follow): HostCall says what each does.
	Imports []Func
}

var valTypes = []byte{I32, I64, F32, F64}

type gen struct {
	r       *rand.Rand
	opts    Options
	funcs   []Func
	globals []byte
	// types are the type section: function i has type i, block types
	// follow.
	types    []Func
	maxPages int    // the memory's maximum (its minimum is 1)
	passive  []byte // data segment 1, for memory.init
	// per function
	params, locals []byte
	cur            int // index of the function being generated
	body           []byte
	depth          int
	budget         int // instructions left in this function
	loops          int // enclosing loops (each has its own counter)
	calls          int // calls left in this function
	// imports are the host functions (function indices 0..): calls to
	// them are cheap and never reenter the module, so they are made
	// anywhere, loops included.
	imports []Func
	// frefs are the levels of the funcref globals (global indices
	// len(globals)+k): global k only ever holds null or a function
	// below frefs[k] (see level).
	frefs []int
	// table1 is the initial size of table 1, the table of ref.func
	// values; pelem is how many functions (0..pelem-1) the passive
	// element segment may name.
	table1, pelem, pelemLen int
	// table2 is the initial size of table 2, the externref table
	// (Options.HostExtern).
	table2   int
	impTypes []int // the imports' type indices
	callback []int // per import: the function it calls back, or -1
	// hot counts the enclosing long loop nests (nest): no calls to
	// guest functions in them, so running time stays bounded.
	hot int
	// ivars are the induction variables in scope (locals a nest's loops
	// count with): read anywhere, written only by their loop.
	ivars []ivar
	// safe is not 0 in a function whose accesses stay in bounds
	// (addresses from ivAddrIn or masked into the first page, small
	// memarg offsets), whose divisors are odd and truncations
	// saturating, and in a nest whose accesses stay in bounds.
	safe int
	// tail is the number of reserved locals before nest's (carried's
	// counters, with Options.Carried).
	tail int
	// vscratch is the v128 local hostStmt stores a host function's v128
	// results through (with Options.HostV128; -1 without).
	vscratch int
}

type ivar struct {
	idx int
	t   byte
	hi  int64 // the largest value it takes (it counts from 0 or more)
}

// The locals every function ends with: the induction variables of nest
// (two i32, two i64, one of each type per nesting level) and the
// counters of the counted loops (maxLoops).
const numIV = 4

// maxLoops is how deep loops nest; each level has a counter local, and
// calls to guest functions are never made inside a loop, so every
// function's running time is bounded by a small multiple of its size
// (times a nest's trip counts).
const maxLoops = 2

// Options are what NewWith generates beyond New's modules.
type Options struct {
	// HostV128 gives a third of the host functions v128 parameters
	// and results too, half of those a v128 result at least (an engine
	// whose host functions cannot take them, wazero's, V8's through
	// JavaScript, cannot run these); statements calling a host function
	// with v128 results store every one of them (through a v128 local
	// while its address is made).
	HostV128 bool
	// HostRefs gives a third of the host functions funcref and
	// externref parameters and results too (HostCall hashes whether a
	// funcref is null and returns null funcrefs; externrefs as for
	// HostExtern, though without it the guest passes only nulls).
	HostRefs bool
	// Carried adds carriedVars to every function's locals and makes a
	// quarter of its top-level statements carried loops (carried.go):
	// values rotated around loops, counters wrapping inside them,
	// several induction variables, exits on derived counters.
	Carried bool
	// HostExtern gives a third of the host functions externref
	// parameters and results, which HostCall makes non-null (ids), and
	// the module an externref table (table 2), an externref global and
	// locals that the guest passes them through (extern.go).
	HostExtern bool
}

// New generates a module from r.
func New(r *rand.Rand) *Module { return NewWith(r, Options{}) }

// NewWith generates a module from r with the options o; without any,
// the module New makes of the same r.
func NewWith(r *rand.Rand, o Options) *Module {
	g := &gen{r: r, opts: o}
	nf := 1 + r.Intn(5)
	g.hostFuncs(nf)
	for i := 0; i < 1+r.Intn(4); i++ {
		g.globals = append(g.globals, valTypes[r.Intn(4)])
	}
	g.maxPages = 1 + r.Intn(3)
	g.passive = make([]byte, 1+r.Intn(40))
	r.Read(g.passive)
	for i := 0; i < nf; i++ {
		f := Func{Name: "f" + itoa(i)}
		np := r.Intn(4)
		if r.Intn(6) == 0 {
			np = 4 + r.Intn(9) // past the argument registers
		}
		for j := np; j > 0; j-- {
			f.Params = append(f.Params, valTypes[r.Intn(4)])
		}
		if r.Intn(5) != 0 {
			f.Results = []byte{valTypes[r.Intn(4)]}
			if r.Intn(6) == 0 {
				f.Results = append(f.Results, valTypes[r.Intn(4)])
			}
		}
		g.funcs = append(g.funcs, f)
	}
	g.types = append(g.types, g.funcs...)
	g.table1 = 4 * (nf + 1)
	if o.HostExtern {
		g.table2 = 1 + r.Intn(8)
	}
	g.pelem = 1 + r.Intn(nf)
	g.pelemLen = 1 + r.Intn(12)
	for _, f := range g.imports {
		g.impTypes = append(g.impTypes, g.typeIdx(f.Params, f.Results))
	}
	for i := r.Intn(3); i > 0; i-- {
		g.frefs = append(g.frefs, r.Intn(nf+1))
	}
	var codes [][]byte
	for i := range g.funcs {
		codes = append(codes, g.function(i))
	}
	m := &Module{Funcs: g.funcs, GlobalTypes: g.globals, Imports: g.imports}
	for i := range g.globals {
		m.Globals = append(m.Globals, "g"+itoa(i))
	}
	m.Wasm = g.encode(codes)
	return m
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// function generates the body (locals and code) of function i.
func (g *gen) function(i int) []byte {
	f := g.funcs[i]
	g.cur, g.params, g.body, g.depth, g.loops, g.calls = i, f.Params, nil, 0, 0, 2
	g.locals = nil
	// Half the functions keep every access in bounds, their divisors
	// odd and their truncations saturating (safe), so that their calls
	// run to the end: an access that may be out of bounds ends most
	// calls that reach one, in loops above all.
	g.safe = 0
	if g.r.Intn(2) == 0 {
		g.safe = 1
	}
	nl := g.r.Intn(4)
	if g.r.Intn(5) == 0 {
		nl = 16 + g.r.Intn(48) // more than the registers hold
	}
	for j := nl; j > 0; j-- {
		g.locals = append(g.locals, valTypes[g.r.Intn(4)])
	}
	for j := g.r.Intn(3); j > 0; j-- {
		g.locals = append(g.locals, V128)
	}
	g.vscratch = -1
	if g.opts.HostV128 {
		g.vscratch = len(g.params) + len(g.locals)
		g.locals = append(g.locals, V128)
	}
	if g.opts.HostExtern {
		g.locals = append(g.locals, ExternRef, ExternRef)
	}
	g.tail = 0
	if g.opts.Carried {
		g.locals = append(g.locals, carriedVars...)
		g.locals = append(g.locals, I32, I32, I64) // carried's counters
		g.tail = carriedTail
	}
	g.locals = append(g.locals, I32, I32, I64, I64) // induction variables
	for j := 0; j < maxLoops; j++ {
		g.locals = append(g.locals, I32) // loop counters
	}
	g.budget = 20 + g.r.Intn(150)
	for g.budget > 0 && g.r.Intn(6) != 0 {
		if g.opts.Carried && g.r.Intn(4) == 0 {
			g.budget--
			if g.r.Intn(2) == 0 {
				g.ivMerge()
			} else {
				g.carried()
			}
			continue
		}
		g.stmt()
	}
	for _, t := range f.Results {
		g.expr(t)
	}
	g.op(0x0b)
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(g.locals)))
	for _, t := range g.locals {
		b = append(b, 1, t)
	}
	return append(b, g.body...)
}

func (g *gen) op(b ...byte) { g.body = append(g.body, b...) }
func (g *gen) u(v uint64)   { g.body = binary.AppendUvarint(g.body, v) }

// i32 pushes i32.const v.
func (g *gen) i32(v int64) {
	g.op(0x41)
	g.sleb(v)
}

// local is local.get, local.set or local.tee (op) of local i.
func (g *gen) local(op byte, i int) {
	g.op(op)
	g.u(uint64(i))
}

// localOp is local op of one of the locals ls.
func (g *gen) localOp(op byte, ls []int) { g.local(op, ls[g.r.Intn(len(ls))]) }

// memEndMinus pushes memory.size*64Ki - k: an address k bytes below the
// memory's end.
func (g *gen) memEndMinus(k int64) {
	g.op(0x3f, 0x00, 0x41, 0x10, 0x74, 0x41)
	g.sleb(k)
	g.op(0x6b)
}

// sleb appends a signed LEB128.
func (g *gen) sleb(v int64) { g.body = appendSleb(g.body, v) }

func appendSleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// localsOf returns the indices of the locals (params included) of type t.
func (g *gen) localsOf(t byte) []int {
	var out []int
	for i, p := range g.params {
		if p == t {
			out = append(out, i)
		}
	}
	for i, l := range g.locals[:len(g.locals)-maxLoops-numIV-g.tail] { // never a counter
		if l == t {
			out = append(out, len(g.params)+i)
		}
	}
	return out
}

func (g *gen) globalsOf(t byte) []int {
	var out []int
	for i, gt := range g.globals {
		if gt == t {
			out = append(out, i)
		}
	}
	return out
}

// stmt generates an instruction sequence with no net stack effect.
func (g *gen) stmt() {
	g.budget--
	if g.opts.HostExtern && g.r.Intn(5) == 0 {
		g.externStmt()
		return
	}
	if g.loops == 0 && g.hot == 0 && g.calls > 0 && g.r.Intn(8) == 0 {
		g.hostStmt() // often a callback (pickImport): they may be made only here
		return
	}
	if g.vscratch >= 0 && g.r.Intn(8) == 0 {
		g.hostStmt() // v128 results stored (Options.HostV128)
		return
	}
	if g.r.Intn(4) == 0 {
		g.stmt2()
		return
	}
	t := valTypes[g.r.Intn(4)]
	switch k := g.r.Intn(10); {
	case k < 3:
		if ls := g.localsOf(t); len(ls) > 0 {
			g.expr(t)
			g.localOp(0x21, ls)
			return
		}
		g.expr(t)
		g.op(0x1a) // drop
	case k < 5:
		if gs := g.globalsOf(t); len(gs) > 0 {
			g.expr(t)
			g.op(0x24)
			g.u(uint64(gs[g.r.Intn(len(gs))]))
			return
		}
		g.expr(t)
		g.op(0x1a)
	case k < 7: // an integer store
		it := []byte{I32, I64}[g.r.Intn(2)]
		g.addr()
		g.expr(it)
		if it == I32 {
			ops := []byte{0x36, 0x3a, 0x3b} // i32.store, store8, store16
			g.op(ops[g.r.Intn(len(ops))])
		} else {
			ops := []byte{0x37, 0x3c, 0x3d, 0x3e}
			g.op(ops[g.r.Intn(len(ops))])
		}
		g.memarg()
	case k < 8 && g.loops < maxLoops: // a counted loop
		g.counted([]byte{0x40}, func() {
			g.depth++
			for n := 1 + g.r.Intn(3); n > 0 && g.budget > 0; n-- {
				g.stmt()
			}
			g.depth--
		})
	case k < 9 && g.depth < 3: // if/else around statements
		g.expr(I32)
		g.op(0x04, 0x40)
		g.depth++
		g.stmt()
		if g.r.Intn(2) == 0 {
			g.op(0x05)
			g.stmt()
		}
		g.depth--
		g.op(0x0b)
	default:
		if g.r.Intn(30) == 0 {
			g.op(0x00) // unreachable, rarely
			return
		}
		g.expr(t)
		g.op(0x1a)
	}
}

// counted is a loop of block type bt running body one to eight times, on
// the counter of its nesting level: ctr = n; loop; body; ctr = ctr - 1;
// br_if 0 (ctr != 0); end.
func (g *gen) counted(bt []byte, body func()) {
	ctr := len(g.params) + len(g.locals) - maxLoops + g.loops
	g.i32(int64(1 + g.r.Intn(8)))
	g.local(0x21, ctr)
	g.op(0x03)
	g.op(bt...)
	g.loops++
	body()
	g.loops--
	g.local(0x20, ctr)
	g.op(0x41, 0x01, 0x6b, 0x22)
	g.u(uint64(ctr))
	g.op(0x0d, 0x00, 0x0b)
}

// stmt2 generates the statements of the later features: bulk memory,
// blocks left by br_if and br_table, deep nesting, SIMD stores.
func (g *gen) stmt2() {
	switch g.r.Intn(11) {
	case 8:
		if g.hot == 0 && g.loops == 0 && g.r.Intn(2) == 0 {
			g.nest()
			return
		}
		g.hostStmt()
	case 9:
		g.hostStmt()
	case 10:
		g.table1Stmt()
	case 0: // memory.fill
		g.addr()
		g.expr(I32)
		g.length()
		g.op(0xfc, 0x0b, 0x00)
	case 1: // memory.copy, often overlapping
		if g.r.Intn(2) == 0 {
			a := g.r.Intn(0x200)
			g.i32(int64(a))
			g.i32(int64(max(0, a+g.r.Intn(33)-16)))
		} else {
			g.addr()
			g.addr()
		}
		g.length()
		g.op(0xfc, 0x0a, 0x00, 0x00)
	case 2: // memory.init from the passive segment, rarely data.drop
		if g.r.Intn(8) == 0 {
			g.op(0xfc, 0x09, 0x01)
			return
		}
		n := len(g.passive)
		src := g.r.Intn(n + 1)
		cnt := g.r.Intn(n - src + 1)
		if g.r.Intn(6) == 0 { // past the segment's end
			cnt += 1 + g.r.Intn(4)
		}
		g.addr()
		g.i32(int64(src))
		g.i32(int64(cnt))
		g.op(0xfc, 0x08, 0x01, 0x00)
	case 3: // br_table over empty blocks, statements between their ends
		nb := 1 + g.r.Intn(5)
		for i := 0; i < nb; i++ {
			g.op(0x02, 0x40)
		}
		g.depth += nb
		g.stmtsMaybe()
		g.brTable(nb)
		for i := 0; i < nb; i++ {
			g.op(0x0b)
			if i < nb-1 {
				g.stmtsMaybe()
			}
		}
		g.depth -= nb
	case 4: // deep nesting, left by br_if from the inside
		nb := 4 + g.r.Intn(28)
		for i := 0; i < nb; i++ {
			g.op(0x02, 0x40)
		}
		for i := g.r.Intn(3); i >= 0; i-- {
			g.expr(I32)
			g.op(0x0d)
			g.u(uint64(g.r.Intn(nb)))
		}
		g.stmtsMaybe()
		for i := 0; i < nb; i++ {
			g.op(0x0b)
			if g.r.Intn(6) == 0 {
				g.stmtsMaybe()
			}
		}
	case 5: // v128.store
		g.addr()
		g.ivec()
		g.op(0xfd, 0x0b)
		g.memarg()
	case 6:
		if g.r.Intn(3) == 0 { // return from inside, with the results
			g.expr(I32)
			g.op(0x04, 0x40)
			for _, t := range g.funcs[g.cur].Results {
				g.expr(t)
			}
			g.op(0x0f, 0x0b)
			return
		}
		// v128.storeN_lane
		g.addr()
		g.ivec()
		k := g.r.Intn(4)
		g.op(0xfd, byte(0x58+k))
		g.memarg()
		g.op(byte(g.r.Intn(16 >> k)))
	default: // a v128 local
		if g.r.Intn(4) == 0 {
			g.tableWrite()
			return
		}
		if ls := g.localsOf(V128); len(ls) > 0 {
			g.ivec()
			g.localOp(0x21, ls)
			return
		}
		g.expr(I32)
		g.op(0x1a)
	}
}

// stmtsMaybe generates zero to two statements.
func (g *gen) stmtsMaybe() {
	for n := g.r.Intn(3); n > 0 && g.budget > 0; n-- {
		g.stmt()
	}
}

// brTable pops an index (generated here) and branches to one of the nb
// innermost labels, from a table of up to 64 entries.
func (g *gen) brTable(nb int) {
	n := g.r.Intn(64)
	g.expr(I32)
	if g.r.Intn(2) == 0 {
		g.i32(int64(n + 1 + g.r.Intn(2)))
		g.op(0x70) // i32.rem_u: mostly in the table, sometimes the default
	}
	g.op(0x0e)
	g.u(uint64(n))
	for i := 0; i <= n; i++ {
		g.u(uint64(g.r.Intn(nb)))
	}
}

// length pushes a bulk-memory length: mostly short, sometimes anything.
func (g *gen) length() {
	switch g.r.Intn(16) {
	case 0:
		g.expr(I32)
	case 1:
		g.op(0x41, 0x00)
	default:
		g.expr(I32)
		g.i32(0x7f)
		g.op(0x71)
	}
}

// addr pushes an i32 address: usually inside the first page, sometimes
// in the pages memory.grow adds, sometimes in the last bytes of the
// memory as it is (accesses that end just in or just out of bounds),
// sometimes anywhere (a trap).
func (g *gen) addr() {
	if len(g.ivars) > 0 && g.r.Intn(3) == 0 {
		g.ivAddr()
		return
	}
	if g.safe > 0 {
		g.expr(I32)
		g.i32(0xffc0)
		g.op(0x71) // i32.and: at most 64Ki-64, the margin past it small
		return
	}
	if g.r.Intn(24) == 0 {
		g.wrapAddr()
		return
	}
	switch g.r.Intn(32) {
	case 0:
		g.expr(I32)
		return
	case 1, 2: // memory.size*64Ki - k
		g.memEndMinus(int64(1 + g.r.Intn(24)))
		return
	case 3:
		g.expr(I32)
		g.i32(0x3fff0)
		g.op(0x71)
		return
	case 4, 5, 6, 7:
		if g.loops == 0 {
			break
		}
		// In a loop, counter*stride from a base in the first page or
		// below the memory's end (so a late or an early iteration may
		// be the one out of bounds): what bounds-check hoisting and
		// induction variables see.
		ctr := len(g.params) + len(g.locals) - maxLoops + g.r.Intn(g.loops)
		g.local(0x20, ctr)
		g.i32(int64([]int{1, 2, 4, 8, 16, 0x1000, -4}[g.r.Intn(7)]))
		g.op(0x6c) // i32.mul
		if g.r.Intn(2) == 0 {
			g.i32(int64(g.r.Intn(0x10000)))
		} else {
			g.memEndMinus(int64(8 + g.r.Intn(64)))
		}
		g.op(0x6a) // i32.add
		return
	}
	g.expr(I32)
	g.i32(0xfff0)
	g.op(0x71) // i32.and
}

func (g *gen) memarg() {
	g.u(0)                                // alignment 1 is always valid
	if g.safe == 0 && g.r.Intn(32) == 0 { // offsets that take the address past a page or 4 GiB
		g.u([]uint64{0xfff0, 0xffff, 0x10000, 0x1fff8, 0x2fff0, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff}[g.r.Intn(9)])
		return
	}
	g.u(uint64(g.r.Intn(16)))
}

// expr generates an expression leaving one value of type t.
func (g *gen) expr(t byte) {
	g.budget--
	g.depth++
	defer func() { g.depth-- }()
	if g.depth > 6 || g.budget <= 0 {
		g.leaf(t)
		return
	}
	if g.opts.HostExtern && t == I32 && g.r.Intn(10) == 0 {
		g.externI32()
		return
	}
	if g.r.Intn(5) == 0 {
		g.expr2(t)
		return
	}
	switch g.r.Intn(12) {
	case 0, 1:
		g.leaf(t)
	case 2, 3, 4:
		g.binary(t)
	case 5:
		g.unary(t)
	case 6:
		g.convert(t)
	case 7:
		g.load(t)
	case 8: // select
		g.expr(t)
		g.expr(t)
		g.expr(I32)
		g.op(0x1b)
	case 9: // if with a result
		g.expr(I32)
		g.op(0x04, t)
		g.expr(t)
		g.op(0x05)
		g.expr(t)
		g.op(0x0b)
	case 10: // a call to an earlier function
		var cands []int
		if g.r.Intn(2) == 0 && g.hostCall(t) {
			return
		}
		for i := 0; i < g.cur && g.loops == 0 && g.hot == 0 && g.calls > 0; i++ {
			if f := g.funcs[i]; len(f.Results) >= 1 && f.Results[0] == t {
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			g.leaf(t)
			return
		}
		c := cands[g.r.Intn(len(cands))]
		g.calls--
		for _, p := range g.funcs[c].Params {
			g.expr(p)
		}
		g.op(0x10)
		g.u(g.fidx(c))
		for range g.funcs[c].Results[1:] {
			g.op(0x1a) // drop the second result
		}
	default:
		if t == I32 {
			g.compare()
		} else {
			g.binary(t)
		}
	}
}

// leaf is a constant, a local or a global.
func (g *gen) leaf(t byte) {
	if len(g.ivars) > 0 && g.r.Intn(3) == 0 && g.ivLeaf(t) {
		return
	}
	switch g.r.Intn(3) {
	case 0:
		if ls := g.localsOf(t); len(ls) > 0 {
			g.localOp(0x20, ls)
			return
		}
	case 1:
		if gs := g.globalsOf(t); len(gs) > 0 {
			g.op(0x23)
			g.u(uint64(gs[g.r.Intn(len(gs))]))
			return
		}
	}
	g.constant(t)
}

// interesting integers: edges where implementations differ.
var ints = []int64{0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
	math.MaxInt32, math.MinInt32, math.MaxUint32, math.MaxInt64, math.MinInt64}

var floats = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -1.5, 2.5, 1e10, -1e30, math.Inf(1), math.Inf(-1), math.NaN(),
	2147483647.0, -2147483648.0, 2147483648.0, 4294967296.0, 9.2233720368547758e18, -9.2233720368547758e18, 1.8446744073709552e19}

func (g *gen) constant(t byte) {
	var iv int64
	if g.r.Intn(2) == 0 {
		iv = ints[g.r.Intn(len(ints))]
	} else {
		iv = g.r.Int63() >> uint(g.r.Intn(63))
		if g.r.Intn(2) == 0 {
			iv = -iv
		}
	}
	fv := floats[g.r.Intn(len(floats))]
	if g.r.Intn(3) == 0 {
		fv = (g.r.Float64() - 0.5) * math.Pow(2, float64(g.r.Intn(80)-20))
	}
	switch t {
	case I32:
		g.i32(int64(int32(iv)))
	case I64:
		g.op(0x42)
		g.sleb(iv)
	case F32:
		b := math.Float32bits(float32(fv))
		if g.r.Intn(4) == 0 {
			b = f32Bits[g.r.Intn(len(f32Bits))]
		}
		g.op(0x43)
		g.body = binary.LittleEndian.AppendUint32(g.body, b)
	case F64:
		b := math.Float64bits(fv)
		if g.r.Intn(4) == 0 {
			b = f64Bits[g.r.Intn(len(f64Bits))]
		}
		g.op(0x44)
		g.body = binary.LittleEndian.AppendUint64(g.body, b)
	}
}

// Opcode tables by type.
var (
	binOps = map[byte][]byte{
		I32: {0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78},
		I64: {0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a},
		F32: {0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98},
		F64: {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6},
	}
	unOps = map[byte][]byte{
		I32: {0x67, 0x68, 0x69, 0xc0, 0xc1},
		I64: {0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4},
		F32: {0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91},
		F64: {0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f},
	}
	// Comparisons give i32: op and operand type.
	cmpOps = []struct{ op, t byte }{
		{0x45, 0}, {0x46, I32}, {0x47, I32}, {0x48, I32}, {0x49, I32}, {0x4a, I32}, {0x4b, I32}, {0x4c, I32}, {0x4d, I32}, {0x4e, I32}, {0x4f, I32},
		{0x50, 1}, {0x51, I64}, {0x52, I64}, {0x53, I64}, {0x54, I64}, {0x55, I64}, {0x56, I64}, {0x57, I64}, {0x58, I64}, {0x59, I64}, {0x5a, I64},
		{0x5b, F32}, {0x5c, F32}, {0x5d, F32}, {0x5e, F32}, {0x5f, F32}, {0x60, F32},
		{0x61, F64}, {0x62, F64}, {0x63, F64}, {0x64, F64}, {0x65, F64}, {0x66, F64},
	}
	// Conversions: result type -> (op, operand type). No reinterprets
	// from floats (NaN bits would show).
	convOps = map[byte][]struct{ op, t byte }{
		I32: {{0xa7, I64}, {0xa8, F32}, {0xa9, F32}, {0xaa, F64}, {0xab, F64}},
		I64: {{0xac, I32}, {0xad, I32}, {0xae, F32}, {0xaf, F32}, {0xb0, F64}, {0xb1, F64}},
		F32: {{0xb2, I32}, {0xb3, I32}, {0xb4, I64}, {0xb5, I64}, {0xb6, F64}, {0xbe, I32}},
		F64: {{0xb7, I32}, {0xb8, I32}, {0xb9, I64}, {0xba, I64}, {0xbb, F32}, {0xbf, I64}},
	}
	// Saturating truncations (0xfc prefix): sub-opcode, result, operand.
	satOps = []struct{ sub, res, t byte }{
		{0, I32, F32}, {1, I32, F32}, {2, I32, F64}, {3, I32, F64},
		{4, I64, F32}, {5, I64, F32}, {6, I64, F64}, {7, I64, F64},
	}
	loadOps = map[byte][]byte{
		I32: {0x28, 0x2c, 0x2d, 0x2e, 0x2f},
		I64: {0x29, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35},
		F32: {0x2a},
		F64: {0x2b},
	}
)

// divOps trap on a zero divisor (and signed ones on overflow).
var divOps = map[byte]bool{0x6d: true, 0x6e: true, 0x6f: true, 0x70: true, 0x7f: true, 0x80: true, 0x81: true, 0x82: true}

func (g *gen) binary(t byte) {
	ops := binOps[t]
	op := ops[g.r.Intn(len(ops))]
	g.expr(t)
	if op == 0x98 || op == 0xa6 {
		// copysign takes a constant's sign: a computed NaN's sign is
		// open (x86's default NaN is negative, Go's math.NaN positive).
		g.constant(t)
		g.op(op)
		return
	}
	g.expr(t)
	if divOps[op] && (g.safe > 0 || g.r.Intn(4) != 0) {
		// Mostly a nonzero divisor, so calls get past the division.
		if t == I32 {
			g.op(0x41, 0x01, 0x72) // i32.or 1
		} else {
			g.op(0x42, 0x01, 0x84) // i64.or 1
		}
	}
	g.op(op)
}

func (g *gen) unary(t byte) {
	g.expr(t)
	ops := unOps[t]
	g.op(ops[g.r.Intn(len(ops))])
}

func (g *gen) compare() {
	c := cmpOps[g.r.Intn(len(cmpOps))]
	switch c.t {
	case 0:
		g.expr(I32)
	case 1:
		g.expr(I64)
	default:
		g.expr(c.t)
		g.expr(c.t)
	}
	g.op(c.op)
}

func (g *gen) convert(t byte) {
	if (t == I32 || t == I64) && (g.safe > 0 || g.r.Intn(4) != 0) { // mostly non-trapping
		var cands []int
		for i, s := range satOps {
			if s.res == t {
				cands = append(cands, i)
			}
		}
		s := satOps[cands[g.r.Intn(len(cands))]]
		g.expr(s.t)
		g.op(0xfc, s.sub)
		return
	}
	cs := convOps[t]
	c := cs[g.r.Intn(len(cs))]
	g.expr(c.t)
	g.op(c.op)
}

func (g *gen) load(t byte) {
	g.addr()
	ops := loadOps[t]
	g.op(ops[g.r.Intn(len(ops))])
	g.memarg()
}

// encode writes the module: types (one per function), functions, one
// memory of one page (max one, so memory.grow is never generated), the
// globals, the exports and the code.
func (g *gen) encode(codes [][]byte) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	section := func(id byte, content []byte) {
		b = append(b, id)
		b = binary.AppendUvarint(b, uint64(len(content)))
		b = append(b, content...)
	}
	var s []byte
	s = binary.AppendUvarint(s, uint64(len(g.types)))
	for _, f := range g.types {
		s = append(s, 0x60)
		s = binary.AppendUvarint(s, uint64(len(f.Params)))
		s = append(s, f.Params...)
		s = binary.AppendUvarint(s, uint64(len(f.Results)))
		s = append(s, f.Results...)
	}
	section(1, s)
	if len(g.imports) > 0 {
		s = binary.AppendUvarint(nil, uint64(len(g.imports)))
		for i, f := range g.imports {
			s = appendName(appendName(s, HostModule), f.Name)
			s = append(s, 0)
			s = binary.AppendUvarint(s, uint64(g.impTypes[i]))
		}
		section(2, s)
	}
	s = binary.AppendUvarint(nil, uint64(len(g.funcs)))
	for i := range g.funcs {
		s = binary.AppendUvarint(s, uint64(i))
	}
	section(3, s)
	nf := uint64(len(g.funcs))
	// Two funcref tables: table 0 has function i in slot i and two null
	// slots, table 1 the ref.func values (see level).
	ntab := byte(2)
	if g.opts.HostExtern {
		ntab = 3
	}
	s = binary.AppendUvarint([]byte{ntab, 0x70, 0}, nf+2)
	s = binary.AppendUvarint(append(s, 0x70, 0), uint64(g.table1))
	if g.opts.HostExtern { // table 2: externrefs, all null
		s = binary.AppendUvarint(append(s, ExternRef, 0), uint64(g.table2))
	}
	section(4, s)
	section(5, []byte{1, 1, 1, byte(g.maxPages)}) // one memory: min 1
	ng := len(g.globals) + len(g.frefs)
	if g.opts.HostExtern {
		ng++ // the externref global
	}
	s = binary.AppendUvarint(nil, uint64(ng))
	for _, t := range g.globals {
		s = append(s, t, 1) // mutable
		c := &gen{r: g.r}
		c.constant(t)
		s = append(s, c.body...)
		s = append(s, 0x0b)
	}
	for _, l := range g.frefs {
		s = append(s, 0x70, 1)
		s = append(s, g.constRef(l)...)
		s = append(s, 0x0b)
	}
	if g.opts.HostExtern {
		s = append(s, ExternRef, 1, 0xd0, ExternRef, 0x0b)
	}
	section(6, s)
	var ex []byte
	n := 0
	for i, f := range g.funcs {
		ex = appendName(ex, f.Name)
		ex = append(ex, 0)
		ex = binary.AppendUvarint(ex, g.fidx(i))
		n++
	}
	for i := range g.globals {
		ex = appendName(ex, "g"+itoa(i))
		ex = append(ex, 3)
		ex = binary.AppendUvarint(ex, uint64(i))
		n++
	}
	ex = appendName(ex, "memory")
	ex = append(ex, 2, 0)
	n++
	section(7, append(binary.AppendUvarint(nil, uint64(n)), ex...))
	// Element segments: table 0's functions; ref.func and null
	// expressions in table 1 (each slot's below its level); the passive
	// segment table.init copies from (functions below pelem); a
	// declarative one, of every function, imports included.
	s = binary.AppendUvarint([]byte{4, 0, 0x41, 0, 0x0b}, nf) // slot i: function i
	for i := range g.funcs {
		s = binary.AppendUvarint(s, g.fidx(i))
	}
	n1 := g.r.Intn(g.table1)
	off := g.r.Intn(g.table1 - n1 + 1)
	s = append(s, 6, 1, 0x41)
	s = appendSleb(s, int64(off))
	s = append(s, 0x0b, 0x70)
	s = binary.AppendUvarint(s, uint64(n1))
	for k := 0; k < n1; k++ {
		s = append(append(s, g.constRef(level(off+k))...), 0x0b)
	}
	s = binary.AppendUvarint(append(s, 5, 0x70), uint64(g.pelemLen))
	for k := 0; k < g.pelemLen; k++ {
		s = append(append(s, g.constRef(g.pelem)...), 0x0b)
	}
	s = binary.AppendUvarint(append(s, 3, 0), uint64(len(g.imports))+nf)
	for i := range len(g.imports) + len(g.funcs) {
		s = binary.AppendUvarint(s, uint64(i)) // imports too, for ref.func
	}
	section(9, s)
	section(12, []byte{2}) // data count

	s = binary.AppendUvarint(nil, uint64(len(codes)))
	for _, c := range codes {
		s = binary.AppendUvarint(s, uint64(len(c)))
		s = append(s, c...)
	}
	section(10, s)
	// Data: an active segment somewhere in the first page, and the
	// passive one memory.init copies from.
	active := make([]byte, 1+g.r.Intn(64))
	g.r.Read(active)
	s = []byte{2, 0, 0x41}
	s = appendSleb(s, int64(g.r.Intn(65536-len(active))))
	s = append(s, 0x0b)
	s = binary.AppendUvarint(s, uint64(len(active)))
	s = append(s, active...)
	s = append(s, 1)
	s = binary.AppendUvarint(s, uint64(len(g.passive)))
	s = append(s, g.passive...)
	section(11, s)
	return b
}

func appendName(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// expr2 generates the expressions of the later features.
func (g *gen) expr2(t byte) {
	switch g.r.Intn(11) {
	case 8: // a counted loop carrying a value in its parameter
		if g.loops >= maxLoops {
			g.leaf(t)
			return
		}
		g.expr(t) // before the counter is set: it may run a loop on it
		g.counted(appendSleb(nil, int64(g.typeIdx([]byte{t}, []byte{t}))), func() {
			g.expr(t)
			ops := binOps[t]
			op := ops[g.r.Intn(len(ops))]
			if op == 0x98 || op == 0xa6 {
				// copysign by a constant's sign (see binary): a
				// computed NaN's sign is open
				g.op(0x1a)
				g.constant(t)
			}
			g.op(op)
			g.stmtsMaybe()
		})
	case 9: // local.tee, or a typed select
		if ls := g.localsOf(t); len(ls) > 0 && g.r.Intn(2) == 0 {
			g.expr(t)
			g.localOp(0x22, ls)
			return
		}
		g.expr(t)
		g.expr(t)
		g.expr(I32)
		g.op(0x1c, 0x01, t)
	case 10: // a block left by br from an if inside, or by falling out
		g.op(0x02, t)
		g.expr(I32)
		g.op(0x04, 0x40)
		g.expr(t)
		g.op(0x0c, 0x01, 0x0b) // br 1 with the value
		g.op(0x01)             // nop
		g.expr(t)
		g.op(0x0b)
	case 0: // a block with a result, left early by br_if
		g.op(0x02, t)
		outer := g.r.Intn(2) == 0
		if outer {
			g.op(0x02, 0x40)
		}
		g.stmtsMaybe()
		g.expr(t)
		g.expr(I32)
		g.op(0x0d)
		if outer {
			g.op(0x01, 0x1a)
			g.stmtsMaybe()
			g.op(0x0b)
		} else {
			g.op(0x00, 0x1a)
			g.stmtsMaybe()
		}
		g.expr(t)
		g.op(0x0b)
	case 1: // br_table out of nested blocks with results
		nb := 1 + g.r.Intn(4)
		for i := 0; i < nb; i++ {
			g.op(0x02, t)
		}
		g.stmtsMaybe()
		g.expr(t)
		g.brTable(nb)
		for i := 0; i < nb; i++ {
			g.op(0x0b)
			if i < nb-1 {
				g.mark(t)
			}
		}
	case 2: // multi-value blocks and ifs: [] or [t] -> [t t i32], then select
		three := []byte{t, t, I32}
		switch g.r.Intn(3) {
		case 0:
			g.op(0x02)
			g.sleb(int64(g.typeIdx(nil, three)))
			g.stmtsMaybe()
			g.expr(t)
		case 1:
			g.expr(t)
			g.op(0x02)
			g.sleb(int64(g.typeIdx([]byte{t}, three)))
			g.stmtsMaybe()
		default:
			g.expr(t)
			g.expr(I32)
			g.op(0x04)
			g.sleb(int64(g.typeIdx([]byte{t}, three)))
			g.expr(t)
			g.expr(I32)
			g.op(0x05)
		}
		g.expr(t)
		g.expr(I32)
		if g.r.Intn(2) == 0 {
			g.expr(I32)
			g.op(0x0d, 0x00)
		}
		g.op(0x0b, 0x1b)
	case 3:
		if g.r.Intn(3) == 0 && g.callIndirect1(t) {
			return
		}
		g.callIndirect(t)
	case 4, 5:
		g.simd(t)
	default:
		if t == I32 && g.r.Intn(3) == 0 {
			if g.r.Intn(2) == 0 {
				g.table1Expr()
				return
			}
			g.tableOp()
			return
		}
		if t == I32 && g.r.Intn(2) == 0 {
			if g.r.Intn(3) == 0 {
				g.op(0x3f, 0x00) // memory.size
				return
			}
			if g.r.Intn(2) == 0 {
				g.i32(int64(g.r.Intn(3)))
			} else {
				g.expr(I32)
				g.op(0x41, 0x01, 0x71)
			}
			g.op(0x40, 0x00) // memory.grow
			return
		}
		g.expr(t)
		g.mark(t)
	}
}

// tableOp generates an i32 out of the table: its size, whether a slot is
// null (past the table: a trap), or table.grow by null references. Only
// nulls are written (by tableWrite too), and only to slots from nf on,
// which call_indirect uses only to trap: the slots of the functions keep
// them, so calls stay acyclic.
func (g *gen) tableOp() {
	nf := len(g.funcs)
	switch g.r.Intn(4) {
	case 0:
		g.op(0xfc, 0x10, 0x00) // table.size
	case 1:
		g.op(0xd0, 0x70, 0x41) // ref.null func
		g.sleb(int64(g.r.Intn(3)))
		g.op(0xfc, 0x0f, 0x00) // table.grow
	default:
		g.i32(int64(g.r.Intn(nf + 4)))
		g.op(0x25, 0x00, 0xd1) // table.get; ref.is_null
	}
}

// tableWrite stores nulls in slots nf and up: table.set or table.fill,
// sometimes past the table's end (a trap).
func (g *gen) tableWrite() {
	nf := len(g.funcs)
	g.i32(int64(nf + g.r.Intn(4)))
	g.op(0xd0, 0x70)
	if g.r.Intn(2) == 0 {
		g.op(0x26, 0x00) // table.set
		return
	}
	g.i32(int64(g.r.Intn(4)))
	g.op(0xfc, 0x11, 0x00) // table.fill
}

// mark changes a value of type t by a constant (so which way a value
// went shows in it).
func (g *gen) mark(t byte) {
	c := &gen{r: g.r}
	c.constant(t)
	g.op(c.body...)
	g.op(map[byte]byte{I32: 0x73, I64: 0x85, F32: 0x92, F64: 0xa0}[t])
}

// typeIdx returns the index of a block type params -> results, added to
// the type section.
func (g *gen) typeIdx(params, results []byte) int {
	for i, ft := range g.types[len(g.funcs):] {
		if string(ft.Params) == string(params) && string(ft.Results) == string(results) {
			return len(g.funcs) + i
		}
	}
	g.types = append(g.types, Func{Params: params, Results: results})
	return len(g.types) - 1
}

func sameSig(a, b Func) bool {
	return string(a.Params) == string(b.Params) && string(a.Results) == string(b.Results)
}

// callIndirect calls through the table (slot i holds function i, the
// last two slots are null) with the type of some function k whose first
// result is t: mostly a lower-numbered function of k's signature, else a
// lower-numbered slot of any (a signature mismatch), a null slot or one
// past the table.
func (g *gen) callIndirect(t byte) {
	var ks []int
	for k, f := range g.funcs {
		if len(f.Results) >= 1 && f.Results[0] == t {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 || g.loops > 0 || g.hot > 0 || g.calls == 0 || g.cur == 0 && g.r.Intn(4) != 0 {
		g.leaf(t)
		return
	}
	g.calls--
	k := ks[g.r.Intn(len(ks))]
	if ks[0] < g.cur && g.r.Intn(4) != 0 { // mostly a function that may be called
		k = ks[g.r.Intn(len(ks))]
		for k >= g.cur {
			k = ks[g.r.Intn(len(ks))]
		}
	}
	for _, p := range g.funcs[k].Params {
		g.expr(p)
	}
	var same []int
	for j := 0; j < g.cur; j++ {
		if sameSig(g.funcs[j], g.funcs[k]) {
			same = append(same, j)
		}
	}
	switch {
	case len(same) > 0 && g.r.Intn(6) != 0:
		g.i32(int64(same[g.r.Intn(len(same))]))
	case g.cur > 0 && g.r.Intn(4) != 0:
		g.expr(I32)
		g.i32(int64(g.cur))
		g.op(0x70) // i32.rem_u: a lower slot
	default:
		g.i32(int64(len(g.funcs) + g.r.Intn(3))) // null, null, out of range
	}
	g.op(0x11)
	g.u(uint64(k))
	g.op(0x00)
	for range g.funcs[k].Results[1:] {
		g.op(0x1a)
	}
}

// SIMD opcodes (after 0xfd), by operand shapes.
var (
	vBinInt = []uint32{0x0e, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
		0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40,
		0x4e, 0x4f, 0x50, 0x51, 0x65, 0x66, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x76, 0x77, 0x78, 0x79, 0x7b,
		0x82, 0x85, 0x86, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
		0xae, 0xb1, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbc, 0xbd, 0xbe, 0xbf,
		0xce, 0xd1, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf}
	vUnInt = []uint32{0x4d, 0x60, 0x61, 0x62, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x87, 0x88, 0x89, 0x8a,
		0xa0, 0xa1, 0xa7, 0xa8, 0xa9, 0xaa, 0xc0, 0xc1, 0xc7, 0xc8, 0xc9, 0xca}
	vShift  = []uint32{0x6b, 0x6c, 0x6d, 0x8b, 0x8c, 0x8d, 0xab, 0xac, 0xad, 0xcb, 0xcc, 0xcd}
	vLoad   = []uint32{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x5c, 0x5d}
	vUnF32  = []uint32{0x67, 0x68, 0x69, 0x6a, 0xe0, 0xe1, 0xe3}
	vBinF32 = []uint32{0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb}
	vUnF64  = []uint32{0x74, 0x75, 0x7a, 0x94, 0xec, 0xed, 0xef}
	vBinF64 = []uint32{0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7}
)

func (g *gen) vop(op uint32) {
	g.op(0xfd)
	g.u(uint64(op))
}

func pick(r *rand.Rand, ops []uint32) uint32 { return ops[r.Intn(len(ops))] }

// simd generates a value of type t out of a vector.
func (g *gen) simd(t byte) {
	switch t {
	case I32:
		switch k := g.r.Intn(5); k {
		case 0:
			g.ivec()
			g.vop(0x53) // any_true
		case 1:
			g.ivec()
			g.vop(pick(g.r, []uint32{0x63, 0x83, 0xa3, 0xc3, 0x64, 0x84, 0xa4, 0xc4})) // all_true, bitmask
		default:
			g.ivec()
			lanes := []int{16, 16, 8, 8, 4}
			ops := []uint32{0x15, 0x16, 0x18, 0x19, 0x1b}
			i := g.r.Intn(5)
			g.vop(ops[i])
			g.op(byte(g.r.Intn(lanes[i])))
		}
	case I64:
		g.ivec()
		g.vop(0x1d)
		g.op(byte(g.r.Intn(2)))
	case F32:
		g.fvec32()
		g.vop(0x1f)
		g.op(byte(g.r.Intn(4)))
	case F64:
		g.fvec64()
		g.vop(0x21)
		g.op(byte(g.r.Intn(2)))
	}
}

// vconst pushes a v128.const: random bytes or a lane pattern.
func (g *gen) vconst() {
	g.vop(0x0c)
	b := make([]byte, 16)
	switch g.r.Intn(4) {
	case 0:
		g.r.Read(b)
	case 1:
		v := ints[g.r.Intn(len(ints))]
		for i := 0; i < 16; i += 8 {
			binary.LittleEndian.PutUint64(b[i:], uint64(v))
		}
	case 2:
		for i := 0; i < 16; i += 4 {
			binary.LittleEndian.PutUint32(b[i:], uint32(ints[g.r.Intn(len(ints))]))
		}
	default:
		for i := range b {
			b[i] = []byte{0, 1, 0x7f, 0x80, 0xff, 0xfe}[g.r.Intn(6)]
		}
	}
	g.op(b...)
}

// vdepth enters a vector expression: false (after a leaf) at the depth
// or budget limit.
func (g *gen) vdepth() bool {
	g.budget--
	g.depth++
	if g.depth > 6 || g.budget <= 0 {
		if ls := g.localsOf(V128); len(ls) > 0 && g.r.Intn(2) == 0 {
			g.localOp(0x20, ls)
		} else {
			g.vconst()
		}
		return false
	}
	return true
}

// ivec generates a vector whose bits are those of integers: never a
// float operation's result (but float comparisons' masks and saturating
// truncations), so NaN bits never reach it.
func (g *gen) ivec() {
	defer func() { g.depth-- }()
	if !g.vdepth() {
		return
	}
	switch g.r.Intn(16) {
	case 0:
		if g.opts.HostV128 && g.r.Intn(2) == 0 && g.hostCall(V128) {
			return
		}
		g.vconst()
	case 1:
		ops := []uint32{0x0f, 0x10, 0x11, 0x12}
		i := g.r.Intn(4)
		g.intLane(i)
		g.vop(ops[i])
	case 2:
		g.addr()
		g.vop(pick(g.r, vLoad))
		g.memarg()
	case 3:
		g.addr()
		g.ivec()
		k := g.r.Intn(4)
		g.vop(uint32(0x54 + k))
		g.memarg()
		g.op(byte(g.r.Intn(16 >> k)))
	case 4, 5, 6:
		g.ivec()
		g.ivec()
		g.vop(pick(g.r, vBinInt))
	case 7:
		g.ivec()
		g.vop(pick(g.r, vUnInt))
	case 8:
		g.ivec()
		g.expr(I32)
		g.vop(pick(g.r, vShift))
	case 9:
		g.ivec()
		g.ivec()
		g.vop(0x0d)
		for i := 0; i < 16; i++ {
			g.op(byte(g.r.Intn(32)))
		}
	case 10:
		g.ivec()
		g.ivec()
		g.ivec()
		g.vop(0x52)
	case 11:
		g.ivec()
		ops := []uint32{0x17, 0x1a, 0x1c, 0x1e}
		lanes := []int{16, 8, 4, 2}
		i := g.r.Intn(4)
		g.intLane(i)
		g.vop(ops[i])
		g.op(byte(g.r.Intn(lanes[i])))
	case 12: // float comparisons: masks
		if g.r.Intn(2) == 0 {
			g.fvec32()
			g.fvec32()
			g.vop(uint32(0x41 + g.r.Intn(6)))
		} else {
			g.fvec64()
			g.fvec64()
			g.vop(uint32(0x47 + g.r.Intn(6)))
		}
	case 13: // saturating truncations
		if g.r.Intn(2) == 0 {
			g.fvec32()
			g.vop(uint32(0xf8 + g.r.Intn(2)))
		} else {
			g.fvec64()
			g.vop(uint32(0xfc + g.r.Intn(2)))
		}
	default:
		if g.opts.HostV128 && g.r.Intn(2) == 0 && g.hostCall(V128) {
			return
		}
		if ls := g.localsOf(V128); len(ls) > 0 {
			g.localOp(0x20, ls)
			return
		}
		g.vconst()
	}
}

// intLane pushes a scalar for a lane of integer shape i (i8x16, i16x8,
// i32x4, i64x2): an i64 for the last, else an i32.
func (g *gen) intLane(i int) {
	if i == 3 {
		g.expr(I64)
		return
	}
	g.expr(I32)
}

// fshape is a float vector shape's opcodes: its lane type, splat,
// unary and binary operations, conversion from integers (two opcodes
// from convert), from the other shape (demote or promote), replace_lane
// and lane count.
type fshape struct {
	lane           byte
	splat, convert uint32
	unary, binary  []uint32
	other, replace uint32
	lanes          int
}

var (
	f32x4 = fshape{F32, 0x13, 0xfa, vUnF32, vBinF32, 0x5e, 0x20, 4}
	f64x2 = fshape{F64, 0x14, 0xfe, vUnF64, vBinF64, 0x5f, 0x22, 2}
)

// fvec32 generates a vector of f32 lanes (lane values open to NaN bits).
func (g *gen) fvec32() { g.fvec(&f32x4, &f64x2) }

// fvec64 generates a vector of f64 lanes.
func (g *gen) fvec64() { g.fvec(&f64x2, &f32x4) }

// fvec generates a vector of shape s (o the other float shape).
func (g *gen) fvec(s, o *fshape) {
	defer func() { g.depth-- }()
	if !g.vdepth() {
		return
	}
	switch g.r.Intn(8) {
	case 0:
		g.ivec()
	case 1:
		g.expr(s.lane)
		g.vop(s.splat)
	case 2:
		g.fvec(s, o)
		g.vop(pick(g.r, s.unary))
	case 3, 4:
		g.fvec(s, o)
		g.fvec(s, o)
		g.vop(pick(g.r, s.binary))
	case 5:
		g.ivec()
		g.vop(s.convert + uint32(g.r.Intn(2)))
	case 6:
		g.fvec(o, s)
		g.vop(s.other)
	default:
		g.fvec(s, o)
		g.expr(s.lane)
		g.vop(s.replace)
		g.op(byte(g.r.Intn(s.lanes)))
	}
}
