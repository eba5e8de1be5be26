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
)

// Instance is one instantiated module. One goroutine calls into it at a
// time (its host functions may call back in); Kill and Close may come
// from any goroutine.
type Instance struct {
	pool  *Pool
	mod   *Module
	store *execute.Store
	inst  *execute.Instance
	sys   *wasi.System
	data  any

	// ctx is the context of the running call, for Caller.Context.
	ctx context.Context
	// cause is why the running call was killed (ErrKilled,
	// ErrOutputLimit), for the error it returns.
	cause atomic.Pointer[error]

	mu      sync.Mutex
	calls   int  // calls running (nested ones included)
	closed  bool // no new calls
	pending bool // Close came during a call: free when it returns
	freed   bool
}

// Data is InstanceConfig.Data.
func (i *Instance) Data() any { return i.data }

// Module is the module the instance was made from.
func (i *Instance) Module() *Module { return i.mod }

// Memory is the instance's memory 0, or nil if it has none.
func (i *Instance) Memory() *Memory {
	if i.inst == nil || i.inst.Memory() == nil {
		return nil
	}
	return (*Memory)(i.inst.Memory())
}

// Func returns the exported function called name, or nil.
func (i *Instance) Func(name string) *Func {
	if i.inst == nil {
		return nil
	}
	f := i.inst.Func(name)
	if f == nil {
		return nil
	}
	return &Func{inst: i, f: f, name: name}
}

// Run calls the WASI entry point _start and returns the guest's exit
// status: its proc_exit code, or 0 when _start returns. A trap is the
// error.
func (i *Instance) Run(ctx context.Context) (int, error) {
	f := i.Func("_start")
	if f == nil {
		return 0, fmt.Errorf("run %s: module exports no _start", i.mod.name)
	}
	_, err := f.Call(ctx)
	var exit *ExitError
	if errors.As(err, &exit) {
		return int(exit.Code), nil
	}
	return 0, err
}

// Kill ends the running call, if any, with TrapInterrupt and ErrKilled;
// with none running, the next call fails so. Safe from any goroutine.
func (i *Instance) Kill() { i.kill(ErrKilled) }

func (i *Instance) kill(cause error) {
	i.cause.CompareAndSwap(nil, &cause)
	if i.store != nil {
		i.store.Kill()
	}
}

// Close frees the instance: memory, stack, WASI state. Called during a
// call (from another goroutine), it kills the call and frees the instance
// once the call returns. Closing twice is harmless.
func (i *Instance) Close() error {
	i.mu.Lock()
	if i.closed {
		i.mu.Unlock()
		return nil
	}
	i.closed = true
	if i.calls > 0 {
		i.pending = true
		i.mu.Unlock()
		i.kill(ErrClosed)
		return nil
	}
	i.mu.Unlock()
	return i.free()
}

// free releases everything the instance holds, once.
func (i *Instance) free() error {
	i.mu.Lock()
	if i.freed {
		i.mu.Unlock()
		return nil
	}
	i.freed, i.closed = true, true
	i.mu.Unlock()
	var err error
	if i.store != nil {
		err = i.store.Close()
	}
	if i.sys != nil {
		i.sys.Close()
	}
	i.mod.release()
	i.pool.drop(i)
	return err
}

// enter starts a call; the returned context is the previous one (nested
// calls from host functions restore it).
func (i *Instance) enter(ctx context.Context) (context.Context, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.closed {
		return nil, fmt.Errorf("call: instance of %s: %w", i.mod.name, ErrClosed)
	}
	i.calls++
	prev := i.ctx
	i.ctx = ctx
	return prev, nil
}

func (i *Instance) exit(prev context.Context) {
	i.mu.Lock()
	i.calls--
	i.ctx = prev
	last := i.calls == 0
	pending := last && i.pending
	i.mu.Unlock()
	if last {
		i.cause.Store(nil)
	}
	if pending {
		i.free()
	}
}

// Func is an exported function of an instance.
type Func struct {
	inst *Instance
	f    *execute.Func
	name string
}

// Name is the export's name.
func (f *Func) Name() string { return f.name }

// Params are the function's parameter types.
func (f *Func) Params() []ValueType { return f.f.Type().Params }

// Results are the function's result types.
func (f *Func) Results() []ValueType { return f.f.Type().Results }

// Call calls the function with Go values for its parameters: int32 or
// uint32 for i32 (an untyped constant does), int64 or uint64 for i64,
// float32 for f32, float64 for f64. Results come back as int32, int64,
// float32 and float64. ctx bounds the call: once it is done the guest
// stops with TrapInterrupt, and the error matches ctx.Err() with
// errors.Is. A trap is a *Trap (errors.As); a WASI exit an *ExitError; an
// error from a host function is returned wrapped.
func (f *Func) Call(ctx context.Context, args ...any) ([]any, error) {
	t := f.f.Type()
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
	t := f.f.Type()
	if n := max(len(t.Params), len(t.Results)); len(stack) < n {
		return fmt.Errorf("call %s: stack of %d slots, want %d (%s)", f.name, len(stack), n, t)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("call %s: %w", f.name, err)
	}
	i := f.inst
	prev, err := i.enter(ctx)
	if err != nil {
		return err
	}
	defer i.exit(prev)
	start := time.Now()
	if ctx.Done() == nil {
		err = f.f.CallInto(stack)
	} else {
		var res []uint64
		res, err = f.f.CallContext(ctx, stack[:len(t.Params)]...)
		copy(stack, res)
	}
	return i.callErr(ctx, err, start)
}

// callErr says why a call was interrupted.
func (i *Instance) callErr(ctx context.Context, err error, start time.Time) error {
	if err == nil {
		return nil
	}
	var t *Trap
	if errors.As(err, &t) && t.Code == TrapInterrupt {
		var cause error
		if c := i.cause.Load(); c != nil {
			cause = *c
		} else if ctx.Err() != nil {
			cause = ctx.Err()
		} else if lim := i.pool.store.Timeout; lim > 0 && time.Since(start) >= lim {
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
