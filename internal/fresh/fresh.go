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

import "unsafe"

// Make returns a slice of n zero Ts whose memory has been written.
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
		clear(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), size))
	}
}
