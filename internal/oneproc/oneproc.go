// Package oneproc runs a command's start-up on one P (GOMAXPROCS 1) until
// it has work for more: importing it holds the process to one P from its
// package initialisation on, and Release gives back what the runtime
// chose (or what the GOMAXPROCS environment variable asked for).
//
// Why: lucet-run's start is single-threaded work (initialising packages,
// mapping and checking a .so, instantiating), but with two Ps the runtime
// moves the main goroutine between them: around a system call that sysmon
// saw block, and when a goroutine it woke takes the P. Each P allocates
// from its own cache of heap spans, so the first allocation of each size
// class on the second P takes a fresh span, a fresh page to fault in.
// Holding one P from the first package initialisation that can run after
// the runtime's (this package imports only runtime) until the guest runs,
// lucet-run hello.so took 291 page faults instead of 313 (median of 12
// runs each) and 0.4 ms less CPU (200 interleaved runs, 2026-12-06).
// With GOMAXPROCS=1 in the environment, runtime start-up included, it is
// 266: the rest is the runtime's own start, before any package of ours.
//
// What comes after start-up needs every P back: the compiler generates
// code in parallel, and a guest spinning in compiled code gives up its P
// only when Go preempts it (pkg/execute's doc: sysmon's signal, 10 ms
// late) or, under GODEBUG=asyncpreemptoff=1, never, so --timeout's timer
// would fire late or not at all on one P. lucet-run calls Release before
// it compiles, and for the guest from a goroutine that runs once the
// guest blocks or is preempted (before it runs, under asyncpreemptoff).
package oneproc

import (
	"runtime"
	"sync"
)

var (
	mu sync.Mutex
	// held is the GOMAXPROCS Hold replaced; 0 when not holding.
	held int
)

func init() { Hold() }

// Hold sets GOMAXPROCS to 1 until Release; it does nothing when it is 1
// already or Hold holds it. Package initialisation calls it; tests call
// it again to start from where a command starts.
func Hold() {
	mu.Lock()
	defer mu.Unlock()
	if held != 0 {
		return
	}
	if prev := runtime.GOMAXPROCS(1); prev > 1 {
		held = prev
	}
}

// Release undoes Hold. custom says that GOMAXPROCS was set by the user
// (the GOMAXPROCS environment variable): the value Hold replaced is put
// back as it was. Otherwise the runtime's default is, with its automatic
// updates (for a changed CPU quota or affinity) that calling
// runtime.GOMAXPROCS turned off. Release does nothing when nothing is
// held, so calling it again costs a lock.
func Release(custom bool) {
	mu.Lock()
	defer mu.Unlock()
	if held == 0 {
		return
	}
	if custom {
		runtime.GOMAXPROCS(held)
	} else {
		runtime.SetDefaultGOMAXPROCS()
	}
	held = 0
}
