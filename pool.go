package lucet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/lucet-go/lucet/internal/layout"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Limits bound each instance of a pool.
type Limits struct {
	// MaxMemoryBytes caps each instance's linear memory, a multiple of
	// 64 KiB (0: the layout's default, 4 GiB for LayoutGuard, 16 MiB for
	// LayoutDense). A module that needs more at the start fails to
	// instantiate with ErrMemoryLimit; memory.grow past it returns -1 to
	// the guest.
	MaxMemoryBytes uint64
	// MaxTableElements caps the elements of all tables an instance
	// defines, together (0: the layout's default, 16,777,216 for
	// LayoutGuard, MaxMemoryBytes/8 for LayoutDense; never more than
	// 16,777,216). A module whose tables need more at the start fails to
	// instantiate with ErrTableLimit; table.grow past it returns -1 to the
	// guest.
	MaxTableElements uint32
	// StackBytes is each instance's guest stack (0: 1 MiB); deeper
	// recursion traps with TrapStackOverflow.
	StackBytes int
	// Timeout ends any one call that runs longer with TrapInterrupt and
	// ErrTimeout (0: no limit). A context's deadline applies as well.
	Timeout time.Duration
	// Fuel is each instance's budget of wasm instructions, in all its
	// calls (0: unmetered); running out traps with TrapOutOfFuel. It
	// needs modules compiled with RuntimeConfig.Fuel.
	Fuel uint64
	// MaxOutputBytes caps what a WASI instance writes to stdout and
	// stderr together (0: no limit); the write that passes it is cut
	// short at the limit and ends the call with ErrOutputLimit.
	MaxOutputBytes int64
	// MaxOpenFiles caps the file descriptors a WASI instance holds, stdio
	// and preopens included (0: wasi.DefaultMaxOpenFiles); past it the
	// guest's opens fail with EMFILE.
	MaxOpenFiles int
}

// PoolConfig configures a Pool.
type PoolConfig struct {
	// Layout, when not nil, is the pool's layout instead of the
	// runtime's (RuntimeConfig.Layout): a module compiled for guard pages
	// cannot be instantiated in a dense pool (the error says so).
	Layout *Layout
	// MaxInstances is how many instances may be alive at once (0: no
	// limit but the process's). Past it, Instantiate fails at once with
	// ErrPoolFull.
	MaxInstances int
	Limits       Limits
}

var (
	// ErrMemoryLimit is returned (wrapped) when a module's initial memory
	// is over Limits.MaxMemoryBytes.
	ErrMemoryLimit = errors.New("lucet: memory limit exceeded")
	// ErrTableLimit is returned (wrapped) when a module's initial tables
	// hold more elements than Limits.MaxTableElements.
	ErrTableLimit = errors.New("lucet: table limit exceeded")
	// ErrOutputLimit is joined to the TrapInterrupt of a call whose
	// output passed Limits.MaxOutputBytes.
	ErrOutputLimit = errors.New("lucet: output limit exceeded")
)

// Pool makes instances with shared limits, in the runtime's layout (a
// region, in Lucet's terms). It is safe for concurrent use: many
// goroutines may instantiate at once, each then using its own instance.
//
// A pool keeps what it made an instance of (its store, its WASI state,
// its bookkeeping) when the instance is closed, reset, for the next one:
// in the steady state instantiating allocates nothing on the Go heap.
// Every handle (Instance, Func, Memory) names the instance it was made
// for, so one kept after Close fails with ErrClosed, or reads as an empty
// memory, and never reaches the next instance made in its place.
type Pool struct {
	rt     *Runtime
	cfg    PoolConfig
	layout Layout
	store  execute.Config
	mu     sync.Mutex
	closed bool
	live   []*slot // live instances, each at its slot.at
	free   []*slot // reset, for the next instantiations
}

// maxFreeSlots bounds the slots a pool keeps for reuse: past it a closed
// instance's slot is dropped, so a burst of live instances leaves no more
// than this behind.
const maxFreeSlots = 256

// checkKey names a pool's check of a module, with or without WASI.
type checkKey struct {
	p        *Pool
	withWASI bool
}

// checkResult is Pool.check's verdict on a module, kept by the module (so
// it goes with the module, however long the pool lives).
type checkResult struct {
	gen uint64
	err error
}

// NewPool makes a pool.
func (r *Runtime) NewPool(cfg PoolConfig) (*Pool, error) {
	l := r.cfg.Layout
	if cfg.Layout != nil {
		l = *cfg.Layout
	}
	st, err := layout.Store(l, cfg.Limits.MaxMemoryBytes)
	if err != nil {
		return nil, fmt.Errorf("lucet: pool: %w", err)
	}
	if cfg.MaxInstances < 0 || cfg.Limits.StackBytes < 0 || cfg.Limits.Timeout < 0 || cfg.Limits.MaxOutputBytes < 0 || cfg.Limits.MaxOpenFiles < 0 {
		return nil, errors.New("lucet: pool: negative limit")
	}
	st.StackSize = cfg.Limits.StackBytes
	st.Timeout = cfg.Limits.Timeout
	st.Fuel = cfg.Limits.Fuel
	// The table limit the store will apply (a zero resolved to the
	// layout's default), for check to refuse a module with ErrTableLimit
	// before the store does with an error of its own.
	st.MaxTableElements = cfg.Limits.MaxTableElements
	st.MaxTableElements = st.WithDefaults().MaxTableElements
	return &Pool{rt: r, cfg: cfg, layout: l, store: st}, nil
}

// Live is the number of live instances.
func (p *Pool) Live() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.live)
}

// Close closes every live instance (killing any running call; such an
// instance is freed when its call returns) and makes further
// instantiations fail with ErrPoolClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	live := make([]Instance, 0, len(p.live))
	for _, s := range p.live {
		live = append(live, Instance{s, s.gen.Load()})
	}
	free := p.free
	p.free = nil
	p.mu.Unlock()
	for _, in := range live {
		in.Close()
	}
	for _, s := range free {
		if s.store != nil {
			s.store.Close()
		}
	}
	return nil
}

// InstanceConfig configures one instance.
type InstanceConfig struct {
	// WASI, when not nil, links wasi_snapshot_preview1 with the world
	// it describes; nil links no WASI, so a module importing it fails to
	// instantiate with an ImportError naming the imports.
	WASI *WASIConfig
	// Data is the embedder's value for this instance, which host
	// functions reach through Caller.Data (a request, a user).
	Data any
}

// WASIConfig is the world a WASI guest sees. Nothing of the host is
// inherited: no environment, no files, empty stdin, output discarded,
// unless given here.
type WASIConfig struct {
	Args []string // argv, argv[0] included
	Env  []string // "NAME=VALUE"
	// Stdin, Stdout and Stderr; nil is empty input and discarded output.
	// An *os.File (a pipe, a socket) is polled, so a timeout or Kill
	// reaches a guest blocked on it; a plain Reader or Writer is called
	// directly, and a guest blocked in it waits until it returns.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Preopens are host directories the guest may use, under GuestPath.
	Preopens []Preopen
}

// Preopen is a host directory handed to a WASI guest.
type Preopen struct {
	HostPath  string
	GuestPath string
	// ReadOnly refuses every write beneath the directory.
	ReadOnly bool
}

// Instantiate makes a fresh instance of mod: its own memory, globals,
// tables and stack, nothing shared with any other instance but the code.
// The start function, if any, runs (under Limits.Timeout). Errors name
// what failed: missing imports (ImportError), ErrPoolFull, ErrPoolClosed,
// ErrMemoryLimit, ErrTableLimit, a trap in the start function (*Trap).
func (p *Pool) Instantiate(ctx context.Context, mod *Module, cfg InstanceConfig) (Instance, error) {
	if err := ctx.Err(); err != nil {
		return Instance{}, err
	}
	s, err := p.admit()
	if err != nil {
		return Instance{}, fmt.Errorf("instantiate %s: %w", mod.shown, err)
	}
	if err := mod.acquire(); err != nil {
		p.drop(s, false)
		return Instance{}, err
	}
	s.mod, s.data = mod, cfg.Data
	err = s.start(cfg)
	s.mu.Lock()
	s.starting = false
	if err == nil && s.pending {
		// Closed while it was being made (Pool.Close).
		err = fmt.Errorf("instantiate %s: %w", mod.shown, ErrPoolClosed)
	}
	s.mu.Unlock()
	if err != nil {
		s.free()
		return Instance{}, err
	}
	return Instance{s, s.gen.Load()}, nil
}

// admit takes a slot for a new instance, reset or new, or says why there
// is none.
func (p *Pool) admit() (*slot, error) {
	p.mu.Lock()
	switch {
	case p.closed:
		p.mu.Unlock()
		return nil, ErrPoolClosed
	case p.cfg.MaxInstances > 0 && len(p.live) >= p.cfg.MaxInstances:
		n := len(p.live)
		p.mu.Unlock()
		return nil, fmt.Errorf("%w (%d live instances)", ErrPoolFull, n)
	}
	var s *slot
	if n := len(p.free); n > 0 {
		s = p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
	} else {
		s = &slot{pool: p}
	}
	// Reachable from Pool.Close from here on; Close waits for the
	// instantiation to end (see Instance.Close).
	s.mu.Lock()
	s.starting, s.closed, s.freed = true, false, false
	s.mu.Unlock()
	s.at = len(p.live)
	p.live = append(p.live, s)
	p.mu.Unlock()
	return s, nil
}

// drop takes s out of the live instances; a slot whose store was reset
// (reuse) is kept for the next instantiation while there is room.
func (p *Pool) drop(s *slot, reuse bool) {
	p.mu.Lock()
	last := p.live[len(p.live)-1]
	p.live[s.at], last.at = last, s.at
	p.live[len(p.live)-1] = nil
	p.live = p.live[:len(p.live)-1]
	keep := reuse && !p.closed && len(p.free) < maxFreeSlots
	if keep {
		p.free = append(p.free, s)
	}
	p.mu.Unlock()
	if !keep && s.store != nil {
		s.store.Close()
	}
}

// check is what does not change between instantiations of mod in p: the
// layout, the memory and table limits, the imports (until the runtime
// defines more host functions; with or without WASI). It is worked out
// once.
func (p *Pool) check(mod *Module, imports *importSet, withWASI bool) error {
	key := checkKey{p, withWASI}
	mod.mu.Lock()
	c, ok := mod.checked[key]
	mod.mu.Unlock()
	if ok && c.gen == imports.gen {
		return c.err
	}
	err := layout.Check(mod.m.Meta, p.layout)
	if err == nil && len(mod.m.Meta.Mems) > 0 {
		if need, max := mod.m.Meta.Mems[0].Limits.Min, uint64(p.store.MaxMemoryPages); max != 0 && need > max {
			err = fmt.Errorf("memory of %s is over the limit of %s: %w",
				humanize.IBytes(need*wasm.PageSize), humanize.IBytes(max*wasm.PageSize), ErrMemoryLimit)
		}
	}
	if err == nil {
		var need uint64
		for _, t := range mod.m.Meta.Tables {
			need += t.Limits.Min
		}
		if max := uint64(p.store.MaxTableElements); need > max {
			err = fmt.Errorf("tables of %d elements are over the limit of %d: %w", need, max, ErrTableLimit)
		}
	}
	if err != nil {
		err = fmt.Errorf("instantiate %s: %w", mod.shown, err)
	} else {
		err = mod.checkImports(resolver{host: imports.host, wasi: withWASI})
	}
	mod.mu.Lock()
	if mod.checked == nil {
		mod.checked = map[checkKey]checkResult{}
	}
	mod.checked[key] = checkResult{gen: imports.gen, err: err}
	mod.mu.Unlock()
	return err
}

// start makes s's store (or reuses the one its last instance left) and
// instantiates its module in it.
func (s *slot) start(cfg InstanceConfig) error {
	p, mod := s.pool, s.mod
	imports := p.rt.importsNow()
	if err := p.check(mod, imports, cfg.WASI != nil); err != nil {
		return err
	}
	s.res = resolver{host: imports.host, wasi: cfg.WASI != nil}
	if s.store == nil {
		// The store and the WASI system live inside the slot: one
		// allocation for the three.
		if err := s.st.Init(p.store); err != nil {
			return fmt.Errorf("instantiate %s: %w", mod.shown, err)
		}
		s.store = &s.st
		s.ready.Store(true)
	}
	s.store.SetData(s)
	if w := cfg.WASI; w != nil {
		stdout, stderr := w.Stdout, w.Stderr
		if stdout == nil {
			stdout = io.Discard
		}
		if stderr == nil {
			stderr = io.Discard
		}
		stdin := w.Stdin
		if stdin == nil {
			stdin = emptyReader{}
		}
		var pre []wasi.Preopen
		if len(w.Preopens) > 0 {
			pre = make([]wasi.Preopen, len(w.Preopens))
			for i, d := range w.Preopens {
				pre[i] = wasi.Preopen{HostPath: d.HostPath, GuestPath: d.GuestPath, ReadOnly: d.ReadOnly}
			}
		}
		wc := wasi.Config{Args: w.Args, Env: w.Env, Stdin: stdin, Stdout: stdout, Stderr: stderr, Preopens: pre,
			MaxOpenFiles: p.cfg.Limits.MaxOpenFiles, MaxOutputBytes: p.cfg.Limits.MaxOutputBytes}
		if wc.MaxOutputBytes > 0 {
			// pkg/wasi counts the output (every write to fds 1 and 2,
			// however renumbered, and stdio stays pollable); the write
			// it cuts short ends the call.
			if s.onOutputLimit == nil {
				s.onOutputLimit = func() { s.kill(ErrOutputLimit) }
			}
			wc.OnOutputLimit = s.onOutputLimit
		}
		if err := s.wsys.Init(wc); err != nil {
			return fmt.Errorf("instantiate %s: %w", mod.shown, err) // err says "wasi: ..."
		}
		s.sys, s.hasSys = &s.wsys, true
	}
	var err error
	s.inst, err = s.store.Instantiate(mod.m, &s.res)
	if err != nil {
		return fmt.Errorf("instantiate %s: %w", mod.shown, err)
	}
	return nil
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }
