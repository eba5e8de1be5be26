package lucet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Instance is one instantiated module: a handle, copied freely, to what
// the pool made it of. One goroutine calls into it at a time (its host
// functions may call back in); Kill and Close may come from any
// goroutine. Once the instance is closed the handle is dead: its calls
// fail with ErrClosed, its memory reads as empty, Kill and Close do
// nothing, even after the pool has reused what it was made of for
// another instance. The zero Instance is such a dead handle.
type Instance struct {
	s   *slot
	gen uint64
}

// slot is what an instance is made of, reset and reused by its pool for
// instance after instance (see Pool). gen counts the instances it has
// served: a handle is live while its gen is the slot's.
type slot struct {
	pool  *Pool
	at    int // index in pool.live while live
	gen   atomic.Uint64
	mod   *Module
	store *execute.Store
	inst  *execute.Instance
	sys   *wasi.System // &wsys, in use when hasSys
	st    execute.Store
	wsys  wasi.System
	res   resolver // the imports of the instance, handed to execute
	data  any

	hasSys        bool
	onOutputLimit func() // kills the running call with ErrOutputLimit
	// ready is set once st is initialised (and stays set while the slot
	// is reused): Kill and Close may reach a slot whose instance is still
	// being made, from another goroutine (Pool.Close).
	ready atomic.Bool

	// ctx is the context of the running call, for Caller.Context.
	ctx context.Context
	// cause is why the running call was killed (ErrKilled,
	// ErrOutputLimit), for the error it returns.
	cause atomic.Pointer[error]

	mu       sync.Mutex
	calls    int  // calls running (nested ones included)
	starting bool // Pool.Instantiate is making the instance
	closed   bool // no new calls
	pending  bool // Close came during a call: free when it returns
	freed    bool
}

// lock returns the handle's slot locked, or nil once the instance is
// closed: what the instance is made of cannot be freed (and reused) while
// it is held.
func (i Instance) lock() *slot {
	s := i.s
	if s == nil {
		return nil
	}
	s.mu.Lock()
	if s.gen.Load() != i.gen || s.freed {
		s.mu.Unlock()
		return nil
	}
	return s
}

// Data is InstanceConfig.Data (nil once the instance is closed).
func (i Instance) Data() any {
	s := i.lock()
	if s == nil {
		return nil
	}
	defer s.mu.Unlock()
	return s.data
}

// Module is the module the instance was made from (nil once the instance
// is closed).
func (i Instance) Module() *Module {
	s := i.lock()
	if s == nil {
		return nil
	}
	defer s.mu.Unlock()
	return s.mod
}

// Memory is the instance's memory 0: empty (every access out of bounds)
// if it has none or once the instance is closed.
func (i Instance) Memory() Memory {
	s := i.lock()
	if s == nil {
		return Memory{}
	}
	defer s.mu.Unlock()
	if s.inst == nil || s.inst.Memory() == nil {
		return Memory{}
	}
	return Memory{s: s, gen: i.gen, m: s.inst.Memory()}
}

// Func returns the exported function called name, or nil. Once the
// instance is closed it returns a Func whose calls fail with ErrClosed.
func (i Instance) Func(name string) *Func {
	s := i.lock()
	if s == nil {
		return &Func{inst: i, name: name}
	}
	defer s.mu.Unlock()
	if s.inst == nil {
		return &Func{inst: i, name: name}
	}
	f := s.inst.Func(name)
	if f == nil {
		return nil
	}
	return &Func{inst: i, f: f, typ: f.Type(), name: name}
}

// Run calls the WASI entry point _start and returns the guest's exit
// status: its proc_exit code, or 0 when _start returns. A trap is the
// error.
func (i Instance) Run(ctx context.Context) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("run: %w", err)
	}
	s, prev, err := i.enter(ctx)
	if err != nil {
		return 0, fmt.Errorf("run: %w", err)
	}
	defer s.exit(prev)
	f := s.inst.Func("_start")
	if f == nil {
		return 0, fmt.Errorf("run %s: module exports no _start", s.mod.shown)
	}
	if err = s.call(ctx, f, f.Type(), nil); err == nil {
		return 0, nil
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		return int(exit.Code), nil
	}
	return 0, err
}

// Kill ends the running call, if any, with TrapInterrupt and ErrKilled;
// with none running, the next call fails so. Safe from any goroutine.
func (i Instance) Kill() {
	if s := i.s; s != nil {
		s.mu.Lock()
		if s.gen.Load() == i.gen && !s.freed {
			s.kill(ErrKilled)
		}
		s.mu.Unlock()
	}
}

// kill kills the running call of the slot's instance; the caller knows
// it is the right one (it holds s.mu and checked the handle, or it runs
// inside the instance's call).
func (s *slot) kill(cause error) {
	s.cause.CompareAndSwap(nil, &cause)
	if s.ready.Load() {
		s.st.Kill()
	}
}

// Close frees the instance: memory, stack, WASI state. Called during a
// call (from another goroutine), it kills the call and frees the instance
// once the call returns. Closing twice, or through a copy of the handle,
// is harmless.
func (i Instance) Close() error {
	s := i.s
	if s == nil {
		return nil
	}
	s.mu.Lock()
	if s.gen.Load() != i.gen || s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	if s.calls > 0 || s.starting {
		// Freed when the call returns or the instantiation ends.
		s.pending = true
		s.kill(ErrClosed)
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	return s.free()
}

// free releases everything the instance holds, once, and gives the slot
// back to the pool: every handle to the instance is dead from here on.
func (s *slot) free() error {
	s.mu.Lock()
	if s.freed {
		s.mu.Unlock()
		return nil
	}
	s.freed, s.closed = true, true
	s.gen.Add(1)
	s.mu.Unlock()
	reuse := true
	var err error
	if s.store != nil {
		if err = s.store.Reset(); err != nil {
			reuse = false
		}
	}
	if s.hasSys {
		s.sys.Close()
		s.hasSys = false
	}
	if s.mod != nil {
		s.mod.release()
	}
	s.mu.Lock()
	s.mod, s.inst, s.data, s.ctx, s.res = nil, nil, nil, nil, resolver{}
	s.cause.Store(nil)
	// closed and freed stay set until the pool hands the slot out again
	// (admit): a handle made meanwhile (Pool.Close) finds it closed.
	s.calls, s.starting, s.pending = 0, false, false
	s.mu.Unlock()
	s.pool.drop(s, reuse)
	return err
}

// enter starts a call on the handle's instance; the returned context is
// the previous one (nested calls from host functions restore it).
func (i Instance) enter(ctx context.Context) (*slot, context.Context, error) {
	s := i.s
	if s == nil {
		return nil, nil, fmt.Errorf("instance: %w", ErrClosed)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen.Load() != i.gen || s.closed {
		return nil, nil, fmt.Errorf("instance: %w", ErrClosed)
	}
	s.calls++
	prev := s.ctx
	s.ctx = ctx
	return s, prev, nil
}

func (s *slot) exit(prev context.Context) {
	s.mu.Lock()
	s.calls--
	s.ctx = prev
	last := s.calls == 0
	pending := last && s.pending
	s.mu.Unlock()
	if last {
		s.cause.Store(nil)
	}
	if pending {
		s.free()
	}
}

// Func is an exported function of an instance.
type Func struct {
	inst Instance
	f    *execute.Func
	typ  wasm.FuncType // f's, read once: f is not touched unless inst is live
	name string
}

// Name is the export's name.
func (f *Func) Name() string { return f.name }

// Params are the function's parameter types.
func (f *Func) Params() []ValueType { return f.typ.Params }

// Results are the function's result types.
func (f *Func) Results() []ValueType { return f.typ.Results }

// Call calls the function with Go values for its parameters: int32 or
// uint32 for i32 (an untyped constant does), int64 or uint64 for i64,
// float32 for f32, float64 for f64. Results come back as int32, int64,
// float32 and float64. ctx bounds the call: once it is done the guest
// stops with TrapInterrupt, and the error matches ctx.Err() with
// errors.Is. A trap is a *Trap (errors.As); a WASI exit an *ExitError; an
// error from a host function is returned wrapped.
func (f *Func) Call(ctx context.Context, args ...any) ([]any, error) {
	if f.f == nil {
		return nil, f.dead()
	}
	t := f.typ
	if len(args) != len(t.Params) {
		return nil, fmt.Errorf("call %s: %d arguments, want %d (%s)", f.name, len(args), len(t.Params), t)
	}
	stack := make([]uint64, max(len(t.Params), len(t.Results), 1))
	for i, a := range args {
		v, err := encode(a, t.Params[i])
		if err != nil {
			return nil, fmt.Errorf("call %s: argument %d: %w", f.name, i+1, err)
		}
		stack[i] = v
	}
	if err := f.CallRaw(ctx, stack); err != nil {
		return nil, err
	}
	out := make([]any, len(t.Results))
	for i, r := range t.Results {
		out[i] = decode(stack[i], r)
	}
	return out, nil
}

// CallRaw is Call over raw 64-bit slots, without allocating: stack holds
// the parameters on entry (i32 in the low 32 bits, floats as bits) and
// receives the results from stack[0]; len(stack) is at least the larger
// of the parameter and result counts.
func (f *Func) CallRaw(ctx context.Context, stack []uint64) error {
	if f.f == nil {
		return f.dead()
	}
	t := f.typ
	if n := max(len(t.Params), len(t.Results)); len(stack) < n {
		return fmt.Errorf("call %s: stack of %d slots, want %d (%s)", f.name, len(stack), n, t)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("call %s: %w", f.name, err)
	}
	s, prev, err := f.inst.enter(ctx)
	if err != nil {
		return fmt.Errorf("call %s: %w", f.name, err)
	}
	defer s.exit(prev)
	return s.call(ctx, f.f, t, stack)
}

// dead is the error of a call through a Func of a closed instance.
func (f *Func) dead() error { return fmt.Errorf("call %s: instance: %w", f.name, ErrClosed) }

// call runs f of the slot's instance, which enter has pinned.
func (s *slot) call(ctx context.Context, f *execute.Func, t wasm.FuncType, stack []uint64) error {
	start := time.Now()
	var err error
	if ctx.Done() == nil {
		err = f.CallInto(stack)
	} else {
		var res []uint64
		res, err = f.CallContext(ctx, stack[:len(t.Params)]...)
		copy(stack, res)
	}
	return s.callErr(ctx, err, start)
}

// callErr says why a call was interrupted.
func (s *slot) callErr(ctx context.Context, err error, start time.Time) error {
	if err == nil {
		return nil
	}
	var t *Trap
	if errors.As(err, &t) && t.Code == TrapInterrupt {
		var cause error
		if c := s.cause.Load(); c != nil {
			cause = *c
		} else if ctx.Err() != nil {
			cause = ctx.Err()
		} else if lim := s.pool.store.Timeout; lim > 0 && time.Since(start) >= lim {
			cause = ErrTimeout
		}
		if cause != nil {
			return &callError{trap: t, cause: cause}
		}
	}
	return err
}

// Value is a Go type a wasm value crosses as.
type Value interface {
	~int32 | ~uint32 | ~int64 | ~uint64 | ~float32 | ~float64
}

// Call1 calls f and returns its one result as R (int32 or uint32 for an
// i32 result, and so on).
func Call1[R Value](ctx context.Context, f *Func, args ...any) (R, error) {
	var zero R
	res, err := f.Call(ctx, args...)
	if err != nil {
		return zero, err
	}
	if len(res) != 1 {
		return zero, fmt.Errorf("call %s: %d results, want 1", f.name, len(res))
	}
	switch v := res[0].(type) {
	case int32:
		return R(v), nil
	case int64:
		return R(v), nil
	case float32:
		return R(v), nil
	case float64:
		return R(v), nil
	}
	return zero, fmt.Errorf("call %s: result of type %s", f.name, f.Results()[0])
}
