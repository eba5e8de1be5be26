package lucet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Trap is a guest trap, returned (possibly wrapped) by calls and by
// instantiation: why (Code), where (Func, FuncIndex, WasmOffset: the byte
// offset of the trapping instruction in the .wasm) and the wasm backtrace
// (Frames, innermost first). Test with errors.As, or errors.Is against
// &Trap{Code: c} to match a code.
type Trap = execute.Trap

// HostPanicError is the error of a call whose host function panicked; it
// names the import and carries the panic value. errors.Is(err,
// ErrHostPanic) matches it.
type HostPanicError = execute.HostPanicError

// ErrHostPanic matches a HostPanicError.
var ErrHostPanic = execute.ErrHostPanic

// ErrBusy is returned (wrapped) by a call on an instance that is running
// a call on another goroutine: an instance runs one call at a time (its
// host functions may still call back in from the call's own goroutine).
var ErrBusy = execute.ErrBusy

// Frame is one guest frame of a trap's backtrace.
type Frame = execute.Frame

// TrapCode says why a guest trapped.
type TrapCode = abi.TrapCode

// The trap codes.
const (
	TrapUnreachable         = abi.TrapUnreachable
	TrapMemoryOutOfBounds   = abi.TrapMemoryOutOfBounds
	TrapIntegerDivideByZero = abi.TrapIntegerDivideByZero
	TrapIntegerOverflow     = abi.TrapIntegerOverflow
	TrapInvalidConversion   = abi.TrapInvalidConversion
	TrapTableOutOfBounds    = abi.TrapTableOutOfBounds
	TrapIndirectCallToNull  = abi.TrapIndirectCallToNull
	TrapBadSignature        = abi.TrapBadSignature
	TrapStackOverflow       = abi.TrapStackOverflow
	TrapInterrupt           = abi.TrapInterrupt // timeout, cancelled context, Kill
	TrapOutOfFuel           = abi.TrapOutOfFuel
	TrapUndefinedElement    = abi.TrapUndefinedElement
)

// ExitError is a WASI guest's proc_exit with a status other than zero,
// returned by Func.Call; Instance.Run turns it into the exit status.
type ExitError = wasi.ExitError

var (
	// ErrPoolFull is returned (wrapped) by Pool.Instantiate when the pool
	// already holds PoolConfig.MaxInstances live instances. It never
	// blocks: the caller decides whether to wait, shed load or grow.
	ErrPoolFull = errors.New("lucet: pool is full")
	// ErrPoolClosed is returned by Pool.Instantiate after Pool.Close.
	ErrPoolClosed = errors.New("lucet: pool is closed")
	// ErrClosed is returned for a call on a closed instance or for
	// instantiating a closed module.
	ErrClosed = errors.New("lucet: closed")
	// ErrTimeout is joined to the TrapInterrupt of a call that ran past
	// Limits.Timeout.
	ErrTimeout = errors.New("lucet: call exceeded its time limit")
	// ErrKilled is joined to the TrapInterrupt of a call ended by
	// Instance.Kill.
	ErrKilled = errors.New("lucet: instance killed")
)

// ImportError lists the imports of a module that nothing provides (no host
// module of the runtime, nor WASI when the instance has none), or provides
// with the wrong type.
type ImportError struct {
	Module  string   // the module's name, or "module"
	Missing []string // "env.log: func (i32, i32) -> ()", one per import
	Wrong   []string // "env.add: want func (i32) -> i32, have func (i64) -> i64"
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "instantiate %s:", wasm.Printable(e.Module))
	if len(e.Missing) > 0 {
		fmt.Fprintf(&b, " missing import%s %s", plural(len(e.Missing)), strings.Join(e.Missing, "; "))
	}
	if len(e.Wrong) > 0 {
		if len(e.Missing) > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " import%s of the wrong type: %s", plural(len(e.Wrong)), strings.Join(e.Wrong, "; "))
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// callError is a TrapInterrupt together with what caused it (a context's
// error, ErrTimeout or ErrKilled): errors.As finds the *Trap, errors.Is the
// cause.
type callError struct {
	trap  *Trap
	cause error
}

func (e *callError) Error() string {
	s := e.trap.Error()
	first, rest, _ := strings.Cut(s, "\n")
	if rest != "" {
		rest = "\n" + rest
	}
	return first + " (" + e.cause.Error() + ")" + rest
}

func (e *callError) Unwrap() []error { return []error{e.trap, e.cause} }
