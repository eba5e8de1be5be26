// Package isa is the seam between the machine-independent compiler
// (frontend, ssa, regalloc) and an instruction set: the Machine interface
// the driver in pkg/codegen reaches a backend through, and the types that
// flow across it.
//
// In: an ssa.Func optimized by ssa.Optimize and a regalloc.Result computed
// over the Machine's RegTarget (abstract registers: ssa.Reg values are
// whatever numbers the backend gives its registers). Out: a FuncCode per
// function (code, calls for the linker to resolve, trap and call sites)
// and the module-level Stubs, which the driver lays out and links into an
// object.Object.
//
// The one backend is isa/amd64. A second one (arm64) is a sibling folder
// implementing Machine; what it needs is listed in the doc of isa/amd64.
// The driver compiles functions in parallel: a Machine must be safe for
// concurrent use, and each goroutine gets its own FuncEmitter.
package isa

import (
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Machine is what the driver needs of an instruction set.
type Machine interface {
	// DefaultFeatures are the CPU features (object.Feature* bits) the
	// code uses when Options.Features is 0.
	DefaultFeatures() uint64
	// UsableFeatures are every feature the code generator can make use
	// of when allowed: the object records the allowed features masked by
	// this set, for the loader to refuse a host that lacks one.
	UsableFeatures() uint64
	// CheckFeatures rejects a feature set the backend cannot compile
	// for (a required feature missing).
	CheckFeatures(features uint64) error
	// RegTarget describes the register file to the allocator.
	RegTarget() regalloc.Target
	// NewFuncEmitter returns an emitter for one goroutine at a time; it
	// keeps its buffers from one function to the next.
	NewFuncEmitter() FuncEmitter
	// Stubs emits the module-level code that comes before the
	// functions: the trap and exit routines, an entry stub per type and
	// a host-call stub per imported function.
	Stubs(m *wasm.Module) (*Stubs, error)
	// CodeAlign is the alignment of every function's first byte, and
	// FillByte what pads the gaps (a trapping instruction).
	CodeAlign() int
	FillByte() byte
	// PatchCall points the call whose target field Call.Offset names (at
	// text[at:]) at the code offset to.
	PatchCall(text []byte, at, to int) error
}

// FuncEmitter lowers one function at a time to machine code.
type FuncEmitter interface {
	// Emit selects and encodes the instructions of f, whose values ra
	// placed in registers and stack slots.
	Emit(m *wasm.Module, f *ssa.Func, ra *regalloc.Result, opts *ssa.Options) (*FuncCode, error)
}

// FuncCode is one compiled function before linking. Offsets are relative
// to the function's first byte.
type FuncCode struct {
	Code  []byte
	Calls []Call
	Sites []Site
	// Phases, when not zero, are the offsets from a LineSize boundary
	// the function may start at so that its small loops do not straddle
	// a line: bit k stands for k times the machine's CodeAlign. The
	// linker pads to the first of them.
	Phases uint8
	// Tuned are the tuning features (object.TuningFeatures) the code's
	// shape depends on: a choice between two lowerings was made by one
	// of them. The object records only these, so that a module whose
	// code never made such a choice compiles to the same object whether
	// the host has the feature or not.
	Tuned uint64
}

// LineSize is the span of code placement works to: the fetch and op
// cache line of current x86-64 cores.
const LineSize = 64

// Call is a call whose target only the linker knows.
type Call struct {
	Offset int // what Machine.PatchCall takes: the call's target field
	Target int // a function index (>= 0), CallTrap or CallExit
}

// Call targets of the module-level routines in Stubs.
const (
	CallTrap = -1 // the trap routine (Stubs.Trap)
	CallExit = -2 // the exit routine (Stubs.Exit)
)

// Site is a trapping instruction or a call: the runtime maps the return
// address or faulting PC at Off back to Code and the wasm position.
type Site struct {
	Off  int32 // the PC the runtime sees: after a call, at a fault
	Code abi.TrapCode
	Pos  int32 // offset in the function body
}

// Stubs is the module-level code, laid out first in the text.
type Stubs struct {
	Code       []byte
	Trap, Exit int      // offsets of the trap and exit routines
	Entry      []uint32 // entry stub offset per type index
	Imports    []uint32 // host-call stub offset per imported function
}

// Preparer is implemented by a Machine that marks more of an optimized
// function before register allocation than ssa.Optimize knows to (amd64
// with AVX: v128 loads folded into the operations that read them).
type Preparer interface {
	Prepare(f *ssa.Func, opts *ssa.Options)
}

// Baseline is implemented by a Machine that has a single-pass compiler
// for Options.OptLevel 0: wasm straight to machine code, no SSA.
type Baseline interface {
	NewBaselineEmitter() BaselineEmitter
}

// BaselineEmitter compiles one function at a time, for one goroutine at a
// time. An error wrapping ssa.ErrUnsupported means the function uses
// something the baseline does not handle: the driver compiles it through
// the SSA pipeline instead (the two kinds of code mix freely: they share
// the calling convention, frame layout and runtime contract).
type BaselineEmitter interface {
	Emit(m *wasm.Module, fidx uint32, opts *ssa.Options) (*FuncCode, error)
}
