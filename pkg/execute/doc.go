// Package execute is the runtime core: it instantiates compiled modules and
// runs their machine code inside this Go process.
//
// In: a module's code mapped read+execute and its object.Meta (from load,
// or an object.Object mapped here), plus the imports. Out: instances whose
// exported functions Go can call, host functions guests can call, and
// traps as *Trap with a wasm backtrace.
//
// A Store is not safe for concurrent use: one goroutine calls into it at a
// time (host functions may call back in on the same goroutine). Externs of
// a store are valid until it is closed.
//
// # How a call runs
//
// Generated code never runs on a goroutine stack. enter (assembly) saves
// the Go SP/BP in the store's ExecContext, switches to the store's guest
// stack (mmap'd, PROT_NONE guard page below, pooled) and calls the entry
// stub. Everything that needs Go — host functions, builtins (memory.grow,
// bulk memory and table operations), interrupts, traps — is an exit: the
// guest stores an exit code and returns straight to enter's (or resume's)
// Go caller, which serves it and calls resume. See pkg/abi for the
// protocol.
//
// # Memory layout
//
// VMContexts, global cells, table and memory descriptors, FuncRef records
// and type-ID arrays live in a per-store arena of anonymous mappings, never
// on the Go heap: generated code writes them and holds raw pointers to
// them. Linear memories and tables reserve their maximum size up front
// (PROT_NONE) and commit as they grow, so their base addresses never move.
// Guest stacks, arena chunks and memory and table reservations are pooled
// process-wide, so a store per request costs a few microseconds; a reused
// reservation is emptied with MADV_DONTNEED and re-protected to its new
// length.
//
// # Scheduler and GC
//
// A goroutine running guest code holds its P and cannot be preempted (the
// PC is not Go code), so a stop-the-world pause would wait for it forever.
// Go asks it to stop the way it asks any goroutine: with its preemption
// signal, SIGURG, sent by sysmon after 10 ms and by every stop-the-world.
// A small assembly handler placed in front of Go's (raw rt_sigaction,
// chaining to Go's for everything else) sees the signal land in registered
// guest code and sets the interrupt word of the vmctx in R15; the guest
// exits at its next function entry or loop header, Go calls
// runtime.Gosched and resumes it. (With GODEBUG=asyncpreemptoff=1 Go sends
// no such signal, and a guest loop stalls the collector as a Go loop
// would.)
//
// Cancellation uses the same word: Config.Timeout (a timer per call),
// Func.CallContext and Store.Kill set it and end the call with
// TrapInterrupt; a host function blocked outside guest code learns of it
// through Caller.Done, which every call has (Kill needs no timeout or
// context to reach it).
//
// # Signals
//
// The same handler turns faults into traps: a SIGSEGV/SIGBUS raised by the
// kernel with RIP in guest code and the fault address in a registered
// guard region (the page below each guest stack; the whole reservation of
// a memory used by BoundsGuard code) rewrites only RIP, to a landing stub
// that performs the ordinary trap exit. Anything else goes to Go's
// handler, so Go's own faults still panic.
package execute
