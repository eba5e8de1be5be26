package execute

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Extern is something an instance imports or exports: *Func, *Global,
// *Memory or *Table.
type Extern interface {
	ExternKind() wasm.ExternKind
}

// Imports resolves a module's imports.
type Imports interface {
	Lookup(module, name string) (Extern, bool)
}

// ImportMap is the plain Imports: module name, then field name.
type ImportMap map[string]map[string]Extern

// Lookup implements Imports.
func (m ImportMap) Lookup(module, name string) (Extern, bool) {
	e, ok := m[module][name]
	return e, ok
}

// HostFunc is a function written in Go. stack holds the parameters on entry
// (i32 in the low 32 bits, floats as bits, references as opaque values) and
// receives the results from stack[0]; len(stack) >= max(params, results).
// A non-nil error aborts the guest call and is returned by Call unchanged.
type HostFunc func(c *Caller, stack []uint64) error

// Func is a function: defined by an instance, or by the host.
type Func struct {
	typ    wasm.FuncType
	typeID uint64
	slots  int // max(params, results)

	host HostFunc

	// Guest functions.
	inst  *Instance
	index uint32
	name  string
	code  uintptr
	entry uintptr // entry stub for the function's type, 0 if none
	vmctx uintptr
	ref   uintptr // a FuncRef record describing the function
}

// NewHostFunc makes a Go function callable from guests as an import.
func NewHostFunc(t wasm.FuncType, fn func(c *Caller, stack []uint64) error) *Func {
	if fn == nil {
		panic("execute: NewHostFunc with a nil function")
	}
	return &Func{typ: t, typeID: TypeID(t), slots: max(Slots(t.Params), Slots(t.Results)), host: fn}
}

// ExternKind implements Extern.
func (f *Func) ExternKind() wasm.ExternKind { return wasm.ExternFunc }

// Type returns the function's signature.
func (f *Func) Type() wasm.FuncType { return f.typ }

// Name is the function's symbol name ("" for host functions).
func (f *Func) Name() string { return f.name }

// Call runs the function. Arguments and results are 64-bit slots: i32 in
// the low 32 bits, f32/f64 as bit patterns, references as opaque values
// (0 = null). A trap is returned as *Trap; an error from a host function is
// returned as it is.
func (f *Func) Call(args ...uint64) ([]uint64, error) {
	if len(args) != Slots(f.typ.Params) {
		return nil, fmt.Errorf("execute: call %s: %d arguments for %s", f.describe(), len(args), f.typ)
	}
	if f.host != nil {
		stack := make([]uint64, max(f.slots, 1))
		copy(stack, args)
		if err := f.host(&Caller{}, stack); err != nil {
			return nil, err
		}
		return append([]uint64(nil), stack[:Slots(f.typ.Results)]...), nil
	}
	st, err := f.runStore()
	if err != nil {
		return nil, err
	}
	return st.call(nil, f, args, nil)
}

// errStaleFunc is the error of a call through a Func of an instance that
// Store.Reset did away with. Using a store's externs past its Reset is
// the embedder's error (package lucet checks a generation on every
// handle), but it must be refused: not a nil dereference in the host (a
// Func of the store's first instance, which Reset zeroes for the next
// tenant), nor, for any other instance's Func, a call that runs the old
// code on the vmctx the next tenant's instance has since been given in
// the same arena, reading and writing that tenant's memory
// (TestStaleFuncAfterReset).
var errStaleFunc = errors.New("execute: call of a function whose store was reset")

// runStore is the store guest function f runs in.
func (f *Func) runStore() (*Store, error) {
	inst := f.inst
	if inst == nil || inst.store == nil || inst.epoch != inst.store.epoch {
		return nil, errStaleFunc
	}
	return inst.store, nil
}

// CallInto is Call without allocating: stack holds the arguments on entry
// and receives the results from stack[0]; len(stack) must be at least
// max(params, results).
func (f *Func) CallInto(stack []uint64) error {
	if len(stack) < f.slots {
		return fmt.Errorf("execute: call %s: stack of %d slots for %s", f.describe(), len(stack), f.typ)
	}
	if f.host != nil {
		return f.host(&Caller{}, stack)
	}
	st, err := f.runStore()
	if err != nil {
		return err
	}
	_, err = st.call(nil, f, stack[:Slots(f.typ.Params)], stack)
	return err
}

// CallContext is Call, ending the call with TrapInterrupt if ctx is done
// before it returns (host functions see Caller.Done closed).
func (f *Func) CallContext(ctx context.Context, args ...uint64) ([]uint64, error) {
	if f.host != nil || ctx.Done() == nil {
		return f.Call(args...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(args) != Slots(f.typ.Params) {
		return nil, fmt.Errorf("execute: call %s: %d arguments for %s", f.describe(), len(args), f.typ)
	}
	st, err := f.runStore()
	if err != nil {
		return nil, err
	}
	return st.call(ctx, f, args, nil)
}

func (f *Func) describe() string {
	if f.name != "" {
		return f.name
	}
	if f.host != nil {
		return "host function"
	}
	return fmt.Sprintf("func %d", f.index)
}

// Caller is what a host function sees of the guest that called it.
type Caller struct {
	inst *Instance
}

// Data returns the calling store's Data (see Store.SetData).
func (c *Caller) Data() any {
	if c == nil || c.inst == nil {
		return nil
	}
	return c.inst.store.data
}

// Memory returns the calling instance's memory 0, or nil if it has none.
// The slice is valid until the guest grows the memory.
func (c *Caller) Memory() []byte {
	if c == nil || c.inst == nil || len(c.inst.mems) == 0 {
		return nil
	}
	return c.inst.mems[0].Bytes()
}

// Done is closed when the guest call this host function serves is
// cancelled (Config.Timeout, Func.CallContext, Store.Kill; every call can
// be killed). A host function that blocks (sleeps, waits for input) should
// select on it and return Err. It is nil, never ready, only for a Caller
// that serves no guest call (a host function called directly from Go).
// The channel is made on first use and reused by later calls until one is
// killed, so asking costs a lock and, once per store, an allocation; it
// speaks for this call only while the host function runs.
func (c *Caller) Done() <-chan struct{} {
	if c == nil || c.inst == nil {
		return nil
	}
	return c.inst.store.doneChan()
}

// Err is the trap to return from a host function once Done is closed.
func (c *Caller) Err() error {
	select {
	case <-c.Done():
		return &Trap{Code: abi.TrapInterrupt}
	default:
		return nil
	}
}

// Instance returns the calling instance (nil when the function is called
// directly from Go).
func (c *Caller) Instance() *Instance {
	if c == nil {
		return nil
	}
	return c.inst
}

// Global is a global variable: a 16-byte cell outside the Go heap that
// generated code reads and writes directly.
type Global struct {
	typ   wasm.GlobalType
	cell  uintptr
	owner *Store // nil for host globals
	epoch uint64 // owner's epoch when made (see Store.foreign)
	// user is, for a mutable funcref host global, the store that
	// imported it (see Store.bindHost).
	user atomic.Pointer[Store]
	uses hostUses // for a host global
}

// hostUses counts, for a host extern, the imports of it by stores not yet
// reset or closed, or is closedUses once the extern is closed: a host
// extern's cells go back to hostArena only when no store's instance can
// reach them.
type hostUses struct{ n atomic.Int64 }

const closedUses = -1

// acquire counts an import, or reports false for a closed extern.
func (u *hostUses) acquire() bool {
	for {
		n := u.n.Load()
		if n < 0 {
			return false
		}
		if u.n.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// useHost counts an import of a host extern by s, given back when s is
// reset or closed (release), or reports false for a closed extern.
func (s *Store) useHost(u *hostUses) bool {
	if !u.acquire() {
		return false
	}
	s.hostUses = append(s.hostUses, u)
	return true
}

// close marks the extern closed if nothing uses it. already reports an
// extern closed before; err one in use.
func (u *hostUses) close(what string) (already bool, err error) {
	if u.n.CompareAndSwap(0, closedUses) {
		return false, nil
	}
	if u.n.Load() == closedUses {
		return true, nil
	}
	return false, fmt.Errorf("execute: close: the %s is imported by instances of a store not yet reset or closed", what)
}

// NewGlobal makes a host global with initial value v. A funcref global's
// must be null (no store imports it yet; see Set): it panics otherwise.
func NewGlobal(t wasm.GlobalType, v uint64) *Global {
	if t.Type == wasm.FuncRef && v != 0 {
		panic(errForeignRef)
	}
	cell, err := hostArena.alloc(abi.GlobalCellSize)
	if err != nil {
		panic(err) // 64 KiB anonymous mapping failed: the process is out of address space
	}
	g := &Global{typ: t, cell: cell}
	g.Set(v)
	// Unreachable, no store's instance can use it: its cell is free.
	runtime.SetFinalizer(g, func(g *Global) { hostArena.release(g.cell, abi.GlobalCellSize) })
	return g
}

// Close gives back the cell of a host global (NewGlobal), for the next
// one: an embedder that makes globals per request and closes them uses
// no more memory over time. It fails while an instance of a store not yet
// reset or closed imports the global; after it, the global cannot be
// imported, and Get and Set panic. Closing a closed global does nothing.
// A global no longer reachable is freed without Close.
func (g *Global) Close() error {
	if g.owner != nil {
		return errors.New("execute: close: not a host global (an instance's globals go with its store)")
	}
	if already, err := g.uses.close("global"); already || err != nil {
		return err
	}
	runtime.SetFinalizer(g, nil)
	hostArena.release(g.cell, abi.GlobalCellSize)
	g.cell = 0
	return nil
}

// ExternKind implements Extern.
func (g *Global) ExternKind() wasm.ExternKind { return wasm.ExternGlobal }

// Type returns the global's type.
func (g *Global) Type() wasm.GlobalType { return g.typ }

// errStaleExtern is the panic of a Get or Set of a global that a
// Store.Reset discarded: its cell is arena memory the next tenant has been
// given (TestStaleExternUse).
const errStaleExtern = "execute: use of a global of an instance its store's Reset discarded, or of a closed host global"

// errForeignRef is the panic of a Set of a funcref global to a value that
// is not a function reference of its store (see Table.Set).
const errForeignRef = "execute: a funcref global set to a value that is not null or a function reference of its store"

// stale says whether g belongs to an instance its store's Reset
// discarded (see Store.foreign).
func (g *Global) stale() bool { return g.owner != nil && g.epoch != g.owner.epoch || g.cell == 0 }

// Get returns the value (the low 64 bits of a v128). It panics for a
// global of an instance its store's Reset discarded.
func (g *Global) Get() uint64 {
	if g.stale() {
		panic(errStaleExtern)
	}
	return load64(g.cell)
}

// Set stores v; i32 and f32 values are kept zero-extended. It panics for
// a global of an instance its store's Reset discarded, and for a funcref
// global, a value other than null or a function reference of its store
// (its owner's, or for a mutable host global the store that imports it;
// so a host funcref global is made null): a raw value from another store
// would let this store's guests call into that store's instance, or once
// it is closed, into its freed arena.
func (g *Global) Set(v uint64) {
	if v != 0 && g.typ.Type == wasm.FuncRef && !g.stale() {
		s := g.owner
		if s == nil {
			s = g.user.Load()
		}
		if s == nil || !s.ownsFuncRef(uintptr(v)) {
			panic(errForeignRef)
		}
	}
	g.set(v)
}

// set is Set for the runtime: v comes from the module or its code.
func (g *Global) set(v uint64) {
	if g.stale() {
		panic(errStaleExtern)
	}
	if g.typ.Type == wasm.I32 || g.typ.Type == wasm.F32 {
		v = uint64(uint32(v))
	}
	store64(g.cell, v)
	store64(g.cell+8, 0)
}

// GetV128 returns the 16 bytes of the cell.
func (g *Global) GetV128() (v [16]byte) {
	if g.stale() {
		panic(errStaleExtern)
	}
	copy(v[:], bytesAt(g.cell, 16))
	return v
}

// SetV128 stores 16 bytes.
func (g *Global) SetV128(v [16]byte) {
	if g.stale() {
		panic(errStaleExtern)
	}
	copy(bytesAt(g.cell, 16), v[:])
}

// Memory is a linear memory. Its maximum size (plus guard, if any) is
// reserved when it is created, so Base never moves and growing is an
// mprotect.
type Memory struct {
	typ      wasm.MemType
	desc     uintptr // *abi.MemoryDesc
	res      *region
	maxPages uint64 // growth limit: type max, store cap, reservation
	reserved uintptr
	dense    bool      // a slot of a dense region (read-write throughout; res is not a mapping of its own)
	warm     uint32    // bytes of the dense slot an earlier tenant left resident (cleared), as densePool.get said (beside dense: no room taken)
	image    uintptr   // bytes at the start mapped from imageOf
	imageOf  *cowImage // mapped pristine when the memory was made
	slot     region    // what res points at: the dense slot, or the reservation made for this memory
	owner    *Store    // nil for host memories
	epoch    uint64    // owner's epoch when made (see Store.foreign)
	uses     hostUses  // for a host memory

	// pending is the data image not yet copied in (see
	// Instance.applyImage): copied by the first Bytes or the first call
	// into the owning store, whichever comes first, so an instance that
	// is made but not yet run keeps none of its memory resident.
	pending   atomic.Pointer[link.DataImage]
	pendingMu sync.Mutex
	// lazyCOW is the module's large copy-on-write image, mapped over the
	// memory by materialize instead of the pending image being copied;
	// while pending, a memory given back unseen needs no reset. Guarded
	// like pending.
	lazyCOW *cowImage
}

// hostMemReserve is what host memories reserve: the default BoundsGuard
// reservation and guard of lucetc (4 GiB + 2 GiB), with room to spare.
const hostMemReserve = 8 << 30

// NewMemory makes a host memory of t.Limits.Min pages.
func NewMemory(t wasm.MemType) (*Memory, error) {
	desc, err := hostArena.alloc(16)
	if err != nil {
		return nil, err
	}
	// Reserve enough for code compiled with guard-page bounds checks to
	// import it (address space only: nothing is committed).
	m, err := newMemory(t, desc, abi.MaxMemPages, hostMemReserve, LayoutGuard, nil, nil)
	if err != nil {
		return nil, err
	}
	// Host memories belong to no store; the reservation and descriptor go
	// when the last instance importing it (which holds the *Memory) is gone.
	runtime.SetFinalizer(m, func(m *Memory) {
		m.res.free()
		hostArena.release(m.desc, 16)
	})
	return m, nil
}

// newMemory reserves the memory. capPages bounds growth (Config.MaxMemoryPages);
// guard > 0 asks for a reservation of at least guard bytes (BoundsGuard).
// LayoutDense takes a slot of capPages pages from the dense region. A
// pooled reservation that maps want is preferred; one mapping another
// image gets anonymous memory back over it first.
// The Memory is built in into when it is not nil.
func newMemory(t wasm.MemType, desc uintptr, capPages uint64, guard uint64, layout Layout, want *cowImage, into *Memory) (*Memory, error) {
	if into == nil {
		into = new(Memory)
	}
	// Never past abi.MaxMemPages, whatever the caller's cap: compiled
	// code folds address constants on that promise.
	maxPages := uint64(abi.MaxMemPages)
	if t.Limits.HasMax && t.Limits.Max < maxPages {
		maxPages = t.Limits.Max
	}
	if capPages < maxPages {
		maxPages = capPages
	}
	if t.Limits.Min > maxPages {
		return nil, fmt.Errorf("execute: memory of %d pages exceeds the limit of %d pages", t.Limits.Min, maxPages)
	}
	if layout == LayoutDense {
		size := roundUp(uintptr(capPages)*wasm.PageSize, pageSize)
		if size == 0 {
			size = pageSize
		}
		a, warm, err := densePoolFor(size).get()
		if err != nil {
			return nil, err
		}
		m := into
		*m = Memory{typ: t, desc: desc, slot: region{mem: bytesAt(a, int(size))}, maxPages: maxPages, reserved: size, dense: true, warm: uint32(warm)}
		m.res = &m.slot
		storePtr(desc+abi.MemDescBase, a)
		store64(desc+abi.MemDescLen, t.Limits.Min*wasm.PageSize)
		return m, nil
	}
	size := uintptr(maxPages) * wasm.PageSize
	if uintptr(guard) > size {
		size = uintptr(guard)
	}
	if size == 0 {
		size = pageSize
	}
	size = roundUp(size, pageSize)
	res, committed, img, err := getMemRegion(size, want)
	if err != nil {
		return nil, err
	}
	m := into
	*m = Memory{typ: t, desc: desc, slot: res, maxPages: maxPages, reserved: size}
	m.res = &m.slot
	n := uintptr(t.Limits.Min) * wasm.PageSize
	if img != nil && img.size > n {
		if err := unmapImage(res.addr(), min(img.size, committed)); err != nil {
			res.free()
			return nil, err
		}
		img = nil
	}
	if img == nil && committed == 0 && want != nil && want.size <= n {
		// A fresh reservation: the image's pages are mapped where
		// mprotect would have committed them, so nothing is touched
		// (see cowImage).
		if err := want.mapInto(res.addr()); err == nil {
			img, committed = want, want.size
		}
	}
	if img != nil {
		m.image, m.imageOf = img.size, img
	}
	switch {
	case committed < n:
		err = res.protect(committed, n-committed, unix.PROT_READ|unix.PROT_WRITE)
	case committed > n:
		// A pooled reservation committed further: what lies past the
		// new length must fault again (guard-page bounds checks).
		err = res.protect(n, committed-n, unix.PROT_NONE)
	}
	if err != nil {
		res.free()
		return nil, err
	}
	m.adviseHuge(0, n)
	storePtr(desc+abi.MemDescBase, res.addr())
	store64(desc+abi.MemDescLen, uint64(n))
	return m, nil
}

// ExternKind implements Extern.
func (m *Memory) ExternKind() wasm.ExternKind { return wasm.ExternMemory }

// Type returns the memory's type with its current size as the minimum, as
// import matching uses it.
func (m *Memory) Type() wasm.MemType {
	t := m.typ
	t.Limits.Min = uint64(m.Pages())
	return t
}

// Pages is the current size in pages; 0 for a memory of an instance its
// store's Reset discarded.
func (m *Memory) Pages() uint32 {
	if m.stale() {
		return 0
	}
	return uint32(load64(m.desc+abi.MemDescLen) / wasm.PageSize)
}

// stale says whether m belongs to an instance its store's Reset
// discarded: its descriptor is arena memory the next tenant has been
// given, and its reservation may be that tenant's memory.
func (m *Memory) stale() bool { return m.owner != nil && m.epoch != m.owner.epoch || m.desc == 0 }

// Close gives back a host memory (NewMemory): its reservation and its
// descriptor, now rather than when the garbage collector finds the Memory
// unreachable. It fails while an instance of a store not yet reset or
// closed imports the memory; after it, the memory cannot be imported, has
// no pages and does not grow, and slices Bytes returned must not be used.
// Closing a closed memory does nothing.
func (m *Memory) Close() error {
	if m.owner != nil {
		return errors.New("execute: close: not a host memory (an instance's memories go with its store)")
	}
	if already, err := m.uses.close("memory"); already || err != nil {
		return err
	}
	runtime.SetFinalizer(m, nil)
	m.res.free()
	hostArena.release(m.desc, 16)
	m.desc = 0
	return nil
}

// Bytes returns the memory's current contents (valid until it grows); nil
// for a memory of an instance its store's Reset discarded.
func (m *Memory) Bytes() []byte {
	if m.stale() {
		return nil
	}
	if m.pending.Load() != nil {
		m.materialize()
	}
	return m.raw()
}

// materialize copies the pending data image in, once, whoever asks
// first: a caller that finds it being copied waits for the copy.
func (m *Memory) materialize() {
	m.pendingMu.Lock()
	defer m.pendingMu.Unlock()
	img := m.pending.Load()
	if img == nil {
		return
	}
	switch c := m.lazyCOW; {
	case c != nil:
		m.lazyCOW = nil
		if c.mapInto(m.res.addr()) == nil {
			m.image, m.imageOf = c.size, c
			m.pending.Store(nil)
			return
		}
		// Out of mappings: copy it instead.
	case m.imageOf != nil:
		// The image is mapped, pristine, since the memory was made.
		m.pending.Store(nil)
		return
	}
	mem := m.raw()
	for _, p := range img.Pages {
		copy(mem[p.MemOffset:], p.Bytes)
	}
	m.pending.Store(nil)
}

// raw is Bytes without the pending image: for the runtime's own use
// where nothing reads or writes the contents.
func (m *Memory) raw() []byte {
	n := load64(m.desc + abi.MemDescLen)
	if n == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(ptr(loadPtr(m.desc+abi.MemDescBase))), n)
}

// Grow adds pages, returning the old size, or ok=false when the maximum or
// the runtime's cap would be exceeded.
func (m *Memory) Grow(pages uint32) (old uint32, ok bool) {
	if m.stale() {
		return 0, false
	}
	cur := load64(m.desc + abi.MemDescLen)
	old = uint32(cur / wasm.PageSize)
	nw := uint64(old) + uint64(pages)
	if nw > m.maxPages {
		return old, false
	}
	if pages == 0 {
		return old, true
	}
	n := uintptr(nw) * wasm.PageSize
	if !m.dense {
		if err := m.res.protect(uintptr(cur), n-uintptr(cur), unix.PROT_READ|unix.PROT_WRITE); err != nil {
			return old, false
		}
		m.adviseHuge(uintptr(cur), n)
		m.collapseHuge(uintptr(cur), n)
	}
	atomic.StoreUint64((*uint64)(ptr(m.desc+abi.MemDescLen)), uint64(n))
	return old, true
}

// MaxTableElems bounds every table's reservation (8 bytes an element),
// and Config.MaxTableElements.
const MaxTableElems = 1 << 24

// Table is a table of references. Elements live outside the Go heap: in
// an arena, or in a reservation of their own. A store's growable table
// starts in the store's arena and moves when it grows past its room
// (Table.move), so generated code and the runtime read the elements'
// address from the descriptor at every access and never keep it.
// A store's Table is used from the goroutine that runs the store's calls,
// as its instances are: a Grow or Set from another goroutine while a
// call runs is a data race, and may write into the block the table just
// left.
type Table struct {
	typ    wasm.TableType
	desc   uintptr // *abi.TableDesc
	res    *region // nil when the elements live in an arena
	maxLen uint64
	room   uint64 // elements the current block holds (maxLen once reserved)
	ar     *arena // the owner's arena, where a move may find a larger block; nil for host tables
	owner  *Store // nil for host tables
	epoch  uint64 // owner's epoch when made (see Store.foreign)
	// user is, for a funcref host table, the store that imported it (see
	// Store.bindHost).
	user atomic.Pointer[Store]
	uses hostUses // for a host table
}

// NewTable makes a host table of t.Limits.Min elements set to init.
//
// A funcref table's init must be null: no store imports the table yet, so
// no function reference can be its (see Set).
func NewTable(t wasm.TableType, init uint64) (*Table, error) {
	if t.Elem == wasm.FuncRef && init != 0 {
		return nil, errors.New("execute: a new host funcref table's elements must be null (a function reference belongs to a store; see Table.Set)")
	}
	desc, err := hostArena.alloc(16)
	if err != nil {
		return nil, err
	}
	tb, err := newTable(t, false, desc, init, nil, MaxTableElems, nil, nil)
	if err != nil {
		hostArena.release(desc, 16)
		return nil, err
	}
	// Unreachable, no store's instance can use it (each holds the *Table).
	runtime.SetFinalizer(tb, (*Table).freeHost)
	return tb, nil
}

// Close gives back the memory of a host table (NewTable): its descriptor,
// and its elements (a small table's block, or a large one's reservation),
// for the next one: an embedder that makes tables per request and closes
// them uses no more memory over time (up to 4 KiB a table grew without
// bound). It fails while an instance of a store not yet reset or closed
// imports the table; after it, the table cannot be imported and has no
// elements. Closing a closed table does nothing. A table no longer
// reachable is freed without Close.
func (t *Table) Close() error {
	if t.owner != nil {
		return errors.New("execute: close: not a host table (an instance's tables go with its store)")
	}
	if already, err := t.uses.close("table"); already || err != nil {
		return err
	}
	runtime.SetFinalizer(t, nil)
	t.freeHost()
	t.desc = 0
	return nil
}

// freeHost gives back a host table's descriptor and elements.
func (t *Table) freeHost() {
	if t.res != nil {
		t.res.free()
		releaseTableRegion(nil)
	} else {
		hostArena.release(loadPtr(t.desc+abi.TableDescElems), uintptr(max(t.maxLen, 1))*8)
	}
	hostArena.release(t.desc, 16)
}

// smallTableBytes bounds the tables whose elements live in the arena,
// sized to their maximum up front, whatever else is known of them: most C
// and Rust modules have one small table of fixed size, and a reservation
// would cost every instance a mapping. It is also the most a host table
// (NewTable) holds in hostArena.
const smallTableBytes = 4 << 10

// fixedTableBytes bounds the elements a store's table keeps in the
// store's arena, the arena's largest chunk class. A table that never
// changes size (object.Meta.FixedTables, or a minimum that is its
// maximum or the store's table limit) is sized to its minimum: a Go
// program's table has no maximum but never grows (6,447 elements in a
// 3.9 MB module), and a reservation of its own would cost every instance
// two mappings of the process's vm.max_map_count and a 128 MiB
// reservation. A growable one is given some room and moves (Table.move)
// to a larger block, then to a reservation, only when it grows past it:
// an exported or growable table of a few thousand elements took a
// reservation per instance, and the process's budget of them
// (tableregions.go) stopped it at 8,191 live instances.
const fixedTableBytes = 256 << 10

// minTableRoom is the least room a growable table is given in the arena.
const minTableRoom = 64

// tableRoom is the elements of the arena block for a table of n
// elements growable to maxLen, want if it may (at least n, at most
// maxLen and fixedTableBytes); 0 when n elements do not fit the arena.
func tableRoom(n, maxLen, want uint64) uint64 {
	const most = fixedTableBytes / 8
	if n > most {
		return 0
	}
	return min(maxLen, most, max(want, n))
}

// newTable makes a table. fixed says that it never changes size
// (object.Meta.FixedTables: only ever lowers the bound). capElems bounds
// growth (Config.MaxTableElements). owner, the store whose instance
// defines the table (nil for a host table), counts its elements against
// the store's budget (see Table.Grow), and its arena ar holds the
// elements while they fit; ar nil is hostArena (a host table).
// The Table is built in into when it is not nil.
func newTable(t wasm.TableType, fixed bool, desc uintptr, init uint64, ar *arena, capElems uint64, into *Table, owner *Store) (*Table, error) {
	maxLen := min(uint64(MaxTableElems), capElems)
	if t.Limits.HasMax && t.Limits.Max < maxLen {
		maxLen = t.Limits.Max
	}
	if t.Limits.Min > maxLen {
		return nil, fmt.Errorf("execute: table of %d elements exceeds the limit of %d", t.Limits.Min, maxLen)
	}
	if owner != nil && owner.tableElems+t.Limits.Min > uint64(owner.cfg.MaxTableElements) {
		return nil, fmt.Errorf("execute: table of %d elements: the store's tables would hold more than the limit of %d elements", t.Limits.Min, owner.cfg.MaxTableElements)
	}
	if fixed {
		maxLen = t.Limits.Min
	}
	if into == nil {
		into = new(Table)
	}
	tb := into
	*tb = Table{typ: t, desc: desc, maxLen: maxLen, owner: owner, ar: ar}
	if owner != nil {
		tb.epoch = owner.epoch
	}
	room := maxLen
	if maxLen*8 > smallTableBytes {
		room = 0
		if ar != nil {
			n := t.Limits.Min
			room = tableRoom(n, maxLen, n+max(n/8, minTableRoom))
		}
	}
	if room != 0 || maxLen == 0 {
		alloc := hostArena.alloc
		if ar != nil {
			alloc = ar.alloc
		}
		elems, err := alloc(uintptr(max(room, 1)) * 8)
		if err != nil {
			return nil, err
		}
		tb.room = room
		storePtr(desc+abi.TableDescElems, elems)
	} else {
		if err := tb.reserve(); err != nil {
			return nil, err
		}
		storePtr(desc+abi.TableDescElems, tb.res.addr())
	}
	store64(desc+abi.TableDescLen, 0)
	if _, ok := tb.grow(uint32(t.Limits.Min), init); !ok {
		if tb.res != nil {
			tb.res.free()
			releaseTableRegion(owner)
		}
		return nil, fmt.Errorf("execute: table of %d elements: cannot commit", t.Limits.Min)
	}
	return tb, nil
}

// reserve gives the table a reservation of its own for maxLen elements,
// counted against the process's and the owner's budgets.
func (t *Table) reserve() error {
	owner := t.owner
	if !acquireTableRegion(owner) {
		if owner != nil && owner.tableRegions >= storeTableRegions() {
			return fmt.Errorf("execute: table of %d elements: the store's tables already hold %d reservations, the most one store may", t.typ.Limits.Min, owner.tableRegions)
		}
		// The way out for a host holding many instances: a table
		// limit small enough for the arena (fixedTableBytes).
		return fmt.Errorf("execute: table of %d elements: the process's tables already hold %d reservations, the most vm.max_map_count leaves them (a table limit of at most %d elements keeps tables in the store's memory)", t.typ.Limits.Min, tableRegionLimit(), fixedTableBytes/8)
	}
	// Pooled like memories; pages a previous table committed stay
	// read-write (tables are always bounds-checked) and read as zeros.
	res, _, _, err := getMemRegion(roundUp(uintptr(t.maxLen)*8, pageSize), nil)
	if err != nil {
		releaseTableRegion(owner)
		return err
	}
	t.res, t.room = &res, t.maxLen
	return nil
}

// ExternKind implements Extern.
func (t *Table) ExternKind() wasm.ExternKind { return wasm.ExternTable }

// Type returns the table's type with its current size as the minimum.
func (t *Table) Type() wasm.TableType {
	tt := t.typ
	tt.Limits.Min = uint64(t.Len())
	return tt
}

// stale says whether t belongs to an instance its store's Reset
// discarded (its descriptor is arena memory the next tenant has been
// given) or was closed.
func (t *Table) stale() bool { return t.owner != nil && t.epoch != t.owner.epoch || t.desc == 0 }

// Len is the current number of elements; 0 for a table of an instance its
// store's Reset discarded (whose descriptor is arena memory the next
// tenant has been given), so that Get and Set refuse every index.
func (t *Table) Len() uint32 {
	if t.stale() {
		return 0
	}
	return uint32(load64(t.desc + abi.TableDescLen))
}

func (t *Table) elems() []uint64 {
	n := t.Len()
	if n == 0 {
		return nil
	}
	return words(loadPtr(t.desc+abi.TableDescElems), int(n))
}

// Get returns element i (a FuncRef address for funcref tables, the host's
// value for externref tables; 0 = null). ok is false out of range.
func (t *Table) Get(i uint32) (v uint64, ok bool) {
	if i >= t.Len() {
		return 0, false
	}
	return t.elems()[i], true
}

// Set stores element i. For a funcref table, v must be null or a function
// reference of the table's store (its owner's, or for a host table the
// store that imports it): a raw value from another store would let this
// store's guests call into that store's instance, or once it is closed,
// into its freed arena. Set refuses anything else, returning false.
func (t *Table) Set(i uint32, v uint64) bool {
	if !t.validRef(v) {
		return false
	}
	return t.set(i, v)
}

// set is Set for the runtime (table.set): v comes from the guest's code.
func (t *Table) set(i uint32, v uint64) bool {
	if i >= t.Len() {
		return false
	}
	t.elems()[i] = v
	return true
}

// validRef says whether v may be stored in t by the host: anything in an
// externref table; in a funcref table null or a FuncRef record of a live
// instance of the table's store (none for a host table no store imports).
func (t *Table) validRef(v uint64) bool {
	if v == 0 || t.typ.Elem != wasm.FuncRef {
		return true
	}
	s := t.owner
	if s == nil {
		s = t.user.Load()
	}
	return s != nil && s.ownsFuncRef(uintptr(v))
}

// Grow appends n elements set to init, returning the old length. init
// is held to what Set allows.
func (t *Table) Grow(n uint32, init uint64) (old uint32, ok bool) {
	if !t.validRef(init) {
		return uint32(t.Len()), false
	}
	return t.grow(n, init)
}

// grow is Grow for the runtime: init comes from the module or its code.
func (t *Table) grow(n uint32, init uint64) (old uint32, ok bool) {
	if t.stale() {
		return 0, false
	}
	cur := load64(t.desc + abi.TableDescLen)
	old = uint32(cur)
	nw := cur + uint64(n)
	if nw > t.maxLen {
		return old, false
	}
	// A store's tables share one budget: the limit per table alone let
	// a 6 KB module of 1,000 tables of 10 million elements commit 80 GB.
	if s := t.owner; s != nil && s.tableElems+uint64(n) > uint64(s.cfg.MaxTableElements) {
		return old, false
	}
	if n == 0 {
		return old, true
	}
	if nw > t.room && !t.move(nw) {
		return old, false
	}
	base := loadPtr(t.desc + abi.TableDescElems)
	if t.res != nil {
		// Commit whole pages covering the new elements.
		from := roundUp(uintptr(cur)*8, pageSize)
		to := roundUp(uintptr(nw)*8, pageSize)
		if to > from {
			if err := t.res.protect(from, to-from, unix.PROT_READ|unix.PROT_WRITE); err != nil {
				return old, false
			}
		}
	}
	// Elements past the length are zero (null): a reservation's pages
	// come fresh or from the pool, scrubbed (getMemRegion), an arena's
	// blocks are handed out zeroed, and nothing writes past the length.
	// Writing the nulls anyway committed every page: a 40-byte module
	// with a table of 10 million elements cost each instance 76 MiB of
	// resident memory and 58 ms.
	if init != 0 {
		e := words(base, int(nw))
		for i := cur; i < nw; i++ {
			e[i] = init
		}
	}
	atomic.StoreUint64((*uint64)(ptr(t.desc+abi.TableDescLen)), nw)
	if t.owner != nil {
		t.owner.tableElems += uint64(n)
	}
	return old, true
}

// move gives a store's table a block of at least nw elements, in the
// owner's arena while they fit (with room to grow again: twice nw), else
// a reservation, and copies the elements there. Every reader takes the
// address from the descriptor at each access: generated code
// (table.get/set, call_indirect), the builtins, Table's methods, and the
// store's importing instances, which share the descriptor; no other
// store can import the table (Store.foreign), and the store runs on one
// goroutine at a time, so nothing reads the old block afterwards. It
// stays in the arena, as it was, until the store is reset or closed.
// Host tables never move: one may be imported by many stores running at
// once (an externref table), and a reader there could still hold the old
// block's address. move fails (the grow returns -1, as the spec lets any
// growth fail) for a host table, and when the reservation budgets
// (tableregions.go) are spent.
func (t *Table) move(nw uint64) bool {
	if t.ar == nil || t.res != nil {
		return false
	}
	cur := load64(t.desc + abi.TableDescLen)
	var to uintptr
	if room := tableRoom(nw, t.maxLen, 2*nw); room != 0 {
		a, err := t.ar.alloc(uintptr(room) * 8)
		if err != nil {
			return false
		}
		to, t.room = a, room
	} else {
		room := t.room
		if t.reserve() != nil {
			return false
		}
		if n := roundUp(uintptr(cur)*8, pageSize); n > 0 {
			if err := t.res.protect(0, n, unix.PROT_READ|unix.PROT_WRITE); err != nil {
				t.res.free()
				t.res, t.room = nil, room
				releaseTableRegion(t.owner)
				return false
			}
		}
		to = t.res.addr()
	}
	copy(words(to, int(cur)), words(loadPtr(t.desc+abi.TableDescElems), int(cur)))
	atomic.StoreUintptr((*uintptr)(ptr(t.desc+abi.TableDescElems)), to)
	return true
}
