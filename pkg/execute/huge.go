package execute

import (
	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/abi"
)

// Transparent huge pages for large linear memories.
//
// A guest that works over megabytes of its memory (a sieve over a 20 MB
// array, a matrix, a big heap) pays on 4 KiB pages for a TLB miss per
// page it strides into, a two-dimensional page walk under a hypervisor,
// and a page fault per page it first touches. This kernel's THP mode is
// "madvise": only ranges advised MADV_HUGEPAGE get 2 MiB pages. The
// sieve of the peers corpus (20 MB, strides up to 4.4 KB) ran 0.91 of
// its time with them (11 interleaved runs, CPU time), below wasmtime's
// and gcc's, whose memories stay on small pages.
//
// Only what lies past hugeFrom is advised, and only once the memory
// grows past it: a small guest (hello world, a request handler with a
// few pages of heap) never touches a huge page, so its start-up and
// its resident memory per instance stay what they were (a huge page is
// zeroed whole at its first touch: tens of microseconds and 2 MiB
// resident). The advice sets a flag on the reservation's mapping, which
// the pieces later made read-write by Grow inherit, so it is one system
// call per memory that grows large (the mapping splits once more there),
// none for one that does not; a pooled reservation keeps it. A hint: a
// kernel with none free, or THP off, maps small pages.
const hugeFrom = 4 << 20

// hugeStart is where m's range for huge pages begins: hugeFrom, or the
// end of the data image mapped at its start if further.
func (m *Memory) hugeStart() uintptr { return max(hugeFrom, roundUp(m.image, pageSize)) }

// adviseHuge asks for huge pages over m's reservation from hugeStart on, when
// the memory's length goes from cur to n bytes across hugeFrom.
func (m *Memory) adviseHuge(cur, n uintptr) {
	if m.dense || cur > hugeFrom || n <= hugeFrom {
		return
	}
	from := m.hugeStart()
	if from < uintptr(len(m.res.mem)) {
		_ = unix.Madvise(m.res.mem[from:], unix.MADV_HUGEPAGE)
	}
}

// smallPages takes back (on) or restores (!on) the huge-page advice over
// m's advised range, if m has one. Active data segments applied one by
// one at instantiation (a module whose data has no image: sparse, or one
// segment out of bounds) would otherwise make each byte they write fault
// in and zero a whole 2 MiB page: 50,000 one-byte segments 40 KiB apart
// were 2 GB resident and seconds of kernel time, against 200 MB on small
// pages. Pages touched while the advice is off stay small; the rest of
// the memory still gets huge pages when the guest reaches it.
func (m *Memory) smallPages(on bool) bool {
	if m.dense || load64(m.desc+abi.MemDescLen) <= hugeFrom {
		return false
	}
	from := m.hugeStart()
	if from >= uintptr(len(m.res.mem)) {
		return false
	}
	advice := unix.MADV_HUGEPAGE
	if on {
		advice = unix.MADV_NOHUGEPAGE
	}
	_ = unix.Madvise(m.res.mem[from:], advice)
	return true
}

// hugePage is x86-64's transparent huge page.
const hugePage = 2 << 20

// collapseHuge is Grow's second half of adviseHuge, for a memory already
// advised that grows from cur to n bytes. A huge page is only ever
// mapped at a fault on a 2 MiB-aligned block lying wholly inside one
// mapping of the same protection; the block holding a memory's end
// straddles read-write and PROT_NONE, so the pages touched there are
// small ones, and the block keeps small pages for the rest of its life
// once it has a page table, however far the memory later grows. A guest
// whose allocator grows its memory a little at a time and writes what it
// got (malloc's sbrk) thus gets small pages almost everywhere. When a
// grow takes the memory's end past such a block, the block is collapsed
// into a huge page (MADV_COLLAPSE, Linux 6.1; the pages already written
// are copied once, the rest of the block needs no fault). A hint, as the
// advice: an older kernel, or one with no huge page free, leaves the
// small pages.
func (m *Memory) collapseHuge(cur, n uintptr) {
	if m.dense || cur <= hugeFrom {
		return
	}
	from := m.hugeStart()
	base := m.res.addr()
	blk := (base + cur) &^ (hugePage - 1)
	if blk == base+cur || blk < base+from || blk+hugePage > base+n {
		return
	}
	_ = unix.Madvise(bytesAt(blk, hugePage), unix.MADV_COLLAPSE)
}
