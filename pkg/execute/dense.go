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
// place while the warm slots are few (their pages stay resident for the
// next tenant), otherwise returned to the kernel with MADV_DONTNEED
// (cold: no memory kept, the next tenant faults its pages in again).
type densePool struct {
	mu   sync.Mutex
	size uintptr
	// stride is the distance between slots: size, rounded up to a
	// multiple of pmdSize when it is at least that, so that a slot's
	// page-table pages are its own and go when it goes cold (coldSpan).
	stride uintptr
	warm   []warmSlot
	// warmBytes is the sum of the warm slots' n.
	warmBytes uintptr
	cold      []uintptr
	next, end uintptr
	maps      []*region
}

// warmSlot is a slot cleared in place, whose first n bytes its last tenant
// could reach and are now resident zeros.
type warmSlot struct{ a, n uintptr }

// The warm slots are bounded as the arena's free chunks are (warmBytes,
// minWarm in arena.go): by bytes, but at least minWarm of them, so that
// instances made and closed on a few goroutines at once find warm slots.
// As a count of 64, 100,000 closed instances of a C hello world (two
// 64 KiB pages each) left 8 MiB resident in warm slots.

// pmdSize is the span of one page-table page (512 entries of 4 KiB pages).
const pmdSize = 2 << 20

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
		p = &densePool{size: size, stride: size}
		if size >= pmdSize {
			p.stride = roundUp(size, pmdSize)
		}
		dense.pools[size] = p
	}
	return p
}

// get hands out a slot, and how many bytes from its start an earlier
// tenant left resident (cleared); a fresh or cold slot has none, nor any
// page-table page of its own.
func (p *densePool) get() (a, resident uintptr, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.warm); n > 0 {
		w := p.warm[n-1]
		p.warm = p.warm[:n-1]
		p.warmBytes -= w.n
		return w.a, w.n, nil
	}
	if n := len(p.cold); n > 0 {
		a := p.cold[n-1]
		p.cold = p.cold[:n-1]
		return a, 0, nil
	}
	if p.next == p.end {
		n := max(denseBytes/p.stride, 1) * p.stride
		pad := uintptr(0)
		if p.stride >= pmdSize {
			// Linux aligns large anonymous mappings so already (for
			// transparent huge pages), but need not.
			pad = pmdSize
		}
		r, err := reserve(n+pad, unix.PROT_READ|unix.PROT_WRITE)
		if err != nil {
			return 0, 0, fmt.Errorf("execute: dense region of %d-byte slots: %w", p.size, err)
		}
		p.maps = append(p.maps, r)
		p.next = r.addr()
		if pad > 0 {
			p.next = roundUp(p.next, pmdSize)
		}
		p.end = p.next + n
	}
	a = p.next
	p.next += p.stride
	return a, 0, nil
}

// putUntouched takes back a slot handed out with nothing resident whose
// tenant wrote nothing (an instance closed unrun: its image was never put
// in). It is as it was handed out, fresh or cold (zapped, its page tables
// gone), so it goes back cold without a zap: for an instance of gobig
// (46 pages, a 4 MiB coldSpan) the madvise was a third of its close.
func (p *densePool) putUntouched(a uintptr) {
	p.mu.Lock()
	p.cold = append(p.cold, a)
	p.mu.Unlock()
}

// put takes back the slot at a: [a, a+hw) is what its tenant could have
// written, of which the first clean bytes are already zero; resident is
// what get said of the slot when it handed it out.
func (p *densePool) put(a, clean, hw, resident uintptr) {
	clean = min(clean, hw)
	// Kept warm, the slot holds resident what this tenant could reach,
	// and what an earlier one left cleared beyond it.
	n := max(roundUp(hw, pageSize), resident)
	p.mu.Lock()
	warm := hw <= scrubLimit && (len(p.warm) < minWarm || p.warmBytes+n <= warmBytes)
	if warm {
		p.warmBytes += n // counted now: puts racing with this one see it
	}
	p.mu.Unlock()
	if warm {
		clear(bytesAt(a+clean, int(roundUp(hw-clean, pageSize))))
	} else if b := bytesAt(a, int(p.coldSpan(a, hw))); len(b) > 0 && unix.Madvise(b, unix.MADV_DONTNEED) != nil {
		clear(bytesAt(a+clean, int(roundUp(hw-clean, pageSize)))) // cannot fail on our own mapping; stay safe
	}
	p.mu.Lock()
	if warm {
		p.warm = append(p.warm, warmSlot{a, n})
	} else {
		p.cold = append(p.cold, a)
	}
	p.mu.Unlock()
}

// coldSpan is how much of the slot at a, whose tenant could reach hw
// bytes, put hands back to the kernel. It reaches past hw, over pages no
// tenant can touch, for two reasons. An earlier tenant, when the slot was
// warm, may have left cleared pages resident beyond this one's reach (up
// to scrubLimit). And the kernel frees a page-table page that a zap leaves
// empty only when the zap covers all of it (CONFIG_PT_RECLAIM, as on the
// 6.18 development kernel), so the range ends on a pmdSize boundary, which
// slots of pmdSize or more start on. With the zap ending at hw, 100,000
// closed instances of a C hello world that had each run once left their
// 4 KiB page-table pages behind: VmPTE 407 MiB after close, against
// 27 MiB of RSS. Zapping pages never touched costs a page-table walk.
func (p *densePool) coldSpan(a, hw uintptr) uintptr {
	end := a + max(hw, min(scrubLimit, p.size))
	if p.stride >= pmdSize {
		end = roundUp(end, pmdSize)
	}
	return min(end, a+p.stride) - a
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
