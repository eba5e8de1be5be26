// Package execute is the runtime core: it instantiates compiled modules and
// runs their machine code inside this Go process.
//
// In: a module's code mapped read+execute and its object.Meta (from load,
// or an object.Object mapped here), plus the imports. Out: instances whose
// exported functions Go can call, host functions guests can call, and
// traps as *Trap with a wasm backtrace.
//
// A Store is not safe for concurrent use: one goroutine calls into it at a
// time (a call from another goroutine meanwhile fails with ErrBusy; host
// functions may call back in on the same goroutine).
//
// # Stores and externs
//
// The externs of a store (its instances' Funcs, Memories, Tables and
// Globals) are valid until it is closed or reset: their cells,
// descriptors and memories then go to the next tenant, so afterwards a
// Func's call fails, a Memory or Table reads as empty (Bytes nil, Len 0,
// Grow and Set refused), a Global's Get and Set panic, and importing one
// into a new instance is a LinkError. Host externs (NewMemory, NewTable,
// NewGlobal, NewHostFunc) belong to no store and may be imported by many;
// closing a host memory or table fails while an instance of a store not
// yet closed or reset imports it. A store's limits (MaxMemoryPages,
// MaxTableElements) hold for its guests' growth of imported externs too.
//
// What a store's guests can make the host commit is bounded per store:
// each memory by MaxMemoryPages, all its tables together by
// MaxTableElements (8 bytes an element: 128 MiB by default; with
// LayoutDense a memory slot's bytes, 16 MiB by default, so a dense store's
// tables hold no more than one of its memories), and the guest stack by
// StackSize. Growth past a limit fails as the spec lets it (memory.grow
// and table.grow return -1, Memory.Grow and Table.Grow report false), and
// an instance whose minimum is past one fails to instantiate with an
// error giving the limit. Nothing bounds the process as a whole: an
// embedder running many stores bounds their number (the lucet package's
// PoolConfig.MaxInstances) so that stores times their limits fits the
// machine (TestTableBudget, TestDenseTableBudget).
//
// Function references are addresses of FuncRef records in a store's
// arena, so they never cross stores. The host may store into a funcref
// table or global (Table.Set, Table.Grow, Global.Set) only null or a
// reference of that extern's store (checked in constant time, refindex.go);
// a host funcref table or mutable funcref global belongs to one store at
// a time, the first that imports it: another store importing it gets a
// LinkError until that one is closed or reset, which nulls the references
// it left there.
//
// # How a call runs
//
// Generated code never runs on a goroutine stack. enter (assembly) saves
// the Go SP/BP in the store's ExecContext, switches to a guest stack
// (mmap'd, PROT_NONE guard page below; taken from a process-wide pool by
// the outermost call and given back when it returns) and calls the entry
// stub. Everything that needs Go — host functions, builtins (memory.grow,
// bulk memory and table operations), interrupts, traps — is an exit: the
// guest stores an exit code and returns straight to enter's (or resume's)
// Go caller, which serves it and calls resume. See pkg/abi for the
// protocol.
//
// # Memory layout
//
// VMContexts, global cells, table and memory descriptors, FuncRef records,
// type-ID arrays and the elements of small tables live in a per-store
// arena carved from large shared slab mappings, never on the Go heap:
// generated code writes them and holds raw pointers to them. An idle store
// holds no guest stack: the outermost call takes one from a process-wide
// pool and returns it (stack.go), so stacks scale with calls in progress.
//
// Linear memories follow the store's Layout, a choice between speed and
// density:
//
//   - LayoutGuard (default): each memory reserves the object's MemReserve
//     plus MemGuard (4 GiB + 2 GiB by default) PROT_NONE, with a 64 KiB
//     guard below its base (abi.MemGuardBelow: x - c accessed as
//     [x - c]), and commits pages as it grows; code compiled with
//     guard-page bounds checks skips the compare on most accesses and the
//     signal handler turns a fault in the reservation or the guard below
//     it into a trap. No memory exceeds 65535 pages (abi.MaxMemPages). Fastest code, but 6 GiB of address space
//     and two mappings per memory: at most about 21,000 memories in a
//     47-bit address space, fewer under vm.max_map_count once images and
//     tables add mappings.
//   - LayoutDense: memories are fixed slots of Config.MaxMemoryPages
//     (default 16 MiB) in a few large read-write mappings; no mapping or
//     system call per instance (TestDenseLayout: 0.0001 mappings and 88 KiB
//     of address space per store at 100,000 stores). Code must carry
//     explicit bounds checks (lucetc --bounds-checks explicit; a
//     guard-mode object is refused), which costs every memory access a
//     compare and branch, and a memory cannot grow past its slot.
//
// Memory 0 starts from the module's data image (a page-aligned image the
// linker lays out). A memory reserved afresh in the guard layout maps it
// copy-on-write from a sealed memfd made once per loaded module, so a new
// instance touches none of its memory's pages until it runs, and pages it
// only reads stay shared; a reservation the pool had kept gets the image
// copied into its resident pages instead (a write fault costs tens of
// microseconds here, a copy of a few pages tens of nanoseconds), unless
// the image is large (256 KiB or more: then it is mapped copy-on-write in
// either layout, and a pooled guard reservation keeps it mapped, reset
// with MADV_DONTNEED). Small images are copied into dense slots, and a
// tiny one (64 KiB of data or less) is always copied: it gets no memfd,
// whose five system calls per loaded module cost a one-shot run more
// than the copy's page faults. Either way the image goes in only when something can see the memory (the
// store's next call, or Memory.Bytes): an instance made ahead of its
// request holds none of its memory's pages (a dense one touches no page
// of its slot), and one closed without running leaves its slot as it got
// it (zero, or the image mapped unmodified), so nothing is reset.
// Instantiating and closing unrun cost no system call and nothing that
// grows with the data (16 MiB of data: 0.4-0.5 µs each, as hello).
//
// Store.Reset makes a store new for the next tenant without freeing the
// store itself: a pool that resets and reuses stores instantiates with no
// Go heap allocation.
//
// Either way a slot given back is reset over its high-water mark, never
// by asking which pages are resident (mincore misses swapped-out pages):
// cleared in place when small (its pages stay resident for the next
// tenant), handed to the kernel with MADV_DONTNEED otherwise. ReadStats
// reports the process's mappings and the runtime's reserved address space.
//
// # Scheduler and GC
//
// A goroutine running guest code holds its P and cannot be preempted (the
// PC is not Go code), so a stop-the-world pause would wait for it forever.
// Go asks it to stop the way it asks any goroutine: with its preemption
// signal, SIGURG, sent by sysmon after 10 ms and by every stop-the-world.
// A small assembly handler placed in front of Go's (raw rt_sigaction,
// chaining to Go's for everything else) sees the signal land in registered
// guest code, sets the interrupt word of the vmctx in R15 and, when RIP is
// in the module's functions and the guest stack has room, does what Go's
// own asynchronous preemption does: it rewrites the signal context so the
// thread "calls" sigPreempt on return (the interrupted PC pushed on the
// guest stack). sigPreempt saves the flags and every general and XMM
// register on the guest stack, exits to Go like an interrupt check, and
// when resumed restores them and returns to the interrupted instruction.
// Go calls runtime.Gosched between the two. So loops need no interrupt
// check (codegen emits none without fuel); function entries keep one,
// which catches the request when injecting was not possible (RIP in a
// stub, the stack about to grow). For a function with a stack check that
// check is the stack check itself: whoever sets the word (the handler,
// Store.interrupt) then raises the vmctx's stack limit to ^0, the check
// fails, and its slow path exits like an interrupt check unless RSP is
// below the real limit (abi.StackLimitInterrupt; setLimit lowers it
// again). (With GODEBUG=asyncpreemptoff=1 Go sends no such signal, and a
// guest loop stalls the collector as a Go loop would.)
//
// Cancellation uses the same word: Config.Timeout (a timer per call),
// Func.CallContext and Store.Kill set it and end the call with
// TrapInterrupt; a host function blocked outside guest code learns of it
// through Caller.Done, which every call has (Kill needs no timeout or
// context to reach it). A kill also sends SIGURG, so a guest loop stops at
// once. Which thread runs the call is not known (a gettid per call would
// cost more than a small call), so a kill of a running call signals every
// thread of the process, which Go's threads all tolerate
// (BenchmarkKillLatency: a fraction of a millisecond from Kill to the
// call's return, where waiting for sysmon's signal took 10-20 ms). A
// signal that lands where nothing can be injected is not the end of it:
// the call checks for a kill before it resumes guest code after any exit,
// and the kill sends its signal again, at growing intervals, until the
// call has ended (Store.resignal).
//
// # Signals
//
// The same handler turns faults into traps: a SIGSEGV/SIGBUS raised by the
// kernel with RIP in guest code (a sorted table of code ranges, published
// lock-free, one entry per loaded module's code) and the fault address in
// a guard region of that very guest (the page below its store's stack; the
// reservation of its memory when its code relies on guard pages), read
// from its vmctx, rewrites only RIP, to a landing stub that performs the
// ordinary trap exit. Nothing is registered per instance, so there is no
// ceiling on instances. A fault in the not-yet-accessible part of a guest
// stack grows the stack instead (see stack.go). Anything else goes to
// Go's handler, so Go's own faults still panic.
package execute
