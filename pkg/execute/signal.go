package execute

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
)

// The signal handler (signal_amd64.s) reads these tables without locks.
// Slots are published end first, start last, and cleared start first, so
// the handler never sees a range that was not fully written; a slot with
// start 0 is empty. N is a high-water mark.
const (
	sigCodeSlots  = 4096
	sigGuardSlots = 4096
)

var (
	sigCode   [sigCodeSlots][2]uintptr  // guest code: [start, end)
	sigCodeN  uintptr                   // slots in use (high-water)
	sigGuard  [sigGuardSlots][3]uintptr // guard regions: [start, end), exit code
	sigGuardN uintptr

	sigOldSEGV, sigOldBUS, sigOldURG uintptr

	sigFaultTraps uint64 // faults the handler turned into traps

	sigMu sync.Mutex // serializes writers
)

// sigHandler and sigLanding are assembly; they are never called from Go.
func sigHandler()
func sigLanding()
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

// registerCode makes [start, end) known to the handler as guest code. It
// returns the slot, or -1 when the table is full (then preemption falls
// back to the ticker and guard faults are fatal).
func registerCode(start, end uintptr) int {
	sigMu.Lock()
	defer sigMu.Unlock()
	for i := range sigCode {
		if atomic.LoadUintptr(&sigCode[i][0]) == 0 {
			atomic.StoreUintptr(&sigCode[i][1], end)
			atomic.StoreUintptr(&sigCode[i][0], start)
			if uintptr(i) >= sigCodeN {
				atomic.StoreUintptr(&sigCodeN, uintptr(i)+1)
			}
			return i
		}
	}
	return -1
}

func unregisterCode(slot int) {
	if slot < 0 {
		return
	}
	sigMu.Lock()
	defer sigMu.Unlock()
	atomic.StoreUintptr(&sigCode[slot][0], 0)
	atomic.StoreUintptr(&sigCode[slot][1], 0)
}

// registerGuard makes a fault in [start, end) from guest code a trap with
// the given code.
func registerGuard(start, end uintptr, code abi.TrapCode) int {
	sigMu.Lock()
	defer sigMu.Unlock()
	for i := range sigGuard {
		if atomic.LoadUintptr(&sigGuard[i][0]) == 0 {
			atomic.StoreUintptr(&sigGuard[i][1], end)
			atomic.StoreUintptr(&sigGuard[i][2], uintptr(abi.ExitTrap)|uintptr(code)<<8)
			atomic.StoreUintptr(&sigGuard[i][0], start)
			if uintptr(i) >= sigGuardN {
				atomic.StoreUintptr(&sigGuardN, uintptr(i)+1)
			}
			return i
		}
	}
	return -1
}

func unregisterGuard(slot int) {
	if slot < 0 {
		return
	}
	sigMu.Lock()
	defer sigMu.Unlock()
	atomic.StoreUintptr(&sigGuard[slot][0], 0)
	atomic.StoreUintptr(&sigGuard[slot][1], 0)
}

// GuardTraps is the number of hardware faults (guard-page hits in memory
// reservations and below guest stacks) the signal handler has turned into
// traps in this process.
func GuardTraps() uint64 { return atomic.LoadUint64(&sigFaultTraps) }
