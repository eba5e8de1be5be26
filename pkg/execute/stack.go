package execute

import (
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
)

// A store holds a guest stack only while a call runs: the outermost call
// takes one from a process-wide pool and gives it back when it returns,
// so stacks (a mapping and a guard page each, 1 MiB of address space)
// scale with the calls in progress, not with the stores alive, and an idle
// store costs no mapping at all.
//
// A stack remembers the store that last ran on it. Given back, it goes to
// the top of the pool, where the same store usually finds it again on its
// next call; a different store (another tenant) taking it first gets it
// reset: every byte the last tenant could have written reads zero, without
// asking the kernel which pages are resident (mincore cannot see swapped
// pages).
//
// What a tenant could write is known exactly: only the top stackWindow
// bytes of a stack are accessible at first; the rest (down to the guard
// page) is PROT_NONE, and a guest that goes deeper faults there, where the
// signal handler makes the stack accessible down to the fault (mprotect,
// stackGrow at a time) and records the new low in the ExecContext. A reset
// clears [low, top) in place — the window's few pages stay resident, so a
// shallow call costs a memclr and no page fault — and hands anything below
// the window back to the kernel (MADV_DONTNEED, then PROT_NONE again),
// which only deep calls pay for. Page faults are the expensive part here:
// on the development VM, dirtying two pages of a stack and giving them
// back with MADV_DONTNEED cost 90 µs against 0.15 µs to clear 16 KiB in
// place (BenchmarkStackSwitch).
type guestStack struct {
	r     *region // guard page, then the usable stack
	low   uintptr // lowest accessible address
	owner uint64  // id of the store that last ran on it, 0 if clean
}

const (
	stackWindow = 32 << 10
	stackGrow   = 16 << 10 // StackGrowMask in signal_amd64.s
)

func (st *guestStack) top() uintptr { return st.r.addr() + uintptr(len(st.r.mem)) }

// window is the lowest address of the initially accessible part.
func (st *guestStack) window() uintptr {
	return max(st.top()-stackWindow, st.r.addr()+pageSize)
}

// reset makes every byte the last tenant could have written zero.
func (st *guestStack) reset() error {
	win := st.window()
	if st.low < win {
		b := bytesAt(st.low, int(win-st.low))
		if err := unix.Madvise(b, unix.MADV_DONTNEED); err != nil {
			return fmt.Errorf("execute: reset stack: %w", err)
		}
		if err := unix.Mprotect(b, unix.PROT_NONE); err != nil {
			return fmt.Errorf("execute: reset stack: %w", err)
		}
		st.low = win
	}
	clear(bytesAt(st.low, int(st.top()-st.low)))
	st.owner = 0
	return nil
}

var storeIDs atomic.Uint64

var stackPool struct {
	mu   sync.Mutex
	free []stackBucket // one per usable size: a process uses one or two
}

// stackBucket holds the idle stacks of one size. The pool is a slice, not
// a map: the map's first entry was, at the end of lucet-run's guest call,
// the first use of a heap size class (a fresh span and two pages).
type stackBucket struct {
	size   uintptr
	stacks []*guestStack
}

// pooled returns the bucket of stacks of size, or nil; stackPool.mu held.
func pooled(size uintptr) *stackBucket {
	for i := range stackPool.free {
		if b := &stackPool.free[i]; b.size == size {
			return b
		}
	}
	return nil
}

// maxPooledStacks bounds the idle stacks kept per size: about the number
// of calls expected to run (or wait in host functions) at once.
const maxPooledStacks = 64

// getStack returns a stack of size usable bytes (plus the margin) that
// holds nothing of any store but owner's.
func getStack(size uintptr, owner uint64) (*guestStack, error) {
	size = roundUp(size+stackMargin, pageSize)
	stackPool.mu.Lock()
	if b := pooled(size); b != nil && len(b.stacks) > 0 {
		l := b.stacks
		// The store's own stack, if it is near the top; else the top.
		k := len(l) - 1
		for i := len(l) - 1; i >= 0 && i >= len(l)-4; i-- {
			if l[i].owner == owner {
				k = i
				break
			}
		}
		st := l[k]
		l[k] = l[len(l)-1]
		l[len(l)-1] = nil
		b.stacks = l[:len(l)-1]
		stackPool.mu.Unlock()
		if st.owner != owner && st.owner != 0 {
			if err := st.reset(); err != nil {
				st.r.free()
				return newStack(size, owner)
			}
		}
		st.owner = owner
		return st, nil
	}
	stackPool.mu.Unlock()
	return newStack(size, owner)
}

func newStack(size uintptr, owner uint64) (*guestStack, error) {
	r, err := reserve(size+pageSize, unix.PROT_READ|unix.PROT_WRITE)
	if err != nil {
		return nil, err
	}
	st := &guestStack{r: r, owner: owner}
	st.low = st.window()
	if err := r.protect(0, st.low-r.addr(), unix.PROT_NONE); err != nil {
		r.free()
		return nil, err
	}
	return st, nil
}

func putStack(st *guestStack) {
	size := uintptr(len(st.r.mem)) - pageSize
	stackPool.mu.Lock()
	defer stackPool.mu.Unlock()
	b := pooled(size)
	if b == nil {
		stackPool.free = append(stackPool.free, stackBucket{size: size})
		b = &stackPool.free[len(stackPool.free)-1]
	}
	if len(b.stacks) >= maxPooledStacks {
		st.r.free()
		return
	}
	b.stacks = append(b.stacks, st)
}

// takeStack gives the store a stack for an outermost call and points the
// ExecContext's guard words, its real stack limit and every instance's
// stack limit at it.
func (s *Store) takeStack() error {
	st, err := getStack(uintptr(s.cfg.StackSize), s.id)
	if err != nil {
		return err
	}
	s.stack = st
	lo := st.r.addr()
	s.stackTop = lo + uintptr(len(st.r.mem))
	s.stackLimit = lo + pageSize + stackMargin
	s.curTop = s.stackTop
	storePtr(s.exec+execStackGuardLo, lo)
	storePtr(s.exec+execStackGuardHi, lo+pageSize)
	storePtr(s.exec+execStackLow, st.low)
	storePtr(s.exec+abi.ExecStackLimit, s.stackLimit)
	for _, vm := range *s.vmctxs.Load() {
		s.setLimit(vm) // an interrupt requested while idle stays pending
	}
	return nil
}

// dropStack gives the stack back once the outermost call is over.
func (s *Store) dropStack() {
	if s.stack == nil {
		return
	}
	s.stack.low = loadPtr(s.exec + execStackLow)
	putStack(s.stack)
	s.stack = nil
	s.stackTop, s.curTop = 0, 0
	storePtr(s.exec+execStackGuardLo, 0)
	storePtr(s.exec+execStackGuardHi, 0)
}

// ensureStack makes the running call's stack accessible down to addr
// (which is above the limit), as the signal handler does for guest code.
func (s *Store) ensureStack(addr uintptr) error {
	low := loadPtr(s.exec + execStackLow)
	if addr >= low {
		return nil
	}
	nl := max(addr&^(stackGrow-1), s.stack.r.addr()+pageSize)
	if err := unix.Mprotect(bytesAt(nl, int(low-nl)), unix.PROT_READ|unix.PROT_WRITE); err != nil {
		return fmt.Errorf("execute: grow guest stack: %w", err)
	}
	storePtr(s.exec+execStackLow, nl)
	return nil
}
