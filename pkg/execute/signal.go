package execute

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/internal/cpuid"
	"github.com/lucet-go/lucet/pkg/abi"
)

// The signal handler (signal_amd64.s) needs two facts, both read without
// locks and without allocating:
//
//   - whether RIP is guest code: sigCodeTab, the address of an immutable
//     table [n, start0, end0, safe0, start1, end1, safe1, ...] of disjoint
//     code ranges sorted by start, searched by bisection. [safe, end) is
//     the part where a preemption may be injected (the functions; the
//     module's stubs and routines before them switch stacks and are not). Writers (serialized by sigMu)
//     build a new table and publish it with one atomic store; the tables
//     they replace are kept reachable until no handler can still be
//     reading them (sigActive, incremented by the handler before it loads
//     the pointer and decremented before it returns or chains, was seen
//     zero after the new table was published). There is no fixed
//     capacity: a table holds one entry per distinct code mapping (a
//     module's code is registered once however many stores run it).
//   - whether a fault address belongs to the faulting guest: read from the
//     vmctx in R15 (valid whenever RIP is guest code) and the ExecContext
//     it points at, private words past the ABI's fields that instantiation
//     fills in (vmGuardLo/Hi: the reservation of memory 0 when the code
//     relies on guard pages; execStackGuardLo/Hi: the guard page below the
//     store's stack; execStackLow: where the accessible part of the stack
//     starts, see stack.go). Nothing is registered per instance or per store, so
//     nothing can run out at any instance count.
var (
	sigCodeTab uintptr // *[1+2n]uintptr, see above; 0 = no guest code
	sigActive  int64   // handlers between entry and exit

	sigOldSEGV, sigOldBUS, sigOldURG uintptr

	sigFaultTraps uint64 // faults the handler turned into traps

	// Exit codes the handler stores (ExitTrap | code<<8), kept here so the
	// assembly does not repeat abi's numbering.
	sigExitOOB   = uintptr(abi.ExitTrap) | uintptr(abi.TrapMemoryOutOfBounds)<<8
	sigExitStack = uintptr(abi.ExitTrap) | uintptr(abi.TrapStackOverflow)<<8

	sigPreempts uint64 // preemptions the handler injected (sigPreempt)

	// sigSaveYMM (0 or 1, set before the handler is installed) makes
	// sigPreempt save and restore all 32 bytes of Y0-Y15, not only their
	// XMM halves. Code compiled for AVX holds data in the upper halves
	// (memory.copy's 32-byte moves), and Go, which runs between the
	// preemption and the resume, clears them (vzeroupper after its AVX
	// memmove). Decided by the hardware, not by GODEBUG: what matters is
	// what code can be using.
	sigSaveYMM uint8

	// sigCleanResumes counts the resumes from sigPreempt that found every
	// saved upper half zero and ended with vzeroupper (tests).
	sigCleanResumes uint64

	// What the handler did with SIGURG (sigStats): every one it saw,
	// those with RIP in guest code, and the injections it refused there,
	// by reason.
	sigStatURG, sigStatURGGuest                   uint64
	sigStatNoSafe, sigStatAboveTop, sigStatNoRoom uint64

	sigMu      sync.Mutex         // serializes writers
	sigCodeRef map[[3]uintptr]int // registered ranges (start, end, safe) and their users; made by the first registerCode (no package initialisation)
	sigRanges  [][3]uintptr       // sigCodeRef's keys in order (codeOrder)
	sigLive    []uintptr          // the published table (kept reachable)
	sigRetired [][]uintptr        // replaced tables a handler may still read
)

// Private words after the ABI's fields of a VMContext and an ExecContext;
// the runtime allocates vmctxSize and execSize bytes.
const (
	vmGuardLo        = abi.VMSize + 0x00 // [lo, hi): memory 0 reservation when it is the bounds check
	vmGuardHi        = abi.VMSize + 0x08
	vmctxSize        = abi.VMSize + 0x10
	execStackGuardLo = abi.ExecSize + 0x00 // [lo, hi): guard page below the guest stack
	execStackGuardHi = abi.ExecSize + 0x08
	execStackLow     = abi.ExecSize + 0x10 // lowest accessible stack address (see stack.go)
	execSize         = abi.ExecSize + 0x18
)

// sigHandler, sigLanding and sigPreempt are assembly; they are never
// called from Go.
func sigHandler()
func sigLanding()
func sigPreempt()
func sigHandlerAddr() uintptr

// kernelSigaction is struct sigaction as rt_sigaction(2) takes it on amd64.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	saSiginfo   = 0x4
	saOnstack   = 0x08000000
	saRestorer  = 0x04000000
	saResethand = 0x80000000
)

var installOnce sync.Once
var installErr error

// installSignals puts sigHandler in front of Go's handlers for SIGSEGV,
// SIGBUS and SIGURG, keeping each old action (flags, mask, restorer) and
// chaining to it for everything that isn't ours.
func installSignals() error {
	installOnce.Do(func() {
		// HardwareBase: LZCNT, which this does not need, can cost a CPUID.
		if cpuid.HardwareBase().AVX {
			sigSaveYMM = 1
		}
		h := sigHandlerAddr()
		for _, s := range []struct {
			sig unix.Signal
			old *uintptr
		}{{unix.SIGURG, &sigOldURG}, {unix.SIGSEGV, &sigOldSEGV}, {unix.SIGBUS, &sigOldBUS}} {
			var old kernelSigaction
			if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s.sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 {
				installErr = fmt.Errorf("execute: rt_sigaction(%v): %w", s.sig, e)
				return
			}
			if old.handler == h {
				continue
			}
			if old.flags&saResethand != 0 || old.flags&saRestorer == 0 {
				installErr = fmt.Errorf("execute: %v handler has flags %#x; not chaining to it", s.sig, old.flags)
				return
			}
			atomic.StoreUintptr(s.old, old.handler)
			nw := old
			nw.handler = h
			nw.flags |= saSiginfo | saOnstack | saRestorer
			if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s.sig), uintptr(unsafe.Pointer(&nw)), 0, 8, 0, 0); e != 0 {
				installErr = fmt.Errorf("execute: rt_sigaction(%v): %w", s.sig, e)
				return
			}
		}
	})
	return installErr
}

// registerCode makes [start, end) known to the handler as guest code until
// as many unregisterCode calls with the same range; [safe, end) is where
// the handler may inject a preemption (see sigPreempt). It fails only
// when the process cannot allocate the new table.
func registerCode(start, safe, end uintptr) (err error) {
	if end <= start || safe < start || safe > end {
		return fmt.Errorf("execute: register code: bad range [%#x, %#x) safe from %#x", start, end, safe)
	}
	sigMu.Lock()
	defer sigMu.Unlock()
	k := [3]uintptr{start, end, safe}
	if sigCodeRef[k] > 0 {
		sigCodeRef[k]++
		return nil
	}
	defer func() {
		// make panics only when the Go heap cannot grow.
		if r := recover(); r != nil {
			err = fmt.Errorf("execute: register code [%#x, %#x): %v", start, end, r)
		}
	}()
	if sigCodeRef == nil {
		sigCodeRef = make(map[[3]uintptr]int)
	}
	sigCodeRef[k] = 1
	i, _ := slices.BinarySearchFunc(sigRanges, k, codeOrder)
	sigRanges = slices.Insert(sigRanges, i, k)
	publishCode()
	return nil
}

// codeOrder orders code ranges by start (then end, safe). sigRanges is
// kept in this order as ranges come and go, so publishing a table is one
// pass: sorting every range on every change made loading n modules cost
// O(n^2 log n) (4,000 preloads: 2.2 s of CPU, 85% of it sorting).
func codeOrder(a, b [3]uintptr) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func unregisterCode(start, safe, end uintptr) {
	sigMu.Lock()
	defer sigMu.Unlock()
	k := [3]uintptr{start, end, safe}
	switch n := sigCodeRef[k]; {
	case n > 1:
		sigCodeRef[k] = n - 1
	case n == 1:
		delete(sigCodeRef, k)
		if i, ok := slices.BinarySearchFunc(sigRanges, k, codeOrder); ok {
			sigRanges = slices.Delete(sigRanges, i, i+1)
		}
		publishCode()
	}
}

// codeTable is the handler's table of rs, ranges in order by start:
// their count, then start, end and entry of each, overlapping ones merged.
func codeTable(rs [][3]uintptr) []uintptr {
	tab := make([]uintptr, 1, 1+3*len(rs))
	for _, r := range rs {
		if n := len(tab); n > 1 && r[0] < tab[n-2] {
			tab[n-2] = max(tab[n-2], r[1])
			tab[n-1] = tab[n-2]
			continue
		}
		tab = append(tab, r[0], r[1], r[2])
	}
	tab[0] = uintptr(len(tab)-1) / 3
	return tab
}

// publishCode builds the handler's table from sigRanges (overlapping
// ranges merged, so bisection finds any address; a merged range is no
// longer trusted for injection) and publishes it. sigMu is held.
func publishCode() {
	tab := codeTable(sigRanges)
	old := sigLive
	sigLive = tab
	atomic.StoreUintptr(&sigCodeTab, uintptr(unsafe.Pointer(&tab[0])))
	if old != nil {
		sigRetired = append(sigRetired, old)
	}
	// A handler that could hold a retired table incremented sigActive
	// before loading the pointer, which it did before the store above.
	if atomic.LoadInt64(&sigActive) == 0 {
		clear(sigRetired)
		sigRetired = sigRetired[:0]
	}
}

// codeRanges returns the published table's ranges (for tests).
func codeRanges() [][2]uintptr {
	sigMu.Lock()
	defer sigMu.Unlock()
	var rs [][2]uintptr
	for i := 1; i+2 < len(sigLive); i += 3 {
		rs = append(rs, [2]uintptr{sigLive[i], sigLive[i+1]})
	}
	return rs
}

// GuardTraps is the number of hardware faults (guard-page hits in memory
// reservations and below guest stacks) the signal handler has turned into
// traps in this process.
func GuardTraps() uint64 { return atomic.LoadUint64(&sigFaultTraps) }

// Preemptions is the number of times the signal handler has made a guest
// thread exit to Go from wherever it was running (see sigPreempt), in
// this process.
func Preemptions() uint64 { return atomic.LoadUint64(&sigPreempts) }

// sigStats is what the signal handler has done in this process, for tests
// and for the state a watchdog dumps: a guest that cannot be stopped shows
// here whether SIGURG reached the handler at all, reached it in guest
// code, and why no preemption was injected.
type sigStats struct {
	URG       uint64 // SIGURG seen, wherever the thread was
	URGGuest  uint64 // ... with RIP in registered guest code
	Preempts  uint64 // ... and a preemption injected
	NoSafe    uint64 // refused: RIP in the stubs or routines before the functions
	AboveTop  uint64 // refused: RSP above the running call's stack top
	NoRoom    uint64 // refused: no room for sigPreempt's frame above the guard page
	FaultTrap uint64 // faults turned into traps
}

func readSigStats() sigStats {
	return sigStats{
		URG:       atomic.LoadUint64(&sigStatURG),
		URGGuest:  atomic.LoadUint64(&sigStatURGGuest),
		Preempts:  atomic.LoadUint64(&sigPreempts),
		NoSafe:    atomic.LoadUint64(&sigStatNoSafe),
		AboveTop:  atomic.LoadUint64(&sigStatAboveTop),
		NoRoom:    atomic.LoadUint64(&sigStatNoRoom),
		FaultTrap: atomic.LoadUint64(&sigFaultTraps),
	}
}

// sub is s - o, field by field (what happened between two reads).
func (s sigStats) sub(o sigStats) sigStats {
	return sigStats{s.URG - o.URG, s.URGGuest - o.URGGuest, s.Preempts - o.Preempts,
		s.NoSafe - o.NoSafe, s.AboveTop - o.AboveTop, s.NoRoom - o.NoRoom, s.FaultTrap - o.FaultTrap}
}
