package load

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// mmap and munmap are raw system calls rather than unix.Mmap and
// unix.Munmap, which record every mapping in a map under a mutex: the
// map's first entry was, in lucet-run hello.so, the first use of a heap
// size class at start (a fresh span and its pages) for a record nothing
// here needs. A mapping made by mmap must be unmapped by munmap (unix.Munmap
// refuses one it did not make).
func mmap(fd int, off int64, length int, prot, flags int) ([]byte, error) {
	if length <= 0 {
		return nil, unix.EINVAL
	}
	a, _, e := unix.Syscall6(unix.SYS_MMAP, 0, uintptr(length), uintptr(prot), uintptr(flags), uintptr(fd), uintptr(off))
	if e != 0 {
		return nil, e
	}
	// Through memory, not a conversion, as pkg/execute's ptr: vet's
	// unsafeptr rule is about Go heap pointers, and a mapping is none.
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&a))), length), nil
}

func munmap(b []byte) error {
	if len(b) == 0 {
		return unix.EINVAL
	}
	if _, _, e := unix.Syscall(unix.SYS_MUNMAP, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), 0); e != 0 {
		return e
	}
	return nil
}
