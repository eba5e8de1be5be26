package object

import (
	"fmt"
	"math"
	"sort"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Check verifies that m is consistent with itself and with a code section
// of textLen bytes, so that nothing the runtime does with it can index out
// of range: every count, every index (types, functions, tables, memories,
// globals, element and data segments), every constant expression (its
// opcode, its type, the function or global it names), limits, the bounds
// mode, the site table and every code offset (inside the text; functions
// disjoint; stubs outside function bodies). The loader runs it before
// anything of the object is used, so that a compiler bug or a crafted file
// is refused with an error rather than becoming a panic or a wild jump.
//
// Check cannot verify the machine code itself against the metadata: that
// the code was compiled from this metadata is what the object's origin (a
// compiler you run, or a signature you trust) vouches for.
func (m *Meta) Check(textLen int) error {
	if err := m.check(textLen); err != nil {
		return fmt.Errorf("object: %w", err)
	}
	return nil
}

// Limits the format itself imposes (the wasm spec's, for 32-bit memories
// and tables).
const (
	maxTableLen = math.MaxUint32
)

func (m *Meta) check(textLen int) error {
	if textLen < 0 || uint64(textLen) > math.MaxUint32 {
		return fmt.Errorf("text of %d bytes", textLen)
	}
	switch m.Bounds {
	case BoundsExplicit:
		if m.MemReserve != 0 || m.MemGuard != 0 {
			return fmt.Errorf("explicit bounds checks with a reservation (%#x+%#x)", m.MemReserve, m.MemGuard)
		}
	case BoundsGuard:
		const pg = 4 << 10
		if m.MemReserve == 0 || m.MemReserve%pg != 0 || m.MemGuard%pg != 0 || m.MemGuard > math.MaxUint64-m.MemReserve {
			return fmt.Errorf("bad guard-page reservation %#x + guard %#x", m.MemReserve, m.MemGuard)
		}
	default:
		return fmt.Errorf("bad bounds-check mode %d", m.Bounds)
	}
	nt := uint64(len(m.Types))
	for i, t := range m.Types {
		for _, vs := range [2][]wasm.ValType{t.Params, t.Results} {
			for _, v := range vs {
				if !validValType(v) {
					return fmt.Errorf("type %d: bad value type %#x", i, byte(v))
				}
			}
		}
	}

	// Imports, and the types of every global, table and memory in index
	// order (imports first), for the checks below.
	// On the stack while a module has few of them (lucet-run hello.so
	// allocated these three lists on every load); only the memories'
	// count is needed.
	var nImp [4]uint64
	var globalsBuf [8]wasm.GlobalType
	var tablesBuf [4]wasm.TableType
	globals, tables, nMems := globalsBuf[:0], tablesBuf[:0], 0
	for i := range m.Imports {
		im := &m.Imports[i]
		switch im.Kind {
		case wasm.ExternFunc:
			if uint64(im.Type) >= nt {
				return fmt.Errorf("import %d (%s.%s): type index %d out of range (%d types)", i, im.Module, im.Name, im.Type, nt)
			}
		case wasm.ExternTable:
			if err := checkTable(im.Table); err != nil {
				return fmt.Errorf("import %d (%s.%s): %w", i, im.Module, im.Name, err)
			}
			tables = append(tables, im.Table)
		case wasm.ExternMemory:
			if err := checkMem(im.Mem); err != nil {
				return fmt.Errorf("import %d (%s.%s): %w", i, im.Module, im.Name, err)
			}
			nMems++
		case wasm.ExternGlobal:
			if !validValType(im.Global.Type) {
				return fmt.Errorf("import %d (%s.%s): bad global type %#x", i, im.Module, im.Name, byte(im.Global.Type))
			}
			globals = append(globals, im.Global)
		default:
			return fmt.Errorf("import %d: bad kind %d", i, im.Kind)
		}
		nImp[im.Kind]++
	}
	nFuncs := nImp[wasm.ExternFunc] + uint64(len(m.Funcs))
	if nFuncs > math.MaxUint32 {
		return fmt.Errorf("%d functions", nFuncs)
	}
	if len(m.FixedTables) > len(m.Tables) {
		return fmt.Errorf("%d fixed-table flags for %d tables", len(m.FixedTables), len(m.Tables))
	}
	for i, t := range m.Tables {
		if err := checkTable(t); err != nil {
			return fmt.Errorf("table %d: %w", nImp[wasm.ExternTable]+uint64(i), err)
		}
		tables = append(tables, t)
	}
	for i, mt := range m.Mems {
		if err := checkMem(mt); err != nil {
			return fmt.Errorf("memory %d: %w", nImp[wasm.ExternMemory]+uint64(i), err)
		}
		nMems++
	}
	for i := range m.Globals {
		g := &m.Globals[i]
		if !validValType(g.Type.Type) {
			return fmt.Errorf("global %d: bad type %#x", len(globals), byte(g.Type.Type))
		}
		globals = append(globals, g.Type)
	}
	// A global's initializer may read the globals before it (imported
	// ones in WebAssembly 2.0, earlier defined ones with extended
	// constant expressions): those are the ones that exist when it runs.
	cx := constChecker{nFuncs: nFuncs, globals: globals}
	for i := range m.Globals {
		g := &m.Globals[i]
		cx.nGlobals = nImp[wasm.ExternGlobal] + uint64(i)
		if err := cx.check(&g.Init, g.Type.Type); err != nil {
			return fmt.Errorf("global %d: initializer: %w", cx.nGlobals, err)
		}
	}
	cx.nGlobals = uint64(len(globals))

	// Code: every range inside the text, functions disjoint, stubs and
	// labels never inside a function's body.
	inText := func(off, size uint64) bool { return off <= uint64(textLen) && size <= uint64(textLen)-off }
	inOrder := true // by code offset, as lucetc lays functions out
	for i, f := range m.Funcs {
		idx := nImp[wasm.ExternFunc] + uint64(i)
		if uint64(f.TypeIndex) >= nt {
			return fmt.Errorf("function %d: type index %d out of range (%d types)", idx, f.TypeIndex, nt)
		}
		if f.CodeSize == 0 || !inText(uint64(f.CodeOffset), uint64(f.CodeSize)) {
			return fmt.Errorf("function %d: code [%#x, +%#x) outside the %#x-byte text", idx, f.CodeOffset, f.CodeSize, textLen)
		}
		if i > 0 && f.CodeOffset < m.Funcs[i-1].CodeOffset {
			inOrder = false
		}
	}
	// byOff[k] is the index of the k-th function by code offset; nil when
	// that is k itself, which spares every load of a lucetc object the
	// permutation and a reflective sort.
	var byOff []int
	if !inOrder {
		byOff = make([]int, len(m.Funcs))
		for i := range byOff {
			byOff[i] = i
		}
		sort.Slice(byOff, func(a, b int) bool { return m.Funcs[byOff[a]].CodeOffset < m.Funcs[byOff[b]].CodeOffset })
	}
	nth := func(k int) int {
		if byOff == nil {
			return k
		}
		return byOff[k]
	}
	for k := 1; k < len(m.Funcs); k++ {
		p, f := &m.Funcs[nth(k-1)], &m.Funcs[nth(k)]
		if uint64(p.CodeOffset)+uint64(p.CodeSize) > uint64(f.CodeOffset) {
			return fmt.Errorf("functions %d and %d overlap at %#x", nImp[wasm.ExternFunc]+uint64(nth(k-1)), nImp[wasm.ExternFunc]+uint64(nth(k)), f.CodeOffset)
		}
	}
	// insideFunc reports whether off lies in a function's code other than
	// at its first byte.
	insideFunc := func(off uint32) bool {
		k := sort.Search(len(m.Funcs), func(k int) bool { return m.Funcs[nth(k)].CodeOffset > off })
		if k == 0 {
			return false
		}
		f := &m.Funcs[nth(k-1)]
		return off > f.CodeOffset && uint64(off) < uint64(f.CodeOffset)+uint64(f.CodeSize)
	}
	stub := func(s uint32) bool { return inText(uint64(s), 1) && !insideFunc(s) }
	if len(m.EntryStubs) > len(m.Types) {
		return fmt.Errorf("%d entry stubs for %d types", len(m.EntryStubs), len(m.Types))
	}
	for t, s := range m.EntryStubs {
		if s != NoStub && !stub(s) {
			return fmt.Errorf("entry stub of type %d at %#x: not a code start in the %#x-byte text", t, s, textLen)
		}
	}
	if uint64(len(m.ImportStubs)) != nImp[wasm.ExternFunc] {
		return fmt.Errorf("%d host-call stubs for %d imported functions", len(m.ImportStubs), nImp[wasm.ExternFunc])
	}
	for i, s := range m.ImportStubs {
		if s == NoStub || !stub(s) {
			return fmt.Errorf("host-call stub %d at %#x: not a code start in the %#x-byte text", i, s, textLen)
		}
	}
	// Sites are most of an object's entries (hello.so: 1,389), so the
	// loop is one chain of comparisons on the entry in place, with the
	// previous offset in a register; siteError says which check failed.
	var prev uint32
	for i := range m.Sites {
		s := &m.Sites[i]
		if uint64(s.CodeOffset) > uint64(textLen) || s.CodeOffset < prev || uint64(s.Func) >= nFuncs || s.Code > abi.TrapUndefinedElement {
			return siteError(m.Sites, i, textLen, nFuncs)
		}
		prev = s.CodeOffset
	}
	for _, l := range m.Labels {
		if !inText(uint64(l.Offset), uint64(l.Size)) {
			return fmt.Errorf("label %q [%#x, +%#x) outside the %#x-byte text", l.Name, l.Offset, l.Size, textLen)
		}
	}

	// Exports and start.
	count := [4]uint64{
		wasm.ExternFunc:   nFuncs,
		wasm.ExternTable:  uint64(len(tables)),
		wasm.ExternMemory: uint64(nMems),
		wasm.ExternGlobal: uint64(len(globals)),
	}
	for i, x := range m.Exports {
		if x.Kind > wasm.ExternGlobal {
			return fmt.Errorf("export %d (%q): bad kind %d", i, x.Name, x.Kind)
		}
		if uint64(x.Index) >= count[x.Kind] {
			return fmt.Errorf("export %q: %s index %d out of range (%d)", x.Name, x.Kind, x.Index, count[x.Kind])
		}
	}
	if m.Start < -1 || (m.Start >= 0 && uint64(m.Start) >= nFuncs) {
		return fmt.Errorf("start function %d out of range (%d functions)", m.Start, nFuncs)
	}
	if m.Start >= 0 {
		if t := m.Types[m.funcType(uint32(m.Start))]; len(t.Params) != 0 || len(t.Results) != 0 {
			return fmt.Errorf("start function %d has type %v, want [] -> []", m.Start, t)
		}
	}

	// Segments.
	for i := range m.Elems {
		el := &m.Elems[i]
		if !el.Type.IsRef() {
			return fmt.Errorf("element segment %d: bad type %#x", i, byte(el.Type))
		}
		switch el.Mode {
		case wasm.SegmentActive:
			if uint64(el.Table) >= uint64(len(tables)) {
				return fmt.Errorf("element segment %d: table %d out of range (%d tables)", i, el.Table, len(tables))
			}
			if tables[el.Table].Elem != el.Type {
				return fmt.Errorf("element segment %d: %s elements for a %s table", i, el.Type, tables[el.Table].Elem)
			}
			if err := cx.check(&el.Offset, wasm.I32); err != nil {
				return fmt.Errorf("element segment %d: offset: %w", i, err)
			}
		case wasm.SegmentPassive, wasm.SegmentDeclarative:
		default:
			return fmt.Errorf("element segment %d: bad mode %d", i, el.Mode)
		}
		for j := range el.Init {
			if err := cx.check(&el.Init[j], el.Type); err != nil {
				return fmt.Errorf("element segment %d: item %d: %w", i, j, err)
			}
		}
	}
	if m.imaged.n > 0 {
		if len(m.Datas) > 0 {
			return errBothDatas
		}
		// Segments kept encoded are all of the one shape whose every
		// check but the extent holds when memory 0 is the module's own:
		// one comparison instead of decoding tens of thousands twice. The
		// walk below, through the same checks as Datas, finds what fails.
		if nMems > 0 && nMems == len(m.Mems) && m.imaged.maxEnd <= m.Mems[0].Limits.Min*wasm.PageSize {
			return nil
		}
	}
	for i, d := range m.DataSegments() {
		switch d.Mode {
		case wasm.SegmentActive:
			if uint64(d.Mem) >= uint64(nMems) {
				return fmt.Errorf("data segment %d: memory %d out of range (%d memories)", i, d.Mem, nMems)
			}
			// An i32.const offset (nearly every segment, tens of
			// thousands in a big module) is valid as it is; only
			// others are made an expression to check.
			if d.Offset.Op == wasm.OpI32Const {
				break
			}
			e := d.Offset.Expr()
			if err := cx.check(&e, wasm.I32); err != nil {
				return fmt.Errorf("data segment %d: offset: %w", i, err)
			}
		case wasm.SegmentPassive:
		default:
			return fmt.Errorf("data segment %d: bad mode %d", i, d.Mode)
		}
		if uint64(len(d.Init)) > math.MaxUint32 {
			return fmt.Errorf("data segment %d: %d bytes", i, len(d.Init))
		}
	}
	return m.checkInImage(nMems)
}

// checkInImage checks the data segments stored in the memory image: all
// active segments or none, and only segments the image can represent and
// whose application cannot trap, since the runtime then initialises memory
// 0 from the image alone. (That the image holds them is the loader's
// check: Meta alone does not carry it.)
func (m *Meta) checkInImage(numMems int) error {
	in := m.InImage()
	imported := numMems - len(m.Mems)
	for i, d := range m.DataSegments() {
		if !d.InImage {
			if d.Len != 0 {
				return fmt.Errorf("data segment %d: a length of %d outside the memory image", i, d.Len)
			}
			if in && d.Mode == wasm.SegmentActive {
				return fmt.Errorf("data segment %d: active but not in the memory image that holds the others", i)
			}
			continue
		}
		switch {
		case d.Mode != wasm.SegmentActive:
			return fmt.Errorf("data segment %d: in the memory image but not active", i)
		case len(d.Init) != 0:
			return fmt.Errorf("data segment %d: in the memory image and %d bytes of its own", i, len(d.Init))
		case d.Mem != 0 || imported != 0 || len(m.Mems) == 0:
			return fmt.Errorf("data segment %d: in the memory image but not for a memory 0 the module defines", i)
		case d.Offset.Op != wasm.OpI32Const:
			return fmt.Errorf("data segment %d: in the memory image without a constant offset", i)
		}
		if end := uint64(uint32(d.Offset.Value)) + uint64(d.Len); end > m.Mems[0].Limits.Min*wasm.PageSize {
			return fmt.Errorf("data segment %d: in the memory image but ends at %#x, past the %#x-byte initial memory", i, end, m.Mems[0].Limits.Min*wasm.PageSize)
		}
	}
	return nil
}

// funcType is the type index of function idx, which must be in range.
func (m *Meta) funcType(idx uint32) uint32 {
	for i := range m.Imports {
		if m.Imports[i].Kind == wasm.ExternFunc {
			if idx == 0 {
				return m.Imports[i].Type
			}
			idx--
		}
	}
	return m.Funcs[idx].TypeIndex
}

func validValType(t wasm.ValType) bool {
	switch t {
	case wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef:
		return true
	}
	return false
}

func checkLimits(l wasm.Limits, max uint64) error {
	if l.Min > max || (l.HasMax && (l.Max > max || l.Max < l.Min)) {
		return fmt.Errorf("bad limits min %d max %d (has max %v, at most %d)", l.Min, l.Max, l.HasMax, max)
	}
	return nil
}

func checkTable(t wasm.TableType) error {
	if !t.Elem.IsRef() {
		return fmt.Errorf("bad table element type %#x", byte(t.Elem))
	}
	return checkLimits(t.Limits, maxTableLen)
}

func checkMem(t wasm.MemType) error { return checkLimits(t.Limits, wasm.MaxPages) }

// constChecker checks constant expressions as the validator does: one
// constant instruction of the wanted type; ref.func names a function;
// global.get names a global that exists when the expression is evaluated.
type constChecker struct {
	nFuncs   uint64
	nGlobals uint64 // globals an expression may read
	globals  []wasm.GlobalType
}

func (cx *constChecker) check(c *wasm.ConstExpr, want wasm.ValType) error {
	if c.NonConst || c.NumInstrs != 1 {
		return fmt.Errorf("not a single constant instruction")
	}
	got, num := wasm.NumConstType(c.Op)
	switch {
	case num:
	case c.Op == wasm.OpRefNull:
		got = c.Type
	case c.Op == wasm.OpRefFunc:
		if uint64(c.Index) >= cx.nFuncs {
			return fmt.Errorf("ref.func %d: function out of range (%d functions)", c.Index, cx.nFuncs)
		}
		got = wasm.FuncRef
	case c.Op == wasm.OpGlobalGet:
		if uint64(c.Index) >= cx.nGlobals {
			return fmt.Errorf("global.get %d: global out of range (%d readable)", c.Index, cx.nGlobals)
		}
		got = cx.globals[c.Index].Type
	default:
		return fmt.Errorf("opcode %#x is not a constant instruction", uint32(c.Op))
	}
	if got != want {
		return fmt.Errorf("%s value where %s is wanted", got, want)
	}
	return nil
}

// NumImportedFuncs is the number of imported functions, which is where the
// defined functions start in the function index space.
func (m *Meta) NumImportedFuncs() uint32 {
	n := uint32(0)
	for i := range m.Imports {
		if m.Imports[i].Kind == wasm.ExternFunc {
			n++
		}
	}
	return n
}

// siteError is the error for sites[i], the first site that fails one of
// check's tests (those before it passed them all), naming the first test
// it fails in check's order.
func siteError(sites []Site, i, textLen int, nFuncs uint64) error {
	s := sites[i]
	switch {
	case uint64(s.CodeOffset) > uint64(textLen):
		return fmt.Errorf("site %d at %#x outside the %#x-byte text", i, s.CodeOffset, textLen)
	case i > 0 && s.CodeOffset < sites[i-1].CodeOffset:
		return fmt.Errorf("site table not sorted at entry %d (%#x after %#x)", i, s.CodeOffset, sites[i-1].CodeOffset)
	case uint64(s.Func) >= nFuncs:
		return fmt.Errorf("site %d: function %d out of range (%d functions)", i, s.Func, nFuncs)
	default:
		return fmt.Errorf("site %d: bad trap code %d", i, s.Code)
	}
}
