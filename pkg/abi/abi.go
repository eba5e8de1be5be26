// Package abi is the contract between generated code (codegen), the object
// file (link, load) and the runtime (execute): the layout of the per-instance
// context, the per-call execution context, exit and trap codes, and the
// calling protocol of entry and host-call stubs.
//
// In: nothing. Out: constants and small structs that both sides compile
// against, so a change of layout is one edit here and a version bump.
//
// # Registers
//
// Generated code runs on a guest stack allocated outside the Go heap.
//
//   - R15 holds the instance's VMContext pointer ("vmctx"). It is pinned:
//     every guest function returns with R15 unchanged. A call into another
//     instance (an imported function) sets R15 to the callee's vmctx and the
//     caller restores its own afterwards (from its frame).
//   - R14 holds the base address of memory 0 of the instance in R15, when
//     the module has a memory. It is reloaded from VMMemBase after every call
//     that may leave the instance and after every exit to Go.
//   - RBX, R12 and R13 are callee-saved in the guest calling convention: a
//     guest function that uses one restores it before it returns, and the
//     exit routine keeps them across every exit to Go (which clobbers
//     everything except RSP/RBP/R15) by pushing them below the return
//     address it was called with; ResumePC is then the routine's own tail,
//     which pops them and returns. A trap needs no restore: the guest stack
//     is abandoned. Every other register is caller-saved (R14 is reloaded).
//   - Guest functions keep a frame pointer chain: `push rbp; mov rbp, rsp`
//     in every prologue, so the runtime can walk [rbp] / [rbp+8] for
//     backtraces. The entry trampoline sets RBP = 0, ending the chain.
//
// # Entering guest code
//
// The runtime's assembly trampoline enter(exec, vmctx, entry, target, args)
// saves the Go SP and BP in Exec.GoSP/GoBP, switches RSP to Exec.StackTop,
// sets RBP = 0, R15 = vmctx, R12 = target (the function's code address),
// R13 = args, and calls entry: the entry stub that codegen emitted for the
// target's signature (one per type index; Object.EntryStubs). The stub loads
// R14, moves the parameters from args[i] (8-byte slots, in order; i32 in the
// low 32 bits, f32/f64 as bit patterns, references as uintptr) into the
// guest convention, calls R12, stores the results into args[0..] in order,
// and returns to the trampoline, which restores the Go SP/BP and returns with
// Exec.ExitCode == ExitReturn. args holds max(params, results) slots.
//
// # Exits: traps, host calls, builtins, interrupts
//
// Generated code leaves to Go by storing Exec.ExitCode (kind | arg<<8), and
// for calls also Exec.ResumePC/ResumeSP/HostArgs/ExitVMCtx, then executing
// the exit sequence
//
//	mov rsp, [exec+GoSP]; mov rbp, [exec+GoBP]; ret
//
// which returns from enter (or resume) to its Go caller. exec is loaded from
// [r15+VMExec]. For every exit Exec.FrameBP is the RBP of the guest frame that
// exited (for backtraces) and Exec.TrapPC is a code address that the object's
// site table maps to a function and wasm offset:
//
//   - ExitTrap, arg = TrapCode: TrapPC is the address of the trapping
//     instruction or of its out-of-line trap stub, whichever the site table
//     records. The guest stack is abandoned.
//   - ExitHostCall, arg = imported function index: the host-call stub has
//     stored the arguments in 8-byte slots at HostArgs (on the guest stack,
//     max(params, results) slots). Go runs the host function, writes the
//     results into the same slots, and calls resume(exec), which saves the Go
//     SP/BP again, sets RSP = ResumeSP, RBP = FrameBP, R15 = ExitVMCtx and
//     jumps to ResumePC. TrapPC = the return address of the call in the
//     guest function that called the stub (for traps raised by the host).
//   - ExitBuiltin, arg = Builtin: like a host call, to a runtime builtin
//     (memory.grow, table.grow, bulk memory and table operations). Arguments
//     as listed on each Builtin constant; immediates (segment and table
//     indices) come first.
//   - ExitInterrupt: a prologue's stack check failed although RSP was above
//     the real limit (ExecStackLimit): the runtime raised VMStackLimit to
//     ask for an exit (see VMStackLimit); the guest resumes past the
//     check. Or the guest saw a non-zero VMInterrupt word at
//     the entry of a function without such a check that may run long (a
//     leaf with loops; fuel-instrumented code checks it at every entry and
//     loop header). Or, in
//     fuel-instrumented code (object Meta.Fuel), a negative VMFuel there;
//     resumable like a host call with no arguments. Loops without fuel have
//     no check: the runtime stops them by making the thread exit from
//     wherever it is (a signal handler's injected call, which saves and
//     restores every register; arg 1 marks such an exit).
//     Go either resumes (after yielding to the scheduler) or abandons the
//     call with a trap (timeout, kill switch; TrapOutOfFuel when the
//     exiting instance's VMFuel is negative).
//
// Whatever the kind, Go never runs with guest frames below it on the
// goroutine stack: the guest stack is a separate mapping, and resume
// re-captures the Go SP each time.
package abi

// Version is the ABI version written into objects; the loader refuses any
// other, naming both and the lucetc that compiled the object. Bump it on
// every change to this file and on every change to what generated code
// expects of the runtime. (2: VMFuel is used. 3: loops carry no interrupt
// check unless fuel is metered, so a runtime must be able to stop a loop
// by injecting an exit from its signal handler: code of version 3 on a
// runtime of version 2 could not be stopped by a timeout or a kill.
// 4: RBX, R12 and R13 are callee-saved: code of version 4 calling a
// function of a version 3 object through an import or a table would find
// them clobbered. 5: memories have at most MaxMemPages pages and a guard
// of MemGuardBelow bytes below their base, which generated code relies on
// to fold address constants, see both. 6: a function with a stack check
// has no VMInterrupt check: it relies on the runtime raising VMStackLimit
// with every interrupt request and keeping the real limit in
// ExecStackLimit; code of version 6 on a runtime of version 5 could not be
// interrupted at function entries, nor tell an interrupt from an overflow.)
const Version = 6

// MaxMemPages is the most pages the runtime lets a memory have: one fewer
// than the 65536 a 32-bit memory could address. Generated code relies on
// it: an access at address x with offset o and size s that did not trap
// shows x + o + s <= MaxMemPages*64 KiB, so a later x + c with
// c < 64 KiB + o + s cannot wrap past 2^32 and c can become the
// displacement of another access off x (matmul's c[j+1] after c[j]).
// With a full 4 GiB memory, x + c could wrap to a valid low address that
// the folded access, at base + x + c, would miss. Growing to the 65536th
// page fails as memory.grow may; a memory whose minimum is 65536 pages
// cannot be created.
const MaxMemPages = 65535

// MemGuardBelow is the PROT_NONE guard the runtime maps just below the
// base of every memory that code with guard-page bounds checks can use
// (object.BoundsGuard), part of the memory's own reservation. Such code
// may access x - c with c <= MemGuardBelow as [base + x - c], the
// constant a displacement, where wasm's address is (x - c) mod 2^32:
// both agree when x >= c, and when x < c wasm's address is at least
// 2^32 - c >= MaxMemPages*64 KiB, out of bounds, while base + x - c lies
// in this guard and faults, a fault the signal handler reports as an
// out-of-bounds access (vmGuardLo is the guard's start). The guard never
// becomes accessible, so a negative displacement cannot reach anything
// but it, another instance's memory included.
const MemGuardBelow = 64 << 10

// StackMargin is what the runtime keeps free between a guest stack's
// limit (VMStackLimit) and its guard page: room for what runs below a
// checked prologue without a check of its own, a frame checked before it
// is taken, an unchecked leaf's frame, the stubs (entry, host-call, trap).
const StackMargin = 64 << 10

// VMContext field offsets (from R15). The runtime allocates VMContextSize
// bytes per instance outside the Go heap.
const (
	VMMemBase    = 0x00 // uintptr: base of memory 0 (0 if the module has none)
	VMMemDesc    = 0x08 // *MemoryDesc of memory 0 (shared with importers)
	VMStackLimit = 0x10 // uintptr: a prologue's stack check fails if RSP - frame (or, for a small frame, RSP) < this; see below
	VMInterrupt  = 0x18 // uint32: non-zero asks for ExitInterrupt at the next check; see below
	VMExec       = 0x20 // *ExecContext of the store the instance runs in
	VMGlobals    = 0x28 // *[n]uintptr: address of each global's 16-byte cell, imports first
	VMTables     = 0x30 // *[n]*TableDesc, imports first
	VMFuncRefs   = 0x38 // *[n]FuncRef: one per function index, imports first
	VMTypeIDs    = 0x40 // *[n]uint64: canonical (process-wide) ID of each type index
	VMFuel       = 0x48 // int64: fuel left; fuel-instrumented code subtracts what it runs and exits with ExitInterrupt when negative
	VMSize       = 0x80
)

// Interrupt requests and the stack limit. A function that checks the
// stack in its prologue does not also read VMInterrupt there (a load and a
// branch per call): as in V8 and Go, whoever requests an interrupt stores
// VMInterrupt = 1 and then VMStackLimit = ^0 (StackLimitInterrupt), so
// that the stack check fails. Its out-of-line path compares against the
// real limit, ExecStackLimit: below it the function traps StackOverflow
// as before; above it the function exits with ExitInterrupt (as an
// interrupt check does) and, when resumed, goes on into the function. The
// runtime, where it clears the request or sets the real limit, stores
// VMInterrupt = 0 (when clearing), then VMStackLimit = the real limit,
// then stores ^0 again if VMInterrupt is set by then; with sequentially
// consistent stores a pending request always leaves the limit raised. A
// raised limit with no request costs one exit and a retry.
const StackLimitInterrupt = ^uintptr(0)

// ExecContext field offsets. One ExecContext per store (a group of instances
// that call each other); it lives outside the Go heap.
const (
	ExecGoSP       = 0x00 // Go SP saved by enter/resume (points at their return address)
	ExecGoBP       = 0x08 // Go BP saved by enter/resume
	ExecExitCode   = 0x10 // uint64: ExitKind | arg<<8
	ExecTrapPC     = 0x18 // uintptr: see the package comment
	ExecFrameBP    = 0x20 // uintptr: RBP of the guest frame that exited
	ExecResumePC   = 0x28 // uintptr: where resume continues
	ExecResumeSP   = 0x30 // uintptr: RSP to resume with
	ExecHostArgs   = 0x38 // uintptr: the argument/result slots of a host call or builtin
	ExecExitVMCtx  = 0x40 // uintptr: vmctx of the instance that exited
	ExecStackTop   = 0x48 // uintptr: top of the guest stack (16-byte aligned)
	ExecStackLimit = 0x50 // uintptr: the real stack limit, which VMStackLimit is unless an interrupt raised it
	ExecSize       = 0x80
)

// MemoryDesc describes a linear memory. Base never changes after the memory
// is created: the runtime reserves the maximum (plus guard) up front, so
// growing only changes Len.
type MemoryDesc struct {
	Base uintptr // offset 0
	Len  uint64  // offset 8: current size in bytes
}

// MemoryDesc field offsets.
const (
	MemDescBase = 0
	MemDescLen  = 8
)

// TableDesc describes a table. Elems is an array of Len 8-byte entries: a
// funcref entry is the address of a FuncRef record (0 = null); an externref
// entry is the host's 64-bit value (0 = null). Elems changes when the
// table grows past its block (execute's Table.move): code may keep it only
// where no call, builtin or host function can run in between.
type TableDesc struct {
	Elems uintptr // offset 0
	Len   uint64  // offset 8
}

// TableDesc field offsets.
const (
	TableDescElems = 0
	TableDescLen   = 8
)

// FuncRef is the record a funcref value points to: enough to call the
// function from anywhere. The runtime keeps one per function index per
// instance (VMFuncRefs); for an imported function it describes the exporter's
// function (or this module's host-call stub for a host import, with VMCtx =
// this instance).
type FuncRef struct {
	Code   uintptr // offset 0: the function's code address
	VMCtx  uintptr // offset 8: the vmctx to call it with
	TypeID uint64  // offset 16: canonical type ID, compared by call_indirect
}

// FuncRef field offsets and size.
const (
	FuncRefCode   = 0
	FuncRefVMCtx  = 8
	FuncRefTypeID = 16
	FuncRefSize   = 24
)

// GlobalCellSize is the size of a global's cell (room for a v128).
const GlobalCellSize = 16

// ExitKind is the low byte of Exec.ExitCode.
type ExitKind uint8

const (
	ExitReturn    ExitKind = 0
	ExitTrap      ExitKind = 1 // arg: TrapCode
	ExitHostCall  ExitKind = 2 // arg: imported function index
	ExitBuiltin   ExitKind = 3 // arg: Builtin
	ExitInterrupt ExitKind = 4
)

// TrapCode says why a guest trapped.
type TrapCode uint8

const (
	TrapNone                TrapCode = 0 // a call site (host call or builtin), not a trap
	TrapUnreachable         TrapCode = 1
	TrapMemoryOutOfBounds   TrapCode = 2
	TrapIntegerDivideByZero TrapCode = 3
	TrapIntegerOverflow     TrapCode = 4
	TrapInvalidConversion   TrapCode = 5
	TrapTableOutOfBounds    TrapCode = 6 // table.get/set/fill/copy/init out of range
	TrapIndirectCallToNull  TrapCode = 7 // call_indirect of a null entry
	TrapBadSignature        TrapCode = 8 // call_indirect type mismatch
	TrapStackOverflow       TrapCode = 9
	TrapInterrupt           TrapCode = 10
	TrapOutOfFuel           TrapCode = 11
	TrapUndefinedElement    TrapCode = 12 // call_indirect index >= table size
)

var trapText = [...]string{
	TrapNone:                "no trap",
	TrapUnreachable:         "unreachable",
	TrapMemoryOutOfBounds:   "out of bounds memory access",
	TrapIntegerDivideByZero: "integer divide by zero",
	TrapIntegerOverflow:     "integer overflow",
	TrapInvalidConversion:   "invalid conversion to integer",
	TrapTableOutOfBounds:    "out of bounds table access",
	TrapIndirectCallToNull:  "uninitialized element",
	TrapBadSignature:        "indirect call type mismatch",
	TrapStackOverflow:       "call stack exhausted",
	TrapInterrupt:           "interrupted",
	TrapOutOfFuel:           "all fuel consumed",
	TrapUndefinedElement:    "undefined element",
}

// String is the spec testsuite's wording of the trap.
func (c TrapCode) String() string {
	if int(c) < len(trapText) {
		return trapText[c]
	}
	return "unknown trap"
}

// Builtin identifies a runtime function reached through ExitBuiltin. The
// comment lists its argument slots (then results).
type Builtin uint8

const (
	BuiltinMemoryGrow Builtin = 1  // (delta i32) -> (old pages i32, or -1)
	BuiltinMemoryInit Builtin = 2  // (data idx, dst i32, src i32, n i32)
	BuiltinDataDrop   Builtin = 3  // (data idx)
	BuiltinMemoryCopy Builtin = 4  // (dst i32, src i32, n i32)
	BuiltinMemoryFill Builtin = 5  // (dst i32, value i32, n i32)
	BuiltinTableGrow  Builtin = 6  // (table idx, init ref, delta i32) -> (old size i32, or -1)
	BuiltinTableFill  Builtin = 7  // (table idx, i i32, ref, n i32)
	BuiltinTableCopy  Builtin = 8  // (dst table, src table, d i32, s i32, n i32)
	BuiltinTableInit  Builtin = 9  // (table idx, elem idx, d i32, s i32, n i32)
	BuiltinElemDrop   Builtin = 10 // (elem idx)
	BuiltinTableGet   Builtin = 11 // (table idx, i i32) -> (ref); optional, may be inlined
	BuiltinTableSet   Builtin = 12 // (table idx, i i32, ref); optional, may be inlined
)

// Site kinds recorded in the object's site table besides traps: the return
// address of a call into the runtime (host call or builtin), so errors raised
// there name the wasm instruction.
const SiteCall = TrapNone
