package execute

import (
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/link"
)

// cowImage is memory 0's initial contents in a sealed memfd made once per
// loaded module (the file is as long as the memory's initial size; pages
// no segment writes are holes, read as zeros). Mapped copy-on-write
// (MAP_PRIVATE|MAP_FIXED) over the start of an instance's memory, it
// costs one mmap whatever the size of the data, its pages are shared
// until the instance writes them, and only what the instance writes costs
// it memory.
//
// When it is mapped depends on its size. A large image (cowMinBytes or
// more) is mapped into every new memory, and a pooled reservation keeps
// it mapped for the module's next instance (reset with MADV_DONTNEED). A
// small one is mapped only into a fresh reservation, in place of the
// mprotect that would otherwise commit its pages, so a new instance
// touches no page of its memory until it runs and never copies a page it
// only reads; given back to the pool, such a reservation drops the
// mapping for anonymous memory, kept resident, into which the image is
// copied for the next instance: on this class of machine a write fault
// costs tens of microseconds, copying a few pages tens of nanoseconds.
//
// A tiny image (copyMaxBytes of data or less) gets no memfd at all: it is
// copied into each memory when the memory is first used (see
// Instance.applyImage). Making the memfd costs five system calls per
// loaded module (memfd_create, ftruncate, pwrite, the seal, and the mmap
// in place of an mprotect), more than a one-shot run such as
// `lucet-run hello.so` spends on the copy's few page faults, and the
// pages a copy-on-write mapping shares are so few that sharing them saves
// next to nothing.
type cowImage struct {
	mu      sync.Mutex
	fd      int
	size    uintptr // bytes mapped: the memory's initial size
	small   bool    // data below cowMinBytes: mapped into fresh reservations only
	cleanup runtime.Cleanup
}

const (
	cowMinBytes  = 256 << 10
	copyMaxBytes = 64 << 10
)

// newCOWImage makes the image of img for a memory of memBytes initial
// bytes, or nil if there is nothing to map or the image is tiny enough to
// be copied instead.
func newCOWImage(img *link.DataImage, memBytes uintptr) (*cowImage, error) {
	if img == nil || !img.Complete || len(img.Pages) == 0 || len(img.Pages)*link.DataPageSize <= copyMaxBytes {
		return nil, nil
	}
	last := img.Pages[len(img.Pages)-1]
	end := roundUp(uintptr(last.MemOffset)+link.DataPageSize, pageSize)
	size := max(roundUp(memBytes, pageSize), end)
	small := len(img.Pages)*link.DataPageSize < cowMinBytes
	fd, err := unix.MemfdCreate("lucet-memory-image", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("execute: memory image: memfd_create: %w", err)
	}
	fail := func(what string, err error) (*cowImage, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("execute: memory image: %s: %w", what, err)
	}
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		return fail("ftruncate", err)
	}
	for _, p := range img.Pages {
		for b, off := p.Bytes, int64(p.MemOffset); len(b) > 0; {
			n, err := unix.Pwrite(fd, b, off)
			if err != nil {
				return fail("write", err)
			}
			b, off = b[n:], off+int64(n)
		}
	}
	// Nobody can change the image under the instances mapping it.
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_WRITE|unix.F_SEAL_SEAL); err != nil {
		return fail("seal", err)
	}
	c := &cowImage{fd: fd, size: size, small: small}
	c.cleanup = runtime.AddCleanup(c, func(fd int) { unix.Close(fd) }, fd)
	return c, nil
}

// Close releases the memfd; instances already mapping it keep their pages.
func (c *cowImage) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd < 0 {
		return nil
	}
	c.cleanup.Stop()
	err := unix.Close(c.fd)
	c.fd = -1
	return err
}

// mapInto maps the image copy-on-write at addr (the start of a memory at
// least c.size long and read-write).
func (c *cowImage) mapInto(addr uintptr) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd < 0 {
		return fmt.Errorf("execute: memory image: module closed")
	}
	_, _, e := unix.Syscall6(unix.SYS_MMAP, addr, c.size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED, uintptr(c.fd), 0)
	if e != 0 {
		return fmt.Errorf("execute: memory image: mmap: %w", e)
	}
	return nil
}

// unmapImage puts fresh anonymous read-write memory back over the first n
// bytes at addr, where an image was mapped: the pages the tenant wrote go
// with the private mapping, nothing is read or cleared.
func unmapImage(addr, n uintptr) error {
	_, _, e := unix.Syscall6(unix.SYS_MMAP, addr, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED|unix.MAP_ANON|unix.MAP_NORESERVE, ^uintptr(0), 0)
	if e != 0 {
		return fmt.Errorf("execute: memory image: remap: %w", e)
	}
	return nil
}
