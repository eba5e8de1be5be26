// Package validate is the stage after decoding: it checks a decoded
// wasm.Module against the WebAssembly 2.0 validation rules (SIMD included)
// so that later stages can trust every index, type and immediate they see.
//
// In: a *wasm.Module from decode. Out: an *Info with per-function facts a
// compiler wants (maximum operand stack height, control nesting, whether a
// function touches memory, calls, loops...), or an *Error whose Msg uses
// the spec testsuite's words ("type mismatch", "unknown local", ...).
//
// Function bodies are independent, so they are checked in parallel when
// there are many; the reported error is always the lowest-index invalid
// function's, whatever the schedule.
package validate

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Options tune validation.
type Options struct {
	// Parallel is the number of goroutines checking function bodies:
	// 0 means GOMAXPROCS, 1 means sequential.
	Parallel int
}

// Error is a validation failure.
type Error struct {
	Offset   int    // byte offset in the module; -1 if unknown
	Func     int    // function index (function index space); -1 outside functions
	FuncName string // from wasm.Module.FuncName, "" if none
	Msg      string // the spec testsuite's words, possibly followed by detail
}

func (e *Error) Error() string {
	s := ""
	if e.Offset >= 0 {
		s = fmt.Sprintf("0x%x: ", e.Offset)
	}
	if e.Func >= 0 {
		if e.FuncName != "" {
			// The module's name for it, any UTF-8: see wasm.Printable.
			s += fmt.Sprintf("func %d (%s): ", e.Func, wasm.Printable(e.FuncName))
		} else {
			s += fmt.Sprintf("func %d: ", e.Func)
		}
	}
	return s + e.Msg
}

// Info is what validation learned about a valid module.
type Info struct {
	Funcs []FuncInfo // one per defined function, in order
}

// FuncInfo describes one defined function's body.
type FuncInfo struct {
	MaxStack  int // maximum operand stack height (not counting locals)
	MaxDepth  int // maximum control nesting, the function's own block counting as 1
	NumInstrs int // instructions, the final end included
	NumLocals int // parameters plus declared locals

	UsesMemory       bool // any load, store, memory.* or data.drop
	GrowsMemory      bool // memory.grow: memory base/size may change across it
	HasCalls         bool // call or call_indirect
	HasIndirectCalls bool // call_indirect
	HasLoops         bool
	UsesTables       bool // table.*, elem.drop or call_indirect
	WritesTables     bool // table.set, table.grow, table.fill, table.copy or table.init
	UsesGlobals      bool
	UsesSIMD         bool // any 0xFD instruction or v128 value
}

// Module validates m.
func Module(m *wasm.Module, opts Options) (*Info, error) {
	mv := &moduleValidator{m: m}
	if err := mv.checkModule(); err != nil {
		return nil, err
	}
	info := &Info{Funcs: make([]FuncInfo, len(m.Codes))}
	if err := mv.checkBodies(info, opts); err != nil {
		return nil, err
	}
	return info, nil
}

type moduleValidator struct {
	m *wasm.Module
	// refs marks functions that may appear in ref.func inside bodies
	// (the spec's C.refs): those named in exports, element segments and
	// global initializers.
	refs []bool

	// Index spaces flattened once, so body checks need no import lookups.
	funcTypes   []uint32 // type index of every function
	globalTypes []wasm.GlobalType
	tableElems  []wasm.ValType
}

func modErr(off int, format string, args ...any) *Error {
	return &Error{Offset: off, Func: -1, Msg: fmt.Sprintf(format, args...)}
}

func (mv *moduleValidator) checkModule() error {
	m := mv.m
	nf := int(m.NumImportedFuncs) + len(m.Funcs)
	if len(m.Codes) != len(m.Funcs) {
		return modErr(-1, "function and code section have inconsistent lengths")
	}
	if m.HasDataCount && int(m.DataCount) != len(m.Datas) {
		return modErr(-1, "data count and data section have inconsistent lengths")
	}
	// The helpers on wasm.Module trust the import counts, so check them
	// before using them.
	var counts [4]uint32
	for i := range m.Imports {
		k := m.Imports[i].Kind
		if k > wasm.ExternGlobal {
			return modErr(-1, "malformed import kind")
		}
		counts[k]++
	}
	if counts[wasm.ExternFunc] != m.NumImportedFuncs || counts[wasm.ExternTable] != m.NumImportedTables ||
		counts[wasm.ExternMemory] != m.NumImportedMems || counts[wasm.ExternGlobal] != m.NumImportedGlobals {
		return modErr(-1, "import counts do not match the imports")
	}
	for i := range m.Imports {
		im := &m.Imports[i]
		switch im.Kind {
		case wasm.ExternFunc:
			if int(im.Type) >= len(m.Types) {
				return modErr(-1, "unknown type %d", im.Type)
			}
		case wasm.ExternTable:
			if err := checkTable(im.Table); err != nil {
				return err
			}
		case wasm.ExternMemory:
			if err := checkMem(im.Mem); err != nil {
				return err
			}
		case wasm.ExternGlobal:
			if !validValType(im.Global.Type) {
				return modErr(-1, "malformed value type")
			}
		}
	}
	for i, t := range m.Funcs {
		if int(t) >= len(m.Types) {
			return &Error{Offset: -1, Func: int(m.NumImportedFuncs) + i, Msg: fmt.Sprintf("unknown type %d", t)}
		}
	}
	mv.funcTypes = make([]uint32, 0, nf)
	mv.globalTypes = make([]wasm.GlobalType, 0, m.NumGlobals())
	mv.tableElems = make([]wasm.ValType, 0, m.NumTables())
	for i := range m.Imports {
		im := &m.Imports[i]
		switch im.Kind {
		case wasm.ExternFunc:
			mv.funcTypes = append(mv.funcTypes, im.Type)
		case wasm.ExternGlobal:
			mv.globalTypes = append(mv.globalTypes, im.Global)
		case wasm.ExternTable:
			mv.tableElems = append(mv.tableElems, im.Table.Elem)
		}
	}
	mv.funcTypes = append(mv.funcTypes, m.Funcs...)
	for i := range m.Globals {
		mv.globalTypes = append(mv.globalTypes, m.Globals[i].Type)
	}
	for _, t := range m.Tables {
		mv.tableElems = append(mv.tableElems, t.Elem)
	}
	for _, t := range m.Tables {
		if err := checkTable(t); err != nil {
			return err
		}
	}
	for _, mt := range m.Mems {
		if err := checkMem(mt); err != nil {
			return err
		}
	}
	if m.NumMems() > 1 {
		// The spec's words last, so its tests still match.
		return modErr(-1, "module uses the multi-memory proposal (%d memories), which is not supported: multiple memories", m.NumMems())
	}

	mv.refs = make([]bool, nf)
	for i := range m.Globals {
		g := &m.Globals[i]
		if err := mv.checkConst(&g.Init, g.Type.Type); err != nil {
			return err
		}
	}
	for i := range m.Elems {
		e := &m.Elems[i]
		if e.Type != wasm.FuncRef && e.Type != wasm.ExternRef {
			return modErr(e.Offset0, "malformed reference type")
		}
		for j := range e.Init {
			if err := mv.checkConst(&e.Init[j], e.Type); err != nil {
				return err
			}
		}
		if e.Mode == wasm.SegmentActive {
			if e.Table >= m.NumTables() {
				return modErr(e.Offset0, "unknown table %d", e.Table)
			}
			if err := mv.checkConst(&e.Offset, wasm.I32); err != nil {
				return err
			}
			if tt := m.TableType(e.Table); tt.Elem != e.Type {
				return modErr(e.Offset0, "type mismatch: element segment of %s for table of %s", e.Type, tt.Elem)
			}
		}
	}
	for i := range m.Datas {
		d := &m.Datas[i]
		if d.Mode == wasm.SegmentActive {
			if d.Mem >= m.NumMems() {
				return modErr(d.Offset0, "unknown memory %d", d.Mem)
			}
			if err := mv.checkConst(&d.Offset, wasm.I32); err != nil {
				return err
			}
		}
	}
	if m.HasStart {
		if int(m.Start) >= nf {
			return modErr(-1, "unknown function %d", m.Start)
		}
		if ft := m.FuncType(m.Start); len(ft.Params) != 0 || len(ft.Results) != 0 {
			return modErr(-1, "start function must have type [] -> [], has %s", ft)
		}
	}
	names := make(map[string]struct{}, len(m.Exports))
	for _, e := range m.Exports {
		if _, dup := names[e.Name]; dup {
			return modErr(-1, "duplicate export name %q", e.Name)
		}
		names[e.Name] = struct{}{}
		switch e.Kind {
		case wasm.ExternFunc:
			if int(e.Index) >= nf {
				return modErr(-1, "unknown function %d", e.Index)
			}
			mv.refs[e.Index] = true
		case wasm.ExternTable:
			if e.Index >= m.NumTables() {
				return modErr(-1, "unknown table %d", e.Index)
			}
		case wasm.ExternMemory:
			if e.Index >= m.NumMems() {
				return modErr(-1, "unknown memory %d", e.Index)
			}
		case wasm.ExternGlobal:
			if e.Index >= m.NumGlobals() {
				return modErr(-1, "unknown global %d", e.Index)
			}
		default:
			return modErr(-1, "malformed export kind")
		}
	}
	return nil
}

func validValType(t wasm.ValType) bool {
	switch t {
	case wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef:
		return true
	}
	return false
}

func checkTable(t wasm.TableType) error {
	if !t.Elem.IsRef() {
		return modErr(-1, "malformed reference type")
	}
	if t.Limits.Min > 0xFFFFFFFF || (t.Limits.HasMax && t.Limits.Max > 0xFFFFFFFF) {
		return modErr(-1, "table size must be at most 2^32-1")
	}
	if t.Limits.HasMax && t.Limits.Min > t.Limits.Max {
		return modErr(-1, "size minimum must not be greater than maximum")
	}
	return nil
}

func checkMem(t wasm.MemType) error {
	if t.Limits.Min > wasm.MaxPages || (t.Limits.HasMax && t.Limits.Max > wasm.MaxPages) {
		return modErr(-1, "memory size must be at most 65536 pages (4GiB)")
	}
	if t.Limits.HasMax && t.Limits.Min > t.Limits.Max {
		return modErr(-1, "size minimum must not be greater than maximum")
	}
	return nil
}

// checkConst checks a constant expression of type want. In WebAssembly
// 2.0 global.get may only name an imported, immutable global.
func (mv *moduleValidator) checkConst(c *wasm.ConstExpr, want wasm.ValType) error {
	m := mv.m
	if c.NonConst {
		return modErr(c.Offset, "constant expression required")
	}
	got, num := wasm.NumConstType(c.Op)
	switch {
	case num:
	case c.Op == wasm.OpRefNull:
		if !c.Type.IsRef() {
			return modErr(c.Offset, "malformed reference type")
		}
		got = c.Type
	case c.Op == wasm.OpRefFunc:
		if c.Index >= m.NumFuncs() {
			return modErr(c.Offset, "unknown function %d", c.Index)
		}
		mv.refs[c.Index] = true
		got = wasm.FuncRef
	case c.Op == wasm.OpGlobalGet:
		if c.Index >= m.NumImportedGlobals {
			return modErr(c.Offset, "unknown global %d", c.Index)
		}
		gt := m.GlobalType(c.Index)
		if gt.Mutable {
			return modErr(c.Offset, "constant expression required: global %d is mutable", c.Index)
		}
		got = gt.Type
	case c.Op == wasm.OpEnd:
		// An empty expression leaves nothing of the wanted type.
		return modErr(c.Offset, "type mismatch: expected %s, found nothing", want)
	default:
		return modErr(c.Offset, "constant expression required: %s is not constant", c.Op)
	}
	if c.NumInstrs > 1 {
		return modErr(c.Offset, "type mismatch: constant expression leaves %d values", c.NumInstrs)
	}
	if got != want {
		return modErr(c.Offset, "type mismatch: expected %s, found %s", want, got)
	}
	return nil
}

// seqThreshold is the body size under which parallelism costs more than
// it saves.
const seqThreshold = 256 << 10

// chunkBytes is roughly how much body a worker takes at a time.
const chunkBytes = 64 << 10

func (mv *moduleValidator) checkBodies(info *Info, opts Options) error {
	m := mv.m
	total := 0
	for i := range m.Codes {
		total += len(m.Codes[i].Body)
	}
	workers := opts.Parallel
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 || total < seqThreshold || len(m.Codes) < 2 {
		fv := getFuncValidator(mv)
		defer putFuncValidator(fv)
		for i := range m.Codes {
			if err := fv.check(i, &info.Funcs[i]); err != nil {
				return err
			}
		}
		return nil
	}

	// Cut the functions into chunks of about chunkBytes.
	var bounds []int
	bounds = append(bounds, 0)
	acc := 0
	for i := range m.Codes {
		acc += len(m.Codes[i].Body)
		if acc >= chunkBytes {
			bounds = append(bounds, i+1)
			acc = 0
		}
	}
	if bounds[len(bounds)-1] != len(m.Codes) {
		bounds = append(bounds, len(m.Codes))
	}
	nchunks := len(bounds) - 1
	if workers > nchunks {
		workers = nchunks
	}

	var (
		next     atomic.Int64
		firstBad atomic.Int64 // lowest invalid function index seen so far
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	firstBad.Store(int64(len(m.Codes)))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fv := getFuncValidator(mv)
			defer putFuncValidator(fv)
			for {
				c := int(next.Add(1) - 1)
				if c >= nchunks {
					return
				}
				for i := bounds[c]; i < bounds[c+1]; i++ {
					// A lower-index error already wins; nothing here can.
					if int64(i) >= firstBad.Load() {
						return
					}
					if err := fv.check(i, &info.Funcs[i]); err != nil {
						mu.Lock()
						if int64(i) < firstBad.Load() {
							firstBad.Store(int64(i))
							firstErr = err
						}
						mu.Unlock()
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}
