package execute

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"golang.org/x/sys/unix"
)

// arena hands out small zeroed, 16-byte-aligned blocks: ExecContexts,
// VMContexts, global cells, table and memory descriptors, FuncRef and
// type-ID arrays, the elements of small tables. Nothing is freed
// individually; the owner frees the whole arena. Blocks come from chunks
// of a few size classes carved out of large shared mappings (slabs), so a
// store costs no mapping of its own and no system call: one mapping per
// store would put 100,000 stores over vm.max_map_count by itself.
type arena struct {
	mu     sync.Mutex
	chunks []arenaChunk
	cur    uintptr
	left   uintptr
	inline [2]arenaChunk // chunks' first backing array: a store needs one or two
}

type arenaChunk struct {
	addr, size uintptr
	used       uintptr // bytes handed out (the rest was never written)
	own        *region // a mapping of its own, for blocks above the largest class
}

// Chunk size classes; a slab mapping holds slabBytes of chunks of a class.
// A store's first chunk is the smallest (1 KiB: a small module's store,
// ExecContext, VMContext, descriptors and a small table, fits in it), so
// four stores share a page rather than each touching one of its own; a
// store that needs more takes chunks of at least twice the size of its
// last. Sharing a page is no breach of isolation: the arena holds only
// what the runtime and generated code address through the store's own
// pointers, never guest-addressable memory, and each chunk is cleared
// before it is handed out again.
var arenaClasses = [...]uintptr{minChunk, 4 << 10, 16 << 10, 64 << 10, 256 << 10}

const slabBytes = 4 << 20

// minChunk is the smallest chunk class.
const minChunk = 1 << 10

type slab struct {
	mu sync.Mutex
	// free holds chunks cleared in place, resident, handed out first;
	// cold those (of a page or more) whose pages went back to the
	// kernel, which fault again when touched.
	free, cold []uintptr
	next, end  uintptr // unused part of the newest mapping
	maps       []*region
	// pages counts, for a class smaller than a page, the chunks handed
	// out in each page of each mapping (sorted by address), so that a
	// page whose chunks are all free can go back to the kernel.
	pages []slabPages
}

type slabPages struct {
	base uintptr
	// inUse counts per page of the mapping. A page holds at most
	// pageSize/minChunk = 4 chunks, so a byte is enough. As uint16s the
	// counts were 2 KiB, a heap size class nothing else on lucet-run
	// hello.so's run path used: a fresh span, a page fault, at each
	// start. 1 KiB is the class of the metadata's second string chunk
	// (pkg/object), which every module with more than 512 bytes of
	// names has made by then; a module with more names makes 2 KiB
	// chunks too, and then neither size is new.
	inUse []uint8
}

// The in-use counts of a page must fit a byte.
const _ = uint8(pageSize / minChunk)

// page returns the in-use counter of the page holding chunk a.
func (s *slab) page(a uintptr) *uint8 {
	i := sort.Search(len(s.pages), func(i int) bool { return s.pages[i].base > a }) - 1
	p := &s.pages[i]
	return &p.inUse[(a-p.base)/pageSize]
}

// slabs has one slab per class, of arenaClasses' sizes, which get and put
// are given rather than keep: a slab's zero value is ready, so slabs is
// in .bss. Spelled out with sizes it was .data, where the first lock of a
// slab wrote to a page of the binary that an earlier read nearby had
// mapped (fault-around): a copy of the page and a TLB flush on every CPU
// the process had run on, in every lucet-run's start (perf record -e
// exceptions:page_fault_user, write faults on present pages).
var slabs [len(arenaClasses)]slab

// get hands out a chunk of the slab's class, whose chunks are size bytes.
func (s *slab) get(size uintptr) (uintptr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.free); n > 0 {
		a := s.free[n-1]
		s.free = s.free[:n-1]
		if size < pageSize {
			*s.page(a)++
		}
		return a, nil
	}
	if n := len(s.cold); n > 0 {
		a := s.cold[n-1]
		s.cold = s.cold[:n-1]
		return a, nil
	}
	if s.next == s.end {
		r, err := reserve(slabBytes, unix.PROT_READ|unix.PROT_WRITE)
		if err != nil {
			return 0, err
		}
		s.maps = append(s.maps, r)
		a := r.addr()
		s.next, s.end = a+size, a+slabBytes
		if size < pageSize {
			p := slabPages{base: a, inUse: make([]uint8, slabBytes/pageSize)}
			// The mapping's first chunk is in its first page: the count
			// is stored, not incremented. The counts are fresh memory,
			// and reading them first mapped the zero page, which the
			// write then had to replace: a second fault and a TLB flush
			// on every CPU the process had run on.
			p.inUse[0] = 1
			i := sort.Search(len(s.pages), func(i int) bool { return s.pages[i].base > p.base })
			s.pages = slices.Insert(s.pages, i, p)
		}
		return a, nil
	}
	a := s.next
	s.next += size
	if size < pageSize {
		*s.page(a)++
	}
	return a, nil
}

// warmBytes bounds the free chunks of a class kept resident, for the
// next stores, at no fewer than minWarm chunks (so that stores made and
// closed on a few goroutines at once find warm ones): beyond it a
// chunk's pages go back to the kernel, so the memory of a crowd of
// stores that has gone is returned. As a count of 1,024 chunks of every
// class it kept up to 341 MiB: 10,000 closed instances of a Go program
// (a 64 KiB chunk each for its table) left 48 MiB more resident than
// with the table in a reservation of its own.
const (
	warmBytes = 1 << 20
	minWarm   = 16
)

// warmChunks is the number of free chunks of size bytes kept resident.
func warmChunks(size uintptr) int { return max(int(warmBytes/size), minWarm) }

// put takes back a chunk of which the first used bytes were handed out:
// cleared in place while few chunks are free (they stay resident for the
// next store), else returned with MADV_DONTNEED (zero on the next touch).
// Chunks smaller than a page are always cleared, and a page goes back to
// the kernel once every chunk in it is free.
func (s *slab) put(size, a, used uintptr) {
	if size < pageSize {
		clear(bytesAt(a, int(used)))
		s.mu.Lock()
		s.free = append(s.free, a)
		n := s.page(a)
		*n--
		if *n == 0 && len(s.free) > warmChunks(size) {
			// Under the lock: no chunk of the page can be handed out
			// while its contents are dropped.
			unix.Madvise(bytesAt(a&^(pageSize-1), int(pageSize)), unix.MADV_DONTNEED)
		}
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	warm := len(s.free) < warmChunks(size)
	s.mu.Unlock()
	if !warm && unix.Madvise(bytesAt(a, int(size)), unix.MADV_DONTNEED) != nil {
		warm = true
	}
	if warm {
		clear(bytesAt(a, int(used)))
	}
	s.mu.Lock()
	if warm {
		s.free = append(s.free, a)
	} else {
		s.cold = append(s.cold, a)
	}
	s.mu.Unlock()
}

func (a *arena) alloc(n uintptr) (uintptr, error) {
	n = roundUp(n, 16)
	if n == 0 {
		n = 16
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if n > a.left {
		want := n
		if k := len(a.chunks); k > 0 {
			a.chunks[k-1].used = a.chunks[k-1].size - a.left
			want = max(want, min(2*a.chunks[k-1].size, arenaClasses[len(arenaClasses)-1]))
		}
		c := arenaChunk{}
		for i, size := range arenaClasses {
			if want <= size {
				addr, err := slabs[i].get(size)
				if err != nil {
					return 0, err
				}
				c = arenaChunk{addr: addr, size: size}
				break
			}
		}
		if c.addr == 0 {
			r, err := reserve(n, unix.PROT_READ|unix.PROT_WRITE)
			if err != nil {
				return 0, fmt.Errorf("execute: arena block of %d bytes: %w", n, err)
			}
			c = arenaChunk{addr: r.addr(), size: uintptr(len(r.mem)), own: r}
		}
		if a.chunks == nil {
			a.chunks = a.inline[:0]
		}
		a.chunks = append(a.chunks, c)
		a.cur, a.left = c.addr, c.size
	}
	p := a.cur
	a.cur += n
	a.left -= n
	return p, nil
}

// free returns every chunk. The bytes handed out are cleared (they were
// written, so they are resident: clearing them costs no fault), or the
// chunk handed back to the kernel (slab.put); the rest of each chunk was
// never touched since it was last cleared.
func (a *arena) free() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if k := len(a.chunks); k > 0 {
		a.chunks[k-1].used = a.chunks[k-1].size - a.left
	}
	for _, c := range a.chunks {
		if c.own != nil {
			c.own.free()
			continue
		}
		for i, size := range arenaClasses {
			if size == c.size {
				slabs[i].put(size, c.addr, c.used)
			}
		}
	}
	clear(a.chunks)
	a.chunks, a.cur, a.left = a.chunks[:0], 0, 0
}

// hostArena holds the cells and descriptors of externs the host creates
// outside any store (NewGlobal, NewMemory, NewTable), and the elements of
// small host tables. Unlike a store's arena it frees block by block (their
// Close, or the finalizers of host memories and tables): an embedder that
// makes host externs per request would otherwise grow without bound (up to
// 4 KiB a table). Freed blocks are kept per size class, powers of two from
// 16 bytes to smallTableBytes, for the next extern.
var hostArena hostBlocks

type hostBlocks struct {
	mu    sync.Mutex
	a     arena
	free  [hostClasses][]uintptr
	taken uintptr // bytes taken from a, for tests
}

const hostClasses = 9 // 16 << 8 = 4096 = smallTableBytes

// class returns the size class of an n-byte block and its size.
func (h *hostBlocks) class(n uintptr) (int, uintptr) {
	c, size := 0, uintptr(16)
	for size < n {
		c, size = c+1, size*2
	}
	return c, size
}

func (h *hostBlocks) alloc(n uintptr) (uintptr, error) {
	if n > smallTableBytes {
		return 0, fmt.Errorf("execute: host block of %d bytes", n)
	}
	c, size := h.class(n)
	h.mu.Lock()
	defer h.mu.Unlock()
	if k := len(h.free[c]); k > 0 {
		p := h.free[c][k-1]
		h.free[c] = h.free[c][:k-1]
		return p, nil
	}
	p, err := h.a.alloc(size)
	if err == nil {
		h.taken += size
	}
	return p, err
}

// release takes back a block of n bytes that alloc handed out; it is
// cleared for the next.
func (h *hostBlocks) release(p, n uintptr) {
	c, size := h.class(n)
	clear(bytesAt(p, int(size)))
	h.mu.Lock()
	h.free[c] = append(h.free[c], p)
	h.mu.Unlock()
}
