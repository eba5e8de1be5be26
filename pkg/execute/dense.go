package execute

import (
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Layout is how a store lays out its linear memories; see the package
// documentation for the trade-off.
type Layout uint8

const (
	// LayoutGuard gives each memory its own reservation of the object's
	// MemReserve plus MemGuard (4 GiB + 2 GiB by default), committed as it
	// grows: code compiled with guard-page bounds checks (lucetc's
	// default, the fastest) needs it. About 21,000 such memories fit in a
	// 47-bit address space, and each costs two mappings.
	LayoutGuard Layout = iota
	// LayoutDense carves memories out of large shared mappings in slots of
	// Config.MaxMemoryPages (default 256 pages, 16 MiB), read-write from
	// the start: no mapping and no system call per instance, so hundreds
	// of thousands fit under the default vm.max_map_count. It needs code
	// compiled with explicit bounds checks (lucetc --bounds-checks
	// explicit); a guard-mode object is refused.
	LayoutDense
)

func (l Layout) String() string {
	switch l {
	case LayoutGuard:
		return "guard"
	case LayoutDense:
		return "dense"
	}
	return fmt.Sprintf("layout(%d)", uint8(l))
}

const defaultDensePages = 256

// denseBytes is how much address space one dense mapping holds; a slot
// never spans two.
const denseBytes = 4 << 30

// densePool hands out the slots of one size. A slot given back is reset
// over its high-water mark (the memory's final length: all its tenant
// could reach, explicit bounds checks keeping it from the rest): cleared in
// place while few warm slots are kept (their pages stay resident for the
// next tenant), otherwise returned to the kernel with MADV_DONTNEED
// (cold: no memory kept, the next tenant faults its pages in again).
type densePool struct {
	mu         sync.Mutex
	size       uintptr
	warm, cold []uintptr
	next, end  uintptr
	maps       []*region
}

const maxWarmSlots = 64

var dense struct {
	mu    sync.Mutex
	pools map[uintptr]*densePool
}

func densePoolFor(size uintptr) *densePool {
	dense.mu.Lock()
	defer dense.mu.Unlock()
	if dense.pools == nil {
		dense.pools = map[uintptr]*densePool{}
	}
	p := dense.pools[size]
	if p == nil {
		p = &densePool{size: size}
		dense.pools[size] = p
	}
	return p
}

func (p *densePool) get() (uintptr, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.warm); n > 0 {
		a := p.warm[n-1]
		p.warm = p.warm[:n-1]
		return a, nil
	}
	if n := len(p.cold); n > 0 {
		a := p.cold[n-1]
		p.cold = p.cold[:n-1]
		return a, nil
	}
	if p.next == p.end {
		n := max(denseBytes/p.size, 1) * p.size
		r, err := reserve(n, unix.PROT_READ|unix.PROT_WRITE)
		if err != nil {
			return 0, fmt.Errorf("execute: dense region of %d-byte slots: %w", p.size, err)
		}
		p.maps = append(p.maps, r)
		p.next, p.end = r.addr(), r.addr()+n
	}
	a := p.next
	p.next += p.size
	return a, nil
}

// put takes back the slot at a: [a, a+hw) is what its tenant could have
// written, of which the first clean bytes are already zero.
func (p *densePool) put(a, clean, hw uintptr) {
	clean = min(clean, hw)
	a, hw = a+clean, hw-clean
	p.mu.Lock()
	warm := len(p.warm) < maxWarmSlots && hw <= scrubLimit
	p.mu.Unlock()
	hw = roundUp(hw, pageSize)
	if warm {
		clear(bytesAt(a, int(hw)))
	} else if hw > 0 && unix.Madvise(bytesAt(a, int(hw)), unix.MADV_DONTNEED) != nil {
		clear(bytesAt(a, int(hw))) // cannot fail on our own mapping; stay safe
	}
	a -= clean
	p.mu.Lock()
	if warm {
		p.warm = append(p.warm, a)
	} else {
		p.cold = append(p.cold, a)
	}
	p.mu.Unlock()
}

// Stats is what the runtime holds of the process's address space.
type Stats struct {
	// Mappings is the number of mappings of the whole process (lines of
	// /proc/self/maps), to set against vm.max_map_count.
	Mappings int
	// Reserved is the address space the runtime has mapped, in bytes:
	// memory and table reservations, dense regions, stacks, arenas.
	Reserved uint64
}

var reservedBytes atomic.Int64

// ReadStats reports the runtime's share of the address space.
func ReadStats() Stats {
	return Stats{Mappings: countMappings(), Reserved: uint64(reservedBytes.Load())}
}
