package execute

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/internal/monoclock"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Config tunes a Store.
type Config struct {
	// StackSize is the usable guest stack in bytes (default 1 MiB); a
	// PROT_NONE guard page sits below it.
	StackSize int
	// MaxMemoryPages caps every memory the store creates (0 = 65535,
	// abi.MaxMemPages, the most it can be; or 256 with LayoutDense, where
	// it is also the size of a memory slot), and memory.grow by its
	// guests of any memory, imported host memories included.
	MaxMemoryPages uint32
	// MaxTableElements caps the elements of all tables the store's
	// instances define, together (0, or more than MaxTableElems:
	// MaxTableElems, 128 MiB of elements; 0 with
	// LayoutDense, as many bytes as a memory slot: MaxMemoryPages*8192,
	// 2,097,152 elements for the default 16 MiB slot): a table whose
	// minimum would go past it fails to instantiate, and table.grow past
	// it returns -1, as the spec lets any growth fail.
	// Growth by its guests of tables the store does not own (host tables,
	// NewTable, or another store's) counts too; growth by the host
	// (Table.Grow) of host tables does not.
	MaxTableElements uint32
	// Layout is how memories are laid out (LayoutGuard by default).
	Layout Layout
	// Timeout ends a call with TrapInterrupt once it has run this long
	// (0 = no limit): guest code stops at its next interrupt check, and
	// host functions see Caller.Done closed.
	Timeout time.Duration
	// Fuel, when non-zero, is the fuel budget of each instance: a call
	// ends with TrapOutOfFuel once the instance has run about that many
	// wasm instructions in all (see fuel.go). Modules must be compiled
	// with fuel instrumentation (lucetc --fuel).
	Fuel uint64
}

const (
	defaultStackSize = 1 << 20
	// stackMargin is kept free above the guard page (abi.StackMargin):
	// prologue checks trap StackOverflow when a frame would reach into it
	// (a small frame: when RSP has), which leaves room for stubs that
	// don't check (entry, host-call, trap stubs) and unchecked leaves.
	stackMargin = abi.StackMargin
)

// Store is a group of instances that may call each other. It runs one call
// at a time (host functions may call back in; those nested calls continue
// on the same guest stack below the parked frames). It owns the
// ExecContext, the guest stack and everything its instances allocate.
type Store struct {
	cfg   Config
	arena arena
	exec  uintptr // *ExecContext, in arena

	id         uint64      // names the store as a stack's last tenant
	stack      *guestStack // held only while a call runs (see stack.go)
	stackTop   uintptr
	stackLimit uintptr
	curTop     uintptr   // stack top for the next call (lower when nested)
	hostInst   *Instance // the host call running, named if it panics
	hostIdx    uint32
	// interruptExits counts the exits of interrupt checks and failed
	// stack checks (ExitInterrupt other than injected preemptions).
	interruptExits uint64

	instances  []*Instance
	refs       refIndex // the instances' FuncRef records, for ownsFuncRef
	modules    []*module
	epoch      uint64                    // counts Resets; see Instance.epoch
	vmctxs     atomic.Pointer[[]uintptr] // read by Interrupt from any goroutine
	ownedTabs  []*Table                  // tables created here
	hostUses   []*hostUses               // imports of host tables, globals and memories, given back by release
	tableElems uint64                    // elements of ownedTabs, and guest growth of others, together (MaxTableElements)
	ownedMems  []*Memory                 // memories created here
	boundTabs  []*Table                  // host funcref tables imported here (bindHost)
	boundGlobs []*Global                 // mutable host funcref globals imported here
	codes      [][3]uintptr              // code ranges registered with the signal handler

	tableRegions int64 // reservations of ownedTabs (tableregions.go)

	// killed is set by every kill (Kill, a timeout, a context) and
	// consumed by the outermost call's start or end, which also drops a
	// closed done; while it is set and done exists, done is closed.
	killed atomic.Bool
	// running is set while an outermost call is in progress, for a kill
	// that must reach its thread (killLocked); set before killed is
	// checked at the call's start, so a kill either sees it or is seen.
	running atomic.Bool
	// owner is the goroutine (its g, curG) running the store's outermost
	// call, 0 when none: a call from any other goroutine is refused with
	// ErrBusy. Two calls on one guest stack from two goroutines would
	// overwrite each other's frames and exit state, crashing the process;
	// nested calls from a host function come from the owner itself.
	owner atomic.Uintptr

	// Cancellation of the running call (Timeout, CallContext, Kill), for
	// host functions blocked outside guest code. done is Caller.Done: made
	// the first time a host function asks for it and kept across calls
	// until a kill closes it, so every call can be reached by Kill while
	// calls whose host functions never ask (and, after the first, calls
	// that do) neither allocate nor lock. gen names the armed call, so a
	// timer firing after it ended does nothing.
	killMu      sync.Mutex
	resignaling bool // a resignal goroutine runs for the current kill
	gen         uint64
	done        chan struct{}
	doneClosed  bool
	stopTimer   func() bool
	stopCtx     func() bool
	deadline    int64           // monoNow() when the armed call times out, 0 = none
	ctx         context.Context // of the armed call (CallContext), or nil

	inline struct {
		instances [1]*Instance
		modules   [1]*module
		tabs      [1]*Table
		mems      [1]*Memory
		vmctx     [1]uintptr
		vmctxs    []uintptr // the header vmctxs points at while one instance exists
		// blk is the first instance's block, made with the store (one
		// allocation fewer per instantiation); blkTaken once handed out,
		// even to an instantiation that failed, so it is never shared.
		blk      instanceBlock
		blkTaken bool
		// funcs backs the first instance's function index space, and
		// fns the *Func objects made for its defined functions, handed
		// out in the order they are asked for (fns[:nfns] in use); both
		// are kept across Reset, so a store reused for the same module
		// makes neither again. One Func is made per function looked up,
		// not one per function of the module: a command looks up only
		// `_start`, and a slab for all of them (9 KiB for hello world)
		// is pages first touched for nothing.
		funcs []*Func
		fns   []*Func
		nfns  int
	}

	data any // the embedder's, for host functions shared between stores

	// lazyMems is set while a memory of the store may hold a pending
	// data image (Memory.pending): the next call copies it in first.
	lazyMems bool

	depth   int
	callers []*Caller
	closed  bool
	mu      sync.Mutex // guards instances/modules against Close racing Instantiate
}

// noVMCtxs is every new store's (empty) instance list; never written.
var noVMCtxs []uintptr

// SetData attaches the embedder's per-store state (a WASI system, a
// request context) to the store, for host functions to find through
// Caller.Data: one set of host functions then serves every store in the
// process instead of a set of closures made per instance.
func (s *Store) SetData(v any) { s.data = v }

// Data returns what SetData attached, or nil.
func (s *Store) Data() any { return s.data }

// WithDefaults is c with every zero (or over the maximum) limit replaced
// by the value a Store built from c would use: for an embedder that checks
// a module against the store's limits before instantiating it.
func (c Config) WithDefaults() Config {
	if c.StackSize <= 0 {
		c.StackSize = defaultStackSize
	}
	if c.MaxMemoryPages == 0 && c.Layout == LayoutDense {
		c.MaxMemoryPages = defaultDensePages
	}
	if c.MaxMemoryPages == 0 || c.MaxMemoryPages > abi.MaxMemPages {
		c.MaxMemoryPages = abi.MaxMemPages
	}
	if c.MaxTableElements == 0 && c.Layout == LayoutDense {
		// As many bytes as a memory slot, 8 bytes an element.
		c.MaxTableElements = uint32(min(uint64(c.MaxMemoryPages)*(wasm.PageSize/8), MaxTableElems))
	}
	if c.MaxTableElements == 0 || c.MaxTableElements > MaxTableElems {
		c.MaxTableElements = MaxTableElems
	}
	return c
}

// NewStore makes a store.
func NewStore(cfg Config) (*Store, error) {
	s := new(Store)
	if err := s.Init(cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// Init sets up s, a zero Store, as NewStore would: for an embedder that
// keeps the store inside a struct of its own (one allocation for both).
func (s *Store) Init(cfg Config) error {
	if s.exec != 0 || s.closed {
		return errors.New("execute: init: the store is not new")
	}
	cfg = cfg.WithDefaults()
	if cfg.Layout > LayoutDense {
		return fmt.Errorf("execute: unknown layout %v", cfg.Layout)
	}
	s.cfg = cfg
	// A store of one instance of one module appends into these without
	// allocating.
	s.instances, s.modules = s.inline.instances[:0], s.inline.modules[:0]
	s.ownedTabs, s.ownedMems = s.inline.tabs[:0], s.inline.mems[:0]
	// Without the handler a guard-page fault or a guest loop that stalls
	// a stop-the-world would take the process down: refuse instead.
	if err := installSignals(); err != nil {
		return err
	}
	var err error
	if s.exec, err = s.arena.alloc(execSize); err != nil {
		return err
	}
	s.id = storeIDs.Add(1)
	s.vmctxs.Store(&noVMCtxs)
	return nil
}

// Close frees the store's instances, memories, tables and stack. Externs
// of the store must not be used afterwards (by this or another store).
func (s *Store) Close() error {
	took, ok := s.claim()
	if !ok {
		return fmt.Errorf("execute: close: %w", ErrBusy)
	}
	if took {
		defer s.owner.Store(0)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	if s.depth > 0 {
		return errors.New("execute: close: store is running a call")
	}
	s.closed = true
	s.release()
	s.epoch++ // its externs are stale too: the arena and memories go to other stores
	s.instances, s.modules, s.ownedTabs, s.ownedMems = nil, nil, nil, nil
	return nil
}

// release gives back everything the store's instances hold (code
// registrations, tables, memories, the arena), leaving the store itself
// to be closed or made new again (Reset).
func (s *Store) release() {
	for _, c := range s.codes {
		unregisterCode(c[0], c[1], c[2])
	}
	s.codes = s.codes[:0]
	s.refs.reset()
	s.tableElems = 0
	for _, t := range s.ownedTabs {
		if t.res != nil {
			putMemRegion(t.res, roundUp(uintptr(load64(t.desc+abi.TableDescLen))*8, pageSize), nil, false)
			releaseTableRegion(s)
		}
	}
	s.lazyMems = false
	for _, m := range s.ownedMems {
		hw := uintptr(load64(m.desc + abi.MemDescLen))
		// Still pending, the image was never copied and nothing could
		// write the memory (every way in copies it first): it is as
		// clean as it was given.
		pristine := m.pending.Swap(nil) != nil
		m.lazyCOW = nil
		if !m.dense {
			putMemRegion(m.res, hw, m.imageOf, pristine)
			continue
		}
		if pristine && m.warm == 0 && m.image == 0 {
			densePoolFor(m.reserved).putUntouched(m.res.addr())
			continue
		}
		if m.image > 0 && unmapImage(m.res.addr(), m.image) != nil {
			continue // the tenant's pages could not be dropped: never reuse
		}
		clean := m.image
		if pristine {
			clean = hw
		}
		densePoolFor(m.reserved).put(m.res.addr(), clean, hw, uintptr(m.warm))
	}
	for _, m := range s.modules {
		if m.owned != nil {
			m.owned.free()
		}
	}
	// The function references this store's guests left in host tables
	// and globals point into the arena just freed: null them, and let
	// another store import those externs.
	for _, t := range s.boundTabs {
		clear(t.elems())
		t.user.Store(nil)
	}
	for _, g := range s.boundGlobs {
		g.Set(0)
		g.user.Store(nil)
	}
	// The host tables, globals and memories its instances imported may be closed
	// now, as far as this store is concerned.
	for _, u := range s.hostUses {
		u.n.Add(-1)
	}
	clear(s.hostUses)
	s.hostUses = s.hostUses[:0]
	clear(s.boundTabs)
	clear(s.boundGlobs)
	s.boundTabs, s.boundGlobs = s.boundTabs[:0], s.boundGlobs[:0]
	s.arena.free()
}

// foreign says whether an extern owned by owner (nil for the host's),
// made in owner's epoch, with its descriptor or cell at addr, may not be
// imported into s: it belongs to another store, or to an instance of s
// that a Reset discarded, whose descriptor or cell lies in arena memory
// the next tenant has been given (a stale global imported after a Reset
// pointed the new instance's global at whatever now occupies its old
// cell). The externs of a store's first instance live in the store and
// are zeroed by Reset (addr 0; reading a zeroed memory's type was a nil
// dereference) until the next tenant's first instance takes them over.
func (s *Store) foreign(owner *Store, epoch uint64, addr uintptr) bool {
	return addr == 0 || owner != nil && (owner != s || epoch != s.epoch)
}

// bindHost makes s the one store using a host extern that can hold
// function references (a funcref table, a mutable funcref global),
// reporting false when another store uses it. A function reference is the
// address of a record in its store's arena, which carries the instance's
// vmctx: shared, such an extern let one store's guest call another
// store's function, in another store's instance (two goroutines in one
// store, which is not safe for concurrent use), and once that store was
// closed, into its freed arena, reused by the next store: a use after
// free, and a way into another tenant's memory. A store gives its host
// externs back, nulled, when it is closed or reset (release).
func (s *Store) bindHost(u *atomic.Pointer[Store]) (fresh, ok bool) {
	if u.CompareAndSwap(nil, s) {
		return true, true
	}
	return false, u.Load() == s
}

// interrupt sets the interrupt word of every instance of the store and
// then raises its stack limit, which is what a function with a stack check
// looks at (abi.StackLimitInterrupt): a cross-instance call runs with the
// callee's vmctx, so any of them may be the one checked next. Safe from
// any goroutine: the stores are sequentially consistent, and whoever
// lowers a limit again looks at the word afterwards (setLimit).
func (s *Store) interrupt() {
	for _, vm := range *s.vmctxs.Load() {
		atomic.StoreUint32(interruptWord(vm), 1)
		atomic.StoreUintptr(limitWord(vm), abi.StackLimitInterrupt)
	}
}

// clearInterrupts clears every instance's interrupt word and puts its
// real stack limit back, unless another request came in meanwhile.
func (s *Store) clearInterrupts() {
	for _, vm := range *s.vmctxs.Load() {
		atomic.StoreUint32(interruptWord(vm), 0)
		s.setLimit(vm)
	}
}

// setLimit gives instance vm the store's real stack limit, or leaves it
// raised when an interrupt is pending: a request whose raise this store
// overwrote has set the word before it raised the limit, so the word is
// seen set here and the limit raised again. A request that comes after
// the load raises the limit itself.
func (s *Store) setLimit(vm uintptr) {
	atomic.StoreUintptr(limitWord(vm), s.stackLimit)
	if atomic.LoadUint32(interruptWord(vm)) != 0 {
		atomic.StoreUintptr(limitWord(vm), abi.StackLimitInterrupt)
	}
}

func interruptWord(vm uintptr) *uint32 { return (*uint32)(ptr(vm + abi.VMInterrupt)) }
func limitWord(vm uintptr) *uintptr    { return (*uintptr)(ptr(vm + abi.VMStackLimit)) }

// Kill ends the store's running call with TrapInterrupt at once: the
// thread running guest code is signalled (see killLocked), so even a loop
// with no interrupt check stops. A host function it is blocked in sees
// Caller.Done closed, whether or not the call has a timeout or context.
// With no call running, the next call fails at once. Safe from any
// goroutine.
func (s *Store) Kill() {
	s.killMu.Lock()
	s.killLocked()
	s.killMu.Unlock()
}

func (s *Store) killLocked() {
	s.killed.Store(true)
	if s.done != nil && !s.doneClosed {
		close(s.done)
		s.doneClosed = true
	}
	s.interrupt()
	if s.running.Load() {
		// A guest loop has no interrupt check (see sigPreempt): the
		// thread running it must be signalled. Which thread that is, is
		// not known: learning it would cost every call a gettid system
		// call, 2 µs of CPU and about 20 µs of wall time on this class
		// of VM (armed calls paid it until 2026-12: 23 µs per call
		// against 0.5 µs), so every thread of the process is sent
		// SIGURG. Without it a guest loop would stop only at the SIGURG
		// Go's sysmon sends after 10 ms.
		signalThreads()
		if !s.resignaling {
			s.resignaling = true
			go s.resignal()
		}
	}
}

// resignal sends the signal of a kill again, at growing intervals, until
// the killed call has ended. One signal is not always enough: the call
// checks for a kill right before it resumes guest code, but a signal that
// arrives after that check and before the guest is in its functions (in
// resume, in a stub, where the handler sets the interrupt word but cannot
// inject) is spent, and a loop that follows has no check of the word.
// The handler cannot send itself the signal again from there: it would
// be delivered before the thread moved on, again and again. Kills are
// rare, and this goroutine lives only as long as the killed call.
func (s *Store) resignal() {
	for d := time.Millisecond; ; d = min(2*d, 64*time.Millisecond) {
		time.Sleep(d)
		s.killMu.Lock()
		if !s.killed.Load() || !s.running.Load() {
			s.resignaling = false
			s.killMu.Unlock()
			return
		}
		s.killMu.Unlock()
		signalThreads()
	}
}

// signalThreads sends SIGURG to every thread of the process. It is Go's
// own preemption signal, which the runtime sends its threads at any
// moment, so every thread copes: one in Go code or a system call ignores
// it (Go installs its handlers with SA_RESTART), one in another store's
// guest code exits to Go once and is resumed (its call goes on), and the
// one in the killed store's guest code exits and ends the call (the
// interrupt word and killed are set before this is called: a call that
// enters guest code on a thread created after the listing stops at its
// first function entry). Kills are rare; this costs the killer a listing
// of /proc/self/task and a tgkill per thread. Without /proc it does
// nothing, and the kill lands at the next sysmon signal as before.
func signalThreads() {
	f, err := os.Open("/proc/self/task")
	if err != nil {
		return
	}
	names, _ := f.Readdirnames(-1)
	f.Close()
	// The pid is asked for here, not at package initialisation: every
	// process linking this package would pay the system call at start.
	pid := unix.Getpid()
	for _, n := range names {
		if tid, err := strconv.Atoi(n); err == nil {
			_ = unix.Tgkill(pid, tid, unix.SIGURG)
		}
	}
}

// arm makes the outermost call cancellable: by a timer after timeout
// (if > 0) and when ctx is done (if it can be).
func (s *Store) arm(timeout time.Duration, ctx context.Context) {
	s.killMu.Lock()
	defer s.killMu.Unlock()
	s.gen++
	gen := s.gen
	s.deadline = 0
	if timeout > 0 {
		s.deadline = monoNow() + int64(timeout)
	}
	kill := func() {
		s.killMu.Lock()
		if s.gen == gen {
			s.killLocked()
		}
		s.killMu.Unlock()
	}
	if timeout > 0 {
		s.stopTimer = time.AfterFunc(timeout, kill).Stop
	}
	if ctx != nil && ctx.Done() != nil {
		s.ctx = ctx
		s.stopCtx = context.AfterFunc(ctx, kill)
	}
}

// monoNow is CLOCK_MONOTONIC in nanoseconds, the runtime's own reading
// through the vDSO (internal/monoclock, as pkg/wasi's): time since boot, > 0, so any deadline
// is > 0 and 0 can mean none. Deadlines are not wall-clock times: a wall
// clock stepped forward (NTP, a VM resumed) would end calls early. It
// used to count from a time.Now() taken at package initialisation, which
// every process linking this package paid at start.
func monoNow() int64 { return monoclock.Now() }

// disarm ends what arm started; a kill racing with it finds gen changed.
// done stays: a kill that closed it also set killed, and the call's end
// drops it.
func (s *Store) disarm() {
	s.killMu.Lock()
	defer s.killMu.Unlock()
	if s.stopTimer != nil {
		s.stopTimer()
	}
	if s.stopCtx != nil {
		s.stopCtx()
	}
	s.stopTimer, s.stopCtx = nil, nil
	s.deadline, s.ctx = 0, nil
	s.gen++
}

// doneChan is Caller.Done for a host function of the running call: closed
// once the call is killed. Made on first use, already closed if the kill
// came first.
func (s *Store) doneChan() <-chan struct{} {
	s.killMu.Lock()
	defer s.killMu.Unlock()
	if s.done == nil {
		s.done, s.doneClosed = make(chan struct{}), false
		if s.killed.Load() {
			close(s.done)
			s.doneClosed = true
		}
	}
	return s.done
}

// consumeKill forgets a kill once the call it ended (or, when it came
// while idle, the call it refused) is over, and drops the channel it
// closed so the next call's host functions get a fresh one.
func (s *Store) consumeKill() {
	s.killMu.Lock()
	s.killed.Store(false)
	if s.doneClosed {
		s.done, s.doneClosed = nil, false
	}
	s.killMu.Unlock()
}

// Interrupt asks the running call (if any) to exit to Go at its next check;
// it is resumed unless it was killed. Safe from any goroutine.
func (s *Store) Interrupt() { s.interrupt() }

// instanceSlot is a runtime-private word of the VMContext (past the ABI's
// fields) holding the instance's index in its store plus one.
const instanceSlot = abi.VMSize - 8

func (s *Store) instanceOf(vmctx uintptr) *Instance {
	i := int(load64(vmctx+instanceSlot)) - 1
	if i < 0 || i >= len(s.instances) || s.instances[i].vmctx != vmctx {
		panic(fmt.Sprintf("execute: exit from unknown vmctx %#x", vmctx))
	}
	return s.instances[i]
}

// savedExec is the part of the ExecContext a nested call overwrites. The
// stack top is among it: the signal handler injects a preemption only
// where RSP is at or below it, and a nested call's top lies below the
// frames of the guest it returns to.
type savedExec [7]uint64

var savedFields = [7]uintptr{abi.ExecTrapPC, abi.ExecFrameBP, abi.ExecResumePC, abi.ExecResumeSP, abi.ExecHostArgs, abi.ExecExitVMCtx, abi.ExecStackTop}

func (s *Store) save() (v savedExec) {
	for i, off := range savedFields {
		v[i] = load64(s.exec + off)
	}
	return v
}

func (s *Store) restore(v *savedExec) {
	for i, off := range savedFields {
		store64(s.exec+off, v[i])
	}
}

// call runs guest function f with args. Results go into out when it is
// non-nil (len >= results), else into a new slice. The goroutine making
// the outermost call owns the store until it returns (see owner); a call
// from another goroutine meanwhile fails with ErrBusy. Kept apart from
// run, whose deferred clean-up stays open-coded only while it has few
// return statements (a panic-path defer cost an empty call ~100 ns).
func (s *Store) call(ctx context.Context, f *Func, args, out []uint64) ([]uint64, error) {
	g := curG()
	if !s.owner.CompareAndSwap(0, g) {
		if s.owner.Load() != g {
			return nil, ErrBusy
		}
		return s.run(ctx, f, args, out) // nested, from a host function
	}
	defer s.owner.Store(0)
	return s.run(ctx, f, args, out)
}

// run is call once the store is the calling goroutine's.
func (s *Store) run(ctx context.Context, f *Func, args, out []uint64) (results []uint64, err error) {
	if s.closed {
		return nil, errors.New("execute: call: store is closed")
	}
	if f.entry == 0 {
		return nil, fmt.Errorf("execute: call %s: no entry stub for %s", f.describe(), f.typ)
	}
	if s.lazyMems {
		// Guest code reads memory without asking: every image goes in
		// before any of the store's code runs (memories are never shared
		// between stores).
		s.lazyMems = false
		for _, m := range s.ownedMems {
			if m.pending.Load() != nil {
				m.materialize()
			}
		}
	}
	e := s.exec
	// Scheduler and GC fairness need nothing here: they come from Go's
	// own preemption signal (see signal_amd64.s). Cancellation does.
	outer := s.depth == 0
	if outer {
		s.running.Store(true)
	}
	if !outer && s.nestTooDeep() {
		return nil, &Trap{Code: abi.TrapStackOverflow}
	}
	if outer && s.killed.Load() {
		// Killed while idle.
		s.running.Store(false)
		s.consumeKill()
		return nil, &Trap{Code: abi.TrapInterrupt}
	}
	if outer {
		if err := s.takeStack(); err != nil {
			s.running.Store(false)
			return nil, err
		}
	}
	top := s.curTop
	argp := (top - uintptr(f.slots)*8) &^ 15
	if argp < s.stackLimit {
		if outer {
			s.dropStack()
			s.running.Store(false)
		}
		return nil, &Trap{Code: abi.TrapStackOverflow}
	}
	// Go writes the arguments and enter pushes a return address: that
	// part of the stack must be accessible already (faults there are not
	// guest code's, and would not be turned into growth).
	if err := s.ensureStack(argp - 64); err != nil {
		if outer {
			s.dropStack()
			s.running.Store(false)
		}
		return nil, err
	}
	// A call nested in a host function overwrites the exit state the
	// parked guest below it resumes from, and the stack top; it puts
	// them back on the way out, so the host call path itself saves
	// nothing.
	var sv savedExec
	if !outer {
		sv = s.save()
	}
	copy(words(argp, f.slots), args)
	store64(e+abi.ExecStackTop, uint64(argp))
	store64(e+abi.ExecExitCode, 0)
	armed := outer && (s.cfg.Timeout > 0 || ctx != nil)
	if armed {
		s.arm(s.cfg.Timeout, ctx)
	}
	s.depth++
	s.curTop = argp
	defer func() {
		// A panicking host function ends the call as an error here, once
		// per entry rather than with a defer on every host call; the
		// parked guest is abandoned as on any host error.
		if p := recover(); p != nil {
			name := "a host function"
			if s.hostInst != nil {
				name = s.hostInst.importName(s.hostIdx)
				s.hostInst = nil
			}
			results, err = nil, &HostPanicError{Import: name, Value: p}
		}
		s.depth--
		s.curTop = top
		if !outer {
			s.restore(&sv)
		}
		if armed {
			s.disarm()
		}
		if outer && s.killed.Load() {
			s.consumeKill()
		}
		if outer {
			s.dropStack()
			s.running.Store(false)
		}
	}()

	enter(e, f.vmctx, f.entry, f.code, argp)
	for {
		ec := load64(e + abi.ExecExitCode)
		switch abi.ExitKind(ec) {
		case abi.ExitReturn:
			if n := Slots(f.typ.Results); n > 0 {
				results = out
				if results == nil {
					results = make([]uint64, n)
				}
				copy(results, words(argp, n))
			}
			return results, nil
		case abi.ExitTrap:
			return nil, s.newTrap(abi.TrapCode(ec>>8), loadPtr(e+abi.ExecTrapPC), loadPtr(e+abi.ExecFrameBP))
		case abi.ExitHostCall:
			if err := s.hostCall(uint32(ec >> 8)); err != nil {
				return nil, err
			}
		case abi.ExitBuiltin:
			if code := s.builtin(abi.Builtin(ec >> 8)); code != abi.TrapNone {
				return nil, s.newTrap(code, loadPtr(e+abi.ExecTrapPC), loadPtr(e+abi.ExecFrameBP))
			}
		case abi.ExitInterrupt:
			if s.outOfFuel() {
				return nil, s.newTrap(abi.TrapOutOfFuel, loadPtr(e+abi.ExecTrapPC), loadPtr(e+abi.ExecFrameBP))
			}
			if ec>>8 != preemptExit {
				// A preemption leaves the word set and the limit
				// raised: the guest may be one that waits for the
				// word (it costs a loop-free guest one more exit at
				// its next function entry).
				s.interruptExits++
				s.clearInterrupts()
			}
			// The deadline is checked here too, not only by the timer:
			// under load a timer goroutine can run seconds late while
			// the guest keeps yielding.
			if s.killed.Load() || s.deadline != 0 && monoNow() >= s.deadline || s.ctx != nil && s.ctx.Err() != nil {
				return nil, s.newTrap(abi.TrapInterrupt, loadPtr(e+abi.ExecTrapPC), loadPtr(e+abi.ExecFrameBP))
			}
			runtime.Gosched()
		default:
			return nil, fmt.Errorf("execute: guest exited with unknown code %#x", ec)
		}
		// A kill whose signal came while this thread ran Go code (the
		// host function, the scheduler) was spent there: the guest
		// would resume into a loop that has no interrupt check.
		if s.killed.Load() {
			return nil, s.newTrap(abi.TrapInterrupt, loadPtr(e+abi.ExecTrapPC), loadPtr(e+abi.ExecFrameBP))
		}
		store64(e+abi.ExecExitCode, 0)
		resume(e)
	}
}

// claim makes the store the calling goroutine's for Close or Reset, as a
// call's start does (see owner): ok is false if a call runs on another
// goroutine, took says the store was taken (the caller gives it back with
// owner.Store(0)); the owner itself, a host function of the running call,
// gets ok and finds depth > 0. Close used to look only at depth, under
// mu, neither of which a call's start takes: a Close between a call's
// check of closed and its depth++ gave the memories back to the pool and
// unregistered the code, and the call then ran the guest on them (the
// process died of a fault no handler claimed, or the guest's writes
// reached the next store to get that reservation). Claimed, the store has
// no call starting, and a call starting later sees closed.
func (s *Store) claim() (took, ok bool) {
	g := curG()
	if s.owner.CompareAndSwap(0, g) {
		return true, true
	}
	return false, s.owner.Load() == g
}

// ErrBusy is the error of a call made while the store runs another call
// on a different goroutine: a store (one instance of the lucet package)
// runs one call at a time. Host functions of the running call may still
// call back in from its own goroutine.
var ErrBusy = errors.New("execute: store is running a call on another goroutine")

// preemptExit is the argument of an ExitInterrupt taken by sigPreempt,
// which the signal handler made the guest call wherever it was (loops
// have no interrupt check): the call is yielded or ended like any
// interrupt, and resuming returns the guest to where it was.
const preemptExit = 1

// ErrHostPanic matches (errors.Is) the *HostPanicError of a call whose
// host function panicked: the panic ends the call as an error instead of
// unwinding through the embedder's stack and taking the process down.
var ErrHostPanic = errors.New("host function panicked")

// HostPanicError is the error of a call whose host function panicked.
type HostPanicError struct {
	Import string // "module.name" of the import that panicked
	Value  any    // what it panicked with
}

func (e *HostPanicError) Error() string {
	return fmt.Sprintf("host function %s panicked: %v", e.Import, e.Value)
}

// Is makes errors.Is(err, ErrHostPanic) true.
func (e *HostPanicError) Is(target error) bool { return target == ErrHostPanic }

// hostCall runs imported host function idx of the instance that exited.
func (s *Store) hostCall(idx uint32) (err error) {
	e := s.exec
	inst := s.instanceOf(loadPtr(e + abi.ExecExitVMCtx))
	if idx >= uint32(len(inst.funcs)) || inst.funcs[idx] == nil || inst.funcs[idx].host == nil {
		return fmt.Errorf("execute: host call to import %d, which is not a host function", idx)
	}
	f := inst.funcs[idx]
	hostArgs := loadPtr(e + abi.ExecHostArgs)
	// Nested calls from the host function run below everything the parked
	// guest still owns.
	oldTop := s.curTop
	low := min(hostArgs, loadPtr(e+abi.ExecResumeSP))
	s.curTop = (low - 16) &^ 15
	c := s.caller()
	c.inst = inst
	s.hostIdx, s.hostInst = idx, inst // for a panic's error (call's defer)
	err = f.host(c, words(hostArgs, f.slots))
	c.inst, s.hostInst = nil, nil
	s.curTop = oldTop
	return err
}

// importName names imported function idx as "module.name".
func (i *Instance) importName(idx uint32) string {
	m := i.mod
	if idx < m.numImportedFuncs() {
		imp := m.meta.Imports[m.importOf[wasm.ExternFunc][idx]]
		return imp.Module + "." + imp.Name
	}
	return fmt.Sprintf("function %d", idx)
}

// caller returns a Caller for the current nesting depth, so host functions
// never allocate one and a nested call doesn't clobber the outer one's.
func (s *Store) caller() *Caller {
	for len(s.callers) < s.depth {
		s.callers = append(s.callers, &Caller{})
	}
	return s.callers[s.depth-1]
}
