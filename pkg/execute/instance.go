package execute

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// module is a compiled module's code as mapped for this process, with the
// lookups the runtime needs.
type module struct {
	meta  *object.Meta
	code  uintptr
	size  uintptr
	owned *region // the mapping, when the store made it
	keep  any     // what owns the mapping otherwise (a *load.Module)
	// data is memory 0's initial contents laid out by the linker, used
	// instead of the active data segments when complete (nil: apply them).
	data        *link.DataImage
	dataEnd     uint64    // where data's last byte ends in memory 0 (imageEnd)
	cow         *cowImage // data as a copy-on-write image (large data only)
	passiveData bool      // some data segment is passive

	// reg, when set, is the code range's registration with the signal
	// handler for the module's life (a load.Module's, until it is closed
	// or collected) rather than by each store that runs it.
	reg *codeReg

	numImported [4]uint32
	importOf    [4][]uint32 // per kind: positions in meta.Imports
	// byOffset is the defined function indices sorted by code offset;
	// nil when meta.Funcs is in code order already (lucetc writes it so),
	// and index i is then function i.
	byOffset []int
	typeIDs  []uint64
	exports  map[string]int // export name to its position in meta.Exports
	// defRefs is the FuncRef records of the defined functions as every
	// instance starts them, VMCtx zero (abi.FuncRefSize/8 words each).
	defRefs []uint64

	// Prepared images (prepare.go): the defined globals' cells as every
	// instance starts them, and the defined tables' contents after the
	// active element segments, as function indices.
	globImg *globalImage
	tabImg  *tableImage

	// fixedTabs[i] is set when defined table i is sized exactly
	// (meta.FixedTables, of a table the module does not export: an
	// importer may grow an exported one whatever the flag says). Nil
	// for none.
	fixedTabs []bool
}

// fixedTab reports whether defined table i is sized exactly.
func (m *module) fixedTab(i int) bool { return i < len(m.fixedTabs) && m.fixedTabs[i] }

// safeStart is where the module's functions begin: the signal handler may
// inject a preemption from there to the end of the code, never into the
// trap and exit routines and the entry and host-call stubs, which switch
// between the Go and the guest stack. The linker puts those first; if an
// object places a stub among the functions, nothing is injectable.
func (m *module) safeStart() uintptr {
	end := m.code + m.size
	if len(m.meta.Funcs) == 0 {
		return end
	}
	lo := uintptr(m.meta.Funcs[0].CodeOffset)
	for _, f := range m.meta.Funcs {
		lo = min(lo, uintptr(f.CodeOffset))
	}
	for _, offs := range [][]uint32{m.meta.EntryStubs, m.meta.ImportStubs} {
		for _, o := range offs {
			if uintptr(o) >= lo {
				return end
			}
		}
	}
	if lo > m.size {
		return end
	}
	return m.code + lo
}

func newModule(meta *object.Meta, code, size uintptr) (*module, error) {
	if meta.ABIVersion != abi.Version {
		return nil, fmt.Errorf("execute: object has ABI version %d, runtime has %d", meta.ABIVersion, abi.Version)
	}
	m := &module{meta: meta, code: code, size: size}
	m.passiveData = meta.HasPassiveData()
	for i, imp := range meta.Imports {
		if int(imp.Kind) >= len(m.importOf) {
			return nil, fmt.Errorf("execute: import %d: bad kind %d", i, imp.Kind)
		}
		m.importOf[imp.Kind] = append(m.importOf[imp.Kind], uint32(i))
		m.numImported[imp.Kind]++
	}
	// Only a module whose functions are out of code order gets an index
	// (and a sort): making it for every module was, for lucet-run, a
	// first use of a heap size class (a fresh span and page) at each
	// start.
	if !slices.IsSortedFunc(meta.Funcs, func(a, b object.Func) int { return cmp.Compare(a.CodeOffset, b.CodeOffset) }) {
		m.byOffset = make([]int, len(meta.Funcs))
		for i := range m.byOffset {
			m.byOffset[i] = i
		}
		sort.Slice(m.byOffset, func(a, b int) bool {
			return meta.Funcs[m.byOffset[a]].CodeOffset < meta.Funcs[m.byOffset[b]].CodeOffset
		})
	}
	m.exports = make(map[string]int, len(meta.Exports))
	for i, e := range meta.Exports {
		m.exports[e.Name] = i
	}
	// The type IDs and the FuncRef records share one allocation.
	nt := len(meta.Types)
	words := make([]uint64, nt+3*len(meta.Funcs))
	m.typeIDs = words[:nt:nt]
	for i, t := range meta.Types {
		m.typeIDs[i] = TypeID(t)
	}
	if len(meta.Funcs) > 0 {
		m.defRefs = words[nt:nt]
		for _, df := range meta.Funcs {
			if int(df.TypeIndex) >= len(m.typeIDs) {
				return nil, fmt.Errorf("execute: function of type %d, module has %d types", df.TypeIndex, len(m.typeIDs))
			}
			m.defRefs = append(m.defRefs, uint64(code)+uint64(df.CodeOffset), 0, m.typeIDs[df.TypeIndex])
		}
	}
	if len(meta.FixedTables) > 0 {
		m.fixedTabs = slices.Clone(meta.FixedTables)
		for _, e := range meta.Exports {
			if d := int64(e.Index) - int64(m.numImported[wasm.ExternTable]); e.Kind == wasm.ExternTable && d >= 0 && d < int64(len(m.fixedTabs)) {
				m.fixedTabs[d] = false
			}
		}
	}
	m.globImg = prepareGlobals(meta)
	m.tabImg = prepareTables(meta, m.numImported[wasm.ExternTable], m.numImported[wasm.ExternFunc]+uint32(len(meta.Funcs)))
	return m, nil
}

func (m *module) numImportedFuncs() uint32 { return m.numImported[wasm.ExternFunc] }

func (m *module) funcTypeIndex(idx uint32) uint32 {
	if n := m.numImportedFuncs(); idx < n {
		return m.meta.Imports[m.importOf[wasm.ExternFunc][idx]].Type
	}
	return m.meta.Funcs[idx-m.numImportedFuncs()].TypeIndex
}

// Instance is an instantiated module.
type Instance struct {
	store *Store
	mod   *module
	vmctx uintptr
	epoch uint64 // the store's epoch when made: stale once Reset moves it on

	funcs    []*Func // function index space; defined ones made on demand
	globals  []*Global
	tables   []*Table
	mems     []*Memory
	funcRefs uintptr
	datas    [][]byte
	dropped  []bool     // data segments
	elems    [][]uint64 // evaluated element segments, nil once dropped
}

// instanceBlock holds an instance and the objects most modules need
// beside it, so instantiating one costs a single allocation for them.
type instanceBlock struct {
	inst    Instance
	globals [4]*Global
	tables  [2]*Table
	mems    [1]*Memory
	gls     [4]Global
	tab     [1]Table
	mem     [1]Memory
}

// sliceIn returns buf (empty) when n fits in it, else a new slice of
// capacity n.
func sliceIn[T any](buf []T, n int) []T {
	if n <= cap(buf) {
		return buf[:0]
	}
	return make([]T, 0, n)
}

// LinkError is an import that cannot be satisfied. Reason is the spec's
// wording: "unknown import" or "incompatible import type".
type LinkError struct {
	Module, Name string
	Reason       string
	Detail       string
}

func (e *LinkError) Error() string {
	s := fmt.Sprintf("%s: %q %q", e.Reason, e.Module, e.Name)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Instantiate links m against imports and instantiates it: globals,
// tables and memories are created, element and data segments applied (a
// trap there is returned as *Trap, with earlier writes to imported tables
// and memories kept, as the spec requires), and the start function run.
// m must stay open as long as the store.
func (s *Store) Instantiate(m *load.Module, imports Imports) (*Instance, error) {
	if len(m.Code) == 0 && len(m.Meta.Funcs) > 0 {
		return nil, fmt.Errorf("execute: module has functions but no code (closed?)")
	}
	// The module's tables are derived once per loaded module and shared
	// by every store that instantiates it.
	d := m.Derived(derivedKey{}, func() any {
		code := uintptr(0)
		if len(m.Code) > 0 {
			code = m.CodeAddr(0)
		}
		mod, err := newModule(m.Meta, code, uintptr(len(m.Code)))
		if err != nil {
			return derived{err: err}
		}
		mod.keep = m
		if mod.size > 0 {
			if err := registerCode(mod.code, mod.safeStart(), mod.code+mod.size); err != nil {
				return derived{err: err}
			}
			mod.reg = &codeReg{start: mod.code, safe: mod.safeStart(), end: mod.code + mod.size}
			// A module nobody closes has its code unmapped once it is
			// unreachable (load's cleanup); the registration must go
			// too, or the handler would take whatever is mapped there
			// next for this code (and a range overlapping it is merged
			// into one where nothing is injected). The two cleanups run
			// in no set order: a mapping made between them is merged
			// only until this one runs.
			mod.reg.cleanup = runtime.AddCleanup(m, (*codeReg).release, mod.reg)
		}
		if m.Data != nil && m.Data.Complete {
			mod.data = m.Data
			mod.dataEnd = imageEnd(m.Data)
			var memBytes uintptr
			if len(m.Meta.Mems) > 0 {
				memBytes = uintptr(m.Meta.Mems[0].Limits.Min) * wasm.PageSize
			}
			if mod.cow, err = newCOWImage(m.Data, memBytes); err != nil {
				// The error is kept in place of the module, whose
				// Close would have unregistered the code.
				derived{mod: mod}.Close()
				return derived{err: err}
			}
		}
		return derived{mod: mod}
	}).(derived)
	if d.err != nil {
		return nil, d.err
	}
	return s.instantiate(d.mod, imports)
}

// codeReg is a loaded module's registration of its code with the signal
// handler, given back once: by the module's Close or, for a module never
// closed, once it is collected.
type codeReg struct {
	start, safe, end uintptr
	done             atomic.Bool
	cleanup          runtime.Cleanup
}

func (r *codeReg) release() {
	if r.done.CompareAndSwap(false, true) {
		unregisterCode(r.start, r.safe, r.end)
	}
}

// defRefs is laid out as abi's FuncRef: code, vmctx, type ID.
const _ = uint(abi.FuncRefSize-24) + uint(24-abi.FuncRefSize) + uint(abi.FuncRefCode) +
	uint(abi.FuncRefVMCtx-8) + uint(8-abi.FuncRefVMCtx) + uint(abi.FuncRefTypeID-16) + uint(16-abi.FuncRefTypeID)

// derivedKey keys the runtime's module tables in load.Module.Derived.
type derivedKey struct{}

type derived struct {
	mod *module
	err error
}

// Close releases what the module's derived tables hold outside the Go
// heap (the memory image's memfd); load.Module.Close calls it.
func (d derived) Close() error {
	if d.mod == nil {
		return nil
	}
	if r := d.mod.reg; r != nil {
		r.cleanup.Stop()
		r.release()
	}
	if d.mod.cow != nil {
		return d.mod.cow.Close()
	}
	return nil
}

// InstantiateObject maps o's code (once per call) and instantiates it. The
// mapping lives as long as the store.
func (s *Store) InstantiateObject(o *object.Object, imports Imports) (*Instance, error) {
	r, err := mapCode(o.Text)
	if err != nil {
		return nil, err
	}
	mod, err := newModule(&o.Meta, r.addr(), uintptr(len(o.Text)))
	if err != nil {
		r.free()
		return nil, err
	}
	mod.owned = r
	inst, err := s.instantiate(mod, imports)
	if err != nil {
		s.freeUnkept(mod)
	}
	return inst, err
}

// freeUnkept unmaps the code InstantiateObject mapped for mod after a
// failed instantiation that ended before the store kept mod (a link error,
// a closed store): nothing else would, since a store frees the code of
// the modules it keeps when it is closed, and only those.
func (s *Store) freeUnkept(mod *module) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.modules, mod) {
		mod.owned.free()
	}
}

// InstantiateCode instantiates a module whose code the caller has already
// mapped read+execute at code (size bytes); it must stay mapped as long as
// the store.
func (s *Store) InstantiateCode(meta *object.Meta, code, size uintptr, imports Imports) (*Instance, error) {
	for _, m := range s.modules {
		if m.code == code && m.meta == meta {
			return s.instantiate(m, imports)
		}
	}
	mod, err := newModule(meta, code, size)
	if err != nil {
		return nil, err
	}
	return s.instantiate(mod, imports)
}

func limitsMatch(have, want wasm.Limits) bool {
	if have.Min < want.Min {
		return false
	}
	if want.HasMax {
		return have.HasMax && have.Max <= want.Max
	}
	return true
}

func (s *Store) resolve(mod *module, imports Imports, inst *Instance) error {
	meta := mod.meta
	for _, imp := range meta.Imports {
		var ext Extern
		ok := false
		if imports != nil {
			ext, ok = imports.Lookup(imp.Module, imp.Name)
		}
		if !ok || ext == nil {
			return &LinkError{Module: imp.Module, Name: imp.Name, Reason: "unknown import"}
		}
		bad := func(format string, args ...any) error {
			return &LinkError{Module: imp.Module, Name: imp.Name, Reason: "incompatible import type", Detail: fmt.Sprintf(format, args...)}
		}
		switch imp.Kind {
		case wasm.ExternFunc:
			f, ok := ext.(*Func)
			if !ok {
				return bad("want a func, have a %s", ext.ExternKind())
			}
			if f.host == nil {
				if st, err := f.runStore(); err != nil || st != s {
					return bad("function belongs to another store, or to an instance this store's Reset discarded")
				}
			}
			want := meta.Types[imp.Type]
			if !f.typ.Equal(want) {
				return bad("want %s, have %s", want, f.typ)
			}
			inst.funcs = append(inst.funcs, f)
		case wasm.ExternTable:
			t, ok := ext.(*Table)
			if !ok {
				return bad("want a table, have a %s", ext.ExternKind())
			}
			if t.owner == nil && !s.useHost(&t.uses) {
				return bad("host table is closed")
			}
			// Ownership first: a stale extern's type reads its descriptor.
			if s.foreign(t.owner, t.epoch, t.desc) {
				return bad("table belongs to another store, or to an instance this store's Reset discarded")
			}
			if tt := t.Type(); tt.Elem != imp.Table.Elem || !limitsMatch(tt.Limits, imp.Table.Limits) {
				return bad("want %v, have %v", imp.Table, tt)
			}
			if t.owner == nil && t.typ.Elem == wasm.FuncRef {
				fresh, ok := s.bindHost(&t.user)
				if !ok {
					return bad("host funcref table is in use by another store (one store at a time: function references are the store's)")
				}
				if fresh {
					s.boundTabs = append(s.boundTabs, t)
				}
			}
			inst.tables = append(inst.tables, t)
		case wasm.ExternMemory:
			m, ok := ext.(*Memory)
			if !ok {
				return bad("want a memory, have a %s", ext.ExternKind())
			}
			if m.owner == nil && !s.useHost(&m.uses) {
				return bad("host memory is closed")
			}
			// Ownership first: a stale extern's type reads its descriptor.
			if s.foreign(m.owner, m.epoch, m.desc) {
				return bad("memory belongs to another store, or to an instance this store's Reset discarded")
			}
			if mt := m.Type(); !limitsMatch(mt.Limits, imp.Mem.Limits) {
				return bad("want %v, have %v", imp.Mem, mt)
			}
			if meta.Bounds == object.BoundsGuard && uint64(m.reserved) < meta.MemReserve+meta.MemGuard {
				return bad("memory reservation of %d bytes is too small for guard-page bounds checks", m.reserved)
			}
			if meta.Bounds == object.BoundsGuard && m.res.low < abi.MemGuardBelow {
				return bad("memory has no guard below its base, which guard-page bounds checks need")
			}
			inst.mems = append(inst.mems, m)
		case wasm.ExternGlobal:
			g, ok := ext.(*Global)
			if !ok {
				return bad("want a global, have a %s", ext.ExternKind())
			}
			if g.owner == nil && !s.useHost(&g.uses) {
				return bad("host global is closed")
			}
			if s.foreign(g.owner, g.epoch, g.cell) {
				return bad("global belongs to another store, or to an instance this store's Reset discarded")
			}
			if g.typ != imp.Global {
				return bad("want %v, have %v", imp.Global, g.typ)
			}
			if g.owner == nil && g.typ.Type == wasm.FuncRef && g.typ.Mutable {
				fresh, ok := s.bindHost(&g.user)
				if !ok {
					return bad("mutable host funcref global is in use by another store (one store at a time: function references are the store's)")
				}
				if fresh {
					s.boundGlobs = append(s.boundGlobs, g)
				}
			}
			inst.globals = append(inst.globals, g)
		default:
			return bad("unknown import kind %d", imp.Kind)
		}
	}
	return nil
}

func (s *Store) instantiate(mod *module, imports Imports) (*Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("execute: instantiate: store is closed")
	}
	meta := mod.meta
	if err := s.checkFuel(meta); err != nil {
		return nil, err
	}
	if s.cfg.Layout == LayoutDense && meta.Bounds == object.BoundsGuard && len(meta.Mems) > 0 {
		return nil, fmt.Errorf("execute: instantiate: the dense layout needs code compiled with explicit bounds checks (lucetc --bounds-checks explicit); this object relies on guard pages")
	}
	// The instance and what most modules define (a table, a memory, a few
	// globals) in one allocation; every other per-instance slice at its
	// final size in one allocation each.
	var blk *instanceBlock
	if !s.inline.blkTaken {
		s.inline.blkTaken = true
		blk = &s.inline.blk
	} else {
		blk = &instanceBlock{}
	}
	inst := &blk.inst
	*inst = Instance{store: s, mod: mod, epoch: s.epoch}
	if n := int(mod.numImported[wasm.ExternFunc]) + len(meta.Funcs); blk != &s.inline.blk {
		inst.funcs = make([]*Func, 0, n)
	} else {
		if cap(s.inline.funcs) < n {
			s.inline.funcs = make([]*Func, 0, n)
		}
		inst.funcs = s.inline.funcs[:0]
	}
	inst.globals = sliceIn(blk.globals[:0], int(mod.numImported[wasm.ExternGlobal])+len(meta.Globals))
	inst.tables = sliceIn(blk.tables[:0], int(mod.numImported[wasm.ExternTable])+len(meta.Tables))
	inst.mems = sliceIn(blk.mems[:0], int(mod.numImported[wasm.ExternMemory])+len(meta.Mems))
	if err := s.resolve(mod, imports, inst); err != nil {
		return nil, err
	}

	nImpF := mod.numImported[wasm.ExternFunc]
	nFuncs := int(nImpF) + len(meta.Funcs)
	nGlobals := len(inst.globals) + len(meta.Globals)
	nTables := len(inst.tables) + len(meta.Tables)
	nMems := len(inst.mems) + len(meta.Mems)

	// One arena block: vmctx | global cell pointers | defined global cells
	// | table desc pointers | defined table descs | FuncRefs | type IDs |
	// defined memory descs.
	off := uintptr(vmctxSize)
	oGlobalPtrs := off
	off += uintptr(nGlobals) * 8
	off = roundUp(off, 16)
	oCells := off
	off += uintptr(len(meta.Globals)) * abi.GlobalCellSize
	oTablePtrs := off
	off += uintptr(nTables) * 8
	off = roundUp(off, 16)
	oTableDescs := off
	off += uintptr(len(meta.Tables)) * 16
	oFuncRefs := off
	off += uintptr(nFuncs) * abi.FuncRefSize
	off = roundUp(off, 16)
	oTypeIDs := off
	off += uintptr(len(meta.Types)) * 8
	off = roundUp(off, 16)
	oMemDescs := off
	off += uintptr(len(meta.Mems)) * 16
	base, err := s.arena.alloc(off)
	if err != nil {
		return nil, err
	}
	vm := base
	inst.vmctx = vm
	inst.funcRefs = base + oFuncRefs

	s.setLimit(vm) // set again by every outermost call
	storePtr(vm+abi.VMExec, s.exec)
	storePtr(vm+abi.VMGlobals, base+oGlobalPtrs)
	storePtr(vm+abi.VMTables, base+oTablePtrs)
	storePtr(vm+abi.VMFuncRefs, base+oFuncRefs)
	storePtr(vm+abi.VMTypeIDs, base+oTypeIDs)
	s.initFuel(vm)
	copy(words(base+oTypeIDs, len(mod.typeIDs)), mod.typeIDs)

	// Function references.
	inst.funcs = inst.funcs[:nFuncs]
	for i := 0; i < int(nImpF); i++ {
		r := inst.funcRefs + uintptr(i)*abi.FuncRefSize
		f := inst.funcs[i]
		if f.host != nil {
			if i >= len(meta.ImportStubs) {
				return nil, fmt.Errorf("execute: object has no host-call stub for import %d", i)
			}
			storePtr(r+abi.FuncRefCode, mod.code+uintptr(meta.ImportStubs[i]))
			storePtr(r+abi.FuncRefVMCtx, vm)
		} else {
			storePtr(r+abi.FuncRefCode, f.code)
			storePtr(r+abi.FuncRefVMCtx, f.vmctx)
		}
		store64(r+abi.FuncRefTypeID, f.typeID)
	}
	// The defined functions' records from the module's prepared image;
	// only the vmctx differs between instances.
	if n := len(mod.defRefs); n > 0 {
		r0 := inst.funcRefs + uintptr(nImpF)*abi.FuncRefSize
		refs := words(r0, n)
		copy(refs, mod.defRefs)
		for k := 1; k < n; k += 3 {
			refs[k] = uint64(vm)
		}
	}

	// Register now: from here on generated code of this instance may run
	// (start, or through a shared table even if instantiation fails later),
	// and its exits must find it.
	s.instances = append(s.instances, inst)
	store64(vm+instanceSlot, uint64(len(s.instances)))
	known := false
	for _, m := range s.modules {
		if m == mod {
			known = true
		}
	}
	if !known {
		if mod.size > 0 && mod.reg == nil {
			if err := registerCode(mod.code, mod.safeStart(), mod.code+mod.size); err != nil {
				s.instances = s.instances[:len(s.instances)-1]
				return nil, err
			}
			s.codes = append(s.codes, [3]uintptr{mod.code, mod.safeStart(), mod.code + mod.size})
		}
		s.modules = append(s.modules, mod)
	}
	s.indexFuncRefs()
	// Appending never changes the elements an older header covers, so
	// readers of the previous header (the ticker, Interrupt) stay valid.
	if old := *s.vmctxs.Load(); len(old) == 0 {
		// The first instance's list lives in the store: no allocation.
		s.inline.vmctx[0] = vm
		s.inline.vmctxs = s.inline.vmctx[:]
		s.vmctxs.Store(&s.inline.vmctxs)
	} else {
		vms := append(old[:len(old):len(old)], vm)
		s.vmctxs.Store(&vms)
	}

	// Globals.
	var gls []Global
	if len(meta.Globals) > 0 {
		gls = sliceIn(blk.gls[:], len(meta.Globals))[:len(meta.Globals)]
	}
	// The cells from the module's image in one copy; only initial values
	// that differ between instances (global.get of an import, ref.func)
	// are evaluated, after it, in order.
	if gi := mod.globImg; gi != nil {
		copy(words(base+oCells, len(gi.cells)), gi.cells)
	}
	for i, g := range meta.Globals {
		cell := base + oCells + uintptr(i)*abi.GlobalCellSize
		gl := &gls[i]
		*gl = Global{typ: g.Type, cell: cell, owner: s, epoch: s.epoch}
		inst.globals = append(inst.globals, gl)
	}
	if gi := mod.globImg; gi != nil {
		for _, i := range gi.dynamic {
			gl := inst.globals[int(mod.numImported[wasm.ExternGlobal])+int(i)]
			v, v128 := inst.eval(meta.Globals[i].Init)
			if gl.typ.Type == wasm.V128 {
				gl.SetV128(v128)
			} else {
				gl.set(v)
			}
		}
	}
	for i, g := range inst.globals {
		storePtr(base+oGlobalPtrs+uintptr(i)*8, g.cell)
	}

	// Tables.
	for i, t := range meta.Tables {
		var into *Table
		if i < len(blk.tab) {
			into = &blk.tab[i]
		}
		tb, err := newTable(t, mod.fixedTab(i), base+oTableDescs+uintptr(i)*16, 0, &s.arena, uint64(s.cfg.MaxTableElements), into, s)
		if err != nil {
			return nil, err
		}
		s.ownedTabs = append(s.ownedTabs, tb)
		inst.tables = append(inst.tables, tb)
	}
	for i, t := range inst.tables {
		storePtr(base+oTablePtrs+uintptr(i)*8, t.desc)
	}

	// Memories.
	var guard uint64
	if meta.Bounds == object.BoundsGuard {
		guard = meta.MemReserve + meta.MemGuard
	}
	for i, mt := range meta.Mems {
		var want *cowImage
		if i == 0 {
			want = mod.cow
		}
		var into *Memory
		if i < len(blk.mem) {
			into = &blk.mem[i]
		}
		m, err := newMemory(mt, base+oMemDescs+uintptr(i)*16, uint64(s.cfg.MaxMemoryPages), guard, s.cfg.Layout, want, into)
		if err != nil {
			return nil, err
		}
		m.owner, m.epoch = s, s.epoch
		s.ownedMems = append(s.ownedMems, m)
		inst.mems = append(inst.mems, m)
	}
	if nMems > 0 {
		m := inst.mems[0]
		storePtr(vm+abi.VMMemDesc, m.desc)
		storePtr(vm+abi.VMMemBase, loadPtr(m.desc+abi.MemDescBase))
		if meta.Bounds == object.BoundsGuard {
			// A fault anywhere in the reservation (past the committed
			// pages, or in the guard below the base) from this
			// instance's code is an out-of-bounds access the code
			// didn't check.
			a := m.res.addr()
			storePtr(vm+vmGuardLo, a-m.res.low)
			storePtr(vm+vmGuardHi, a+m.reserved)
		}
	}

	// Segments: evaluate every element segment, then apply the active
	// ones in order, then the data segments. A trap stops there, keeping
	// what was written before (observable through imported tables and
	// memories).
	// Evaluating an element has no effect and reads nothing a segment
	// writes, so an active segment is evaluated straight into its table
	// (bounds checked first); only passive ones are kept, and an instance
	// of a module without them keeps no segment table.
	for i, el := range meta.Elems {
		if el.Mode == wasm.SegmentPassive {
			if inst.elems == nil {
				inst.elems = make([][]uint64, len(meta.Elems))
			}
			v := make([]uint64, len(el.Init))
			for j, c := range el.Init {
				v[j], _ = inst.eval(c)
			}
			inst.elems[i] = v
		}
	}
	if ti := mod.tabImg; ti != nil {
		// Every active segment fits a table of the module's own with
		// constant offsets and elements: the prepared contents, with the
		// function indices turned into this instance's FuncRef records.
		nImpT := int(mod.numImported[wasm.ExternTable])
		for t, img := range ti.funcs {
			if len(img) == 0 {
				continue
			}
			dst := inst.tables[nImpT+t].elems()[:len(img)]
			for j, f := range img {
				if f != 0 {
					dst[j] = uint64(inst.funcRefs + uintptr(f-1)*abi.FuncRefSize)
				}
			}
		}
	}
	for _, el := range meta.Elems {
		if el.Mode != wasm.SegmentActive || mod.tabImg != nil {
			continue
		}
		o, _ := inst.eval(el.Offset)
		if int(el.Table) >= len(inst.tables) {
			return nil, &Trap{Code: abi.TrapTableOutOfBounds}
		}
		t := inst.tables[el.Table]
		if uint64(uint32(o))+uint64(len(el.Init)) > uint64(t.Len()) {
			return nil, &Trap{Code: abi.TrapTableOutOfBounds}
		}
		dst := t.elems()[uint32(o):]
		for j, c := range el.Init {
			dst[j], _ = inst.eval(c)
		}
	}
	// A complete image is every active segment applied in order (link
	// makes one only when none can trap); the segments are then dropped as
	// the spec drops them after instantiation, and an instance of a module
	// without passive segments keeps no segment table at all (a Go
	// program has tens of thousands of active ones).
	imaged := mod.data != nil && inst.applyImage(mod.data)
	if !imaged && meta.InImage() {
		// The segments' bytes are only in the image (load checked that
		// it is complete and fits memory 0's initial size).
		return nil, fmt.Errorf("execute: data segments are stored in a memory image that memory 0 cannot take")
	}
	if !imaged || mod.passiveData {
		inst.datas = make([][]byte, meta.NumDatas())
		for i, d := range meta.DataSegments() {
			if d.Mode != wasm.SegmentActive || !imaged {
				inst.datas[i] = d.Init
			}
		}
	}
	if !imaged {
		if code := inst.applyDatas(); code != abi.TrapNone {
			return nil, &Trap{Code: code}
		}
	}

	if meta.Start >= 0 {
		f := inst.funcAt(uint32(meta.Start))
		s.mu.Unlock()
		_, err := f.Call()
		s.mu.Lock()
		if err != nil {
			return nil, err
		}
	}
	return inst, nil
}

// applyDatas applies the module's active data segments in order, as the
// spec does when there is no image, with huge pages off while it writes
// (see smallPages).
func (inst *Instance) applyDatas() abi.TrapCode {
	var small []*Memory
	for _, m := range inst.mems {
		if m.smallPages(true) {
			small = append(small, m)
		}
	}
	defer func() {
		for _, m := range small {
			m.smallPages(false)
		}
	}()
	for i, d := range inst.mod.meta.DataSegments() {
		if d.Mode != wasm.SegmentActive {
			continue
		}
		o, _ := inst.eval(d.Offset.Expr())
		if code := inst.memoryInit(d.Mem, uint32(i), uint32(o), 0, uint32(len(d.Init))); code != abi.TrapNone {
			return code
		}
		inst.datas[i] = nil
	}
	return abi.TrapNone
}

// imageEnd is the end of img's extent in memory 0: the largest offset
// past a page's bytes (^0 if one overflows, which fits no memory).
func imageEnd(img *link.DataImage) uint64 {
	var end uint64
	for _, p := range img.Pages {
		e := p.MemOffset + uint64(len(p.Bytes))
		if e < p.MemOffset {
			return ^uint64(0)
		}
		end = max(end, e)
	}
	return end
}

// applyImage copies a complete data image into memory 0, a page at a time
// (one copy per page instead of one per segment: a Go program has tens of
// thousands of small segments). It declines, writing nothing, unless
// memory 0 is the instance's own and holds every page.
func (inst *Instance) applyImage(img *link.DataImage) bool {
	if len(inst.mems) == 0 || len(inst.mod.meta.Mems) == 0 || inst.mod.numImported[wasm.ExternMemory] != 0 {
		return false
	}
	m := inst.mems[0]
	mem := m.raw()
	// One comparison with the extent computed with the module, not a walk
	// of the pages: instantiation costs the same whatever the data's size
	// (a 16 MiB image has 4,096 pages).
	if inst.mod.dataEnd > uint64(len(mem)) {
		return false
	}
	// The image goes in when something can see the memory (the store's
	// next call, or Bytes): an instance made ahead of its request, or made
	// and closed unrun, keeps no page of its memory resident (a dense slot
	// is otherwise untouched until the guest runs), and its slot needs no
	// reset when it is given back. The image is then copied, or, when it
	// is large, mapped copy-on-write (materialize); a reservation already
	// mapping it (fresh, or pooled pristine) needs nothing but the mark.
	// So instantiating costs no system call and no work that grows with
	// the data (BenchmarkInstantiateData16M).
	if c := inst.mod.cow; c != nil && m.imageOf != c && !c.small && c.size <= uintptr(len(mem)) && m.image == 0 {
		m.lazyCOW = c
	}
	m.pending.Store(img)
	inst.store.lazyMems = true
	return true
}

// eval computes a constant expression.
func (inst *Instance) eval(c wasm.ConstExpr) (v uint64, v128 [16]byte) {
	switch c.Op {
	case wasm.OpI32Const:
		v = uint64(uint32(c.Value))
	case wasm.OpI64Const, wasm.OpF64Const:
		v = c.Value
	case wasm.OpF32Const:
		v = uint64(uint32(c.Value))
	case wasm.OpV128Const:
		v128 = c.V128
		v = binary.LittleEndian.Uint64(v128[:])
	case wasm.OpRefNull:
		v = 0
	case wasm.OpRefFunc:
		v = uint64(inst.funcRefs + uintptr(c.Index)*abi.FuncRefSize)
	case wasm.OpGlobalGet:
		g := inst.globals[c.Index]
		v, v128 = g.Get(), g.GetV128()
	}
	return v, v128
}

// funcAt returns the *Func for function index idx, making it on first use.
func (inst *Instance) funcAt(idx uint32) *Func {
	if f := inst.funcs[idx]; f != nil {
		return f
	}
	mod := inst.mod
	def := idx - mod.numImportedFuncs()
	df := &mod.meta.Funcs[def]
	t := mod.meta.Types[df.TypeIndex]
	var f *Func
	if s := inst.store; inst == &s.inline.blk.inst {
		// The store's first instance: its Func objects are kept across
		// Reset (see Store.Reset).
		if s.inline.nfns == len(s.inline.fns) {
			s.inline.fns = append(s.inline.fns, new(Func))
		}
		f = s.inline.fns[s.inline.nfns]
		s.inline.nfns++
	} else {
		f = new(Func)
	}
	*f = Func{
		typ:    t,
		typeID: mod.typeIDs[df.TypeIndex],
		slots:  max(Slots(t.Params), Slots(t.Results)),
		inst:   inst,
		index:  idx,
		name:   df.Name,
		code:   mod.code + uintptr(df.CodeOffset),
		vmctx:  inst.vmctx,
		ref:    inst.funcRefs + uintptr(idx)*abi.FuncRefSize,
	}
	if int(df.TypeIndex) < len(mod.meta.EntryStubs) && mod.meta.EntryStubs[df.TypeIndex] != object.NoStub {
		f.entry = mod.code + uintptr(mod.meta.EntryStubs[df.TypeIndex])
	}
	inst.funcs[idx] = f
	return f
}

// Export returns the export called name.
func (inst *Instance) Export(name string) (Extern, bool) {
	i, ok := inst.mod.exports[name]
	if !ok {
		return nil, false
	}
	e := inst.mod.meta.Exports[i]
	switch e.Kind {
	case wasm.ExternFunc:
		return inst.funcAt(e.Index), true
	case wasm.ExternTable:
		return inst.tables[e.Index], true
	case wasm.ExternMemory:
		return inst.mems[e.Index], true
	case wasm.ExternGlobal:
		return inst.globals[e.Index], true
	}
	return nil, false
}

// Exports lists the instance's exports in module order.
func (inst *Instance) Exports() []wasm.Export { return inst.mod.meta.Exports }

// Func returns the exported function called name, or nil.
func (inst *Instance) Func(name string) *Func {
	e, ok := inst.Export(name)
	if !ok {
		return nil
	}
	f, _ := e.(*Func)
	return f
}

// Memory returns memory 0, or nil.
func (inst *Instance) Memory() *Memory {
	if len(inst.mems) == 0 {
		return nil
	}
	return inst.mems[0]
}

// Meta returns the instance's module metadata.
func (inst *Instance) Meta() *object.Meta { return inst.mod.meta }
