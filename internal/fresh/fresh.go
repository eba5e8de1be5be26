// Package fresh allocates large slices whose memory is already written,
// so that each page costs one page fault instead of two.
//
// A large allocation is memory the Go runtime got from the kernel and does
// not zero. While the garbage collector marks, the first read of such a
// page comes before its first write: the collector scans a pointerful
// object whole (unused capacity too), and a pointer store's write barrier
// reads the old value of the slot. The kernel maps its shared zero page on
// that read, and the first write then takes a second, copy-on-write fault
// whose TLB flush interrupts every core the process is running on. A
// compile of a large module allocates tens of megabytes this way; with two
// compile workers the flushes were most of the system time parallelism
// added. Writing the memory once through a byte view, right after the
// allocation, takes each page's single fault at once; zeros over zeros
// store no pointer, so no write barrier is needed.
package fresh

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Make returns a slice of n zero Ts whose memory has been written (on
// huge pages where it spans them: see Huge).
func Make[T any](n int) []T {
	s := make([]T, n)
	Touch(s)
	return s
}

// Touch writes zeros over the whole capacity of s, which must be unused
// (all zero): memory just allocated.
func Touch[T any](s []T) {
	s = s[:cap(s)]
	if size := uintptr(len(s)) * unsafe.Sizeof(*new(T)); size > 0 {
		HugeCap(s)
		clear(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), size))
	}
}

// hugePage is the size of an x86-64 transparent huge page.
const hugePage = 2 << 20

// Huge asks the kernel to back the 2 MiB-aligned part of b, memory not yet
// touched, with transparent huge pages (madvise MADV_HUGEPAGE; this
// kernel's THP mode is "madvise", so only such ranges get them). Each huge
// page is then one page fault instead of 512, and a fault costs
// microseconds on a virtualised host: the fresh buffers of a compile of a
// big module were a fifth of its time in faults. The Go runtime no longer
// asks for huge pages itself (to keep idle heaps small), which is right
// for small heaps and wrong for one short-lived buffer of megabytes. A
// hint only: a kernel that refuses, or has none free, maps small pages.
func Huge(b []byte) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (p + hugePage - 1) &^ (hugePage - 1)
	hi := (p + uintptr(len(b))) &^ (hugePage - 1)
	if len(b) < hugePage || hi <= lo {
		return
	}
	_ = unix.Madvise(b[lo-p:hi-p], unix.MADV_HUGEPAGE)
}

// HugeCap is Huge over the whole capacity of s, memory just allocated.
func HugeCap[T any](s []T) {
	if size := uintptr(cap(s)) * unsafe.Sizeof(*new(T)); size > 0 {
		Huge(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), size))
	}
}
