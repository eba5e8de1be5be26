// Package lucet runs WebAssembly modules inside a Go program: compiled
// ahead of time to native code, each instance in a sandbox of its own,
// made in microseconds, so a server can give every request a fresh one.
//
// It is the one package an embedder imports. The packages under pkg/ are
// the pipeline's stages (decode, validate, codegen, load, execute, wasi);
// they stay usable but are not the way in.
//
// # Getting started
//
//	rt := lucet.NewRuntime(lucet.RuntimeConfig{})
//	mod, err := rt.CompileModule(ctx, wasmBytes) // or rt.LoadModule("x.so")
//	pool, err := rt.NewPool(lucet.PoolConfig{Limits: lucet.Limits{Timeout: time.Second}})
//	inst, err := pool.Instantiate(ctx, mod, lucet.InstanceConfig{
//		WASI: &lucet.WASIConfig{Args: []string{"x"}, Stdout: os.Stdout},
//	})
//	defer inst.Close()
//	status, err := inst.Run(ctx) // _start; or inst.Func("add").Call(ctx, 1, 2)
//
// A Runtime compiles .wasm bytes (through an on-disk cache shared with the
// lucet-run tool: the same bytes compile once) or loads objects compiled
// by lucetc, and holds the host functions guests import. A Module is
// loaded once and instantiated any number of times; its machine code is
// shared by all its instances. A Pool makes Instances under common limits.
// An Instance owns its linear memory, globals, tables, stack and WASI
// state; nothing is shared between instances but the code, and a trap in
// one never disturbs another.
//
// # Host functions
//
// HostModule.Func takes an ordinary Go function and works out its wasm
// signature once, by reflection, when it is defined:
//
//	env := rt.NewHostModule("env")
//	env.Func("square", func(x int32) int32 { return x * x })
//	env.Func("log", func(c *lucet.Caller, ptr, n uint32) {
//		s, _ := c.Memory().ReadString(ptr, n)
//		log.Print(s)
//	})
//
// Instantiating a module whose imports nothing provides fails with an
// *ImportError naming every missing import. Linking modules to each other
// (one module's exports satisfying another's imports, as lucet-run
// --preload does) and making unresolved imports trap or return zeros
// (--trap-unknown-imports, --default-values-unknown-imports) are in
// package github.com/lucet-go/lucet/pkg/command (Options.Preloads,
// Options.UnknownImports), the library lucet-run is written over.
//
// # Coming from wazero or wasmtime
//
// wazero's Runtime.CompileModule and InstantiateModule are
// Runtime.CompileModule and Pool.Instantiate here (every instance comes
// from a Pool, which holds the limits); NewHostModuleBuilder(...).
// NewFunctionBuilder().WithFunc(f).Export(name) is NewHostModule(...).
// Func(name, f); wasi_snapshot_preview1.Instantiate and ModuleConfig's
// WithArgs, WithEnv, WithStdout and WithFSConfig are one WASIConfig in
// InstanceConfig; api.Function.Call and CallWithStack (raw uint64
// values) are Func.CallRaw, and Func.Call takes and returns Go values
// (int32, float64, ...); a module's _start is
// Instance.Run, not run at instantiation. wasmtime's Config and Engine
// are RuntimeConfig, its Store and Linker a Pool and the host modules
// of the Runtime; `wasmtime compile` is lucetc, whose objects
// Runtime.LoadModule loads.
//
// # Calls, values and memory
//
// Func.Call takes and returns Go values (int32, int64, float32, float64;
// a wrong type is an error, never a panic); CallRaw passes raw 64-bit
// slots without allocating. Memory's accessors check bounds and report
// ok=false rather than reach past the guest's memory.
//
// # Deadlines, cancellation, limits
//
// Every call takes a context.Context: when it is done, the guest stops at
// its next function entry or loop header (or wherever it waits in WASI)
// and the call returns a *Trap with code TrapInterrupt that also matches
// ctx.Err() under errors.Is. Limits.Timeout bounds every call without a
// context (ErrTimeout), Instance.Kill stops one from another goroutine
// (ErrKilled), Limits.MaxOutputBytes bounds a WASI guest's output
// (ErrOutputLimit), Limits.MaxMemoryBytes its memory (ErrMemoryLimit),
// Limits.MaxTableElements its tables (ErrTableLimit), and
// PoolConfig.MaxInstances the live instances of a pool (ErrPoolFull: it
// never blocks).
//
// # Traps
//
// A trap is a *Trap: its Code (TrapMemoryOutOfBounds,
// TrapIntegerDivideByZero, TrapStackOverflow, ...), the function it
// happened in, the byte offset of the instruction in the .wasm, and the
// wasm backtrace. Guest faults are caught by the runtime's signal handler
// and returned as errors; they never crash the host.
//
// # Layouts: speed or density
//
// LayoutGuard (the default) reserves 4 GiB plus a 2 GiB guard of address
// space per memory and compiles memory accesses without bounds checks: an
// access outside the memory faults in the guard and becomes a trap. It is
// the fastest code, but the 47-bit address space and the kernel's mapping
// limit (vm.max_map_count) hold a process to some 20,000 live instances.
// LayoutDense compiles an explicit bounds check into every access (a
// compare and branch) and reserves only Limits.MaxMemoryBytes (16 MiB by
// default) per memory, so 100,000 instances fit in a process. Pick it in
// RuntimeConfig.Layout: modules are compiled for the runtime's layout and
// its pools use it (PoolConfig.Layout overrides it for one pool).
//
// # Instances are handles
//
// A pool keeps what a closed instance was made of (its store, WASI state
// and bookkeeping) and resets it for the next instance: instantiating
// allocates nothing on the Go heap once the pool is warm. Instance,
// Memory and Func are therefore handles that name the instance they were
// made for: kept after Close, they fail with ErrClosed (a Memory reads as
// empty) and never reach the instance the pool made in its place.
//
// # Concurrency
//
// Runtime, Module and Pool are safe for concurrent use. An Instance runs
// one call at a time: a call while another goroutine's runs fails with
// ErrBusy; use one instance per goroutine (they are cheap).
// Kill and Close may come from any goroutine.
// Guest code does not block Go's scheduler or garbage collector.
package lucet
