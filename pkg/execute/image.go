package execute

import (
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/link"
)

// cowImage is memory 0's initial contents in a sealed memfd made once per
// loaded module, mapped copy-on-write (MAP_PRIVATE|MAP_FIXED) over the
// start of each new instance's memory: instantiating then costs one mmap
// whatever the size of the data, pages are shared until an instance writes
// them, and only what an instance writes costs it memory. Holes between
// data pages are holes in the file and read as zeros.
//
// Below cowMinBytes of data copying is cheaper than the mmap (about 2 µs)
// and the two mappings it adds per instance, and the image is copied.
type cowImage struct {
	mu      sync.Mutex
	fd      int
	size    uintptr // bytes mapped: up to the end of the last data page
	cleanup runtime.Cleanup
}

const cowMinBytes = 256 << 10

func newCOWImage(img *link.DataImage) (*cowImage, error) {
	if img == nil || !img.Complete || len(img.Pages)*link.DataPageSize < cowMinBytes {
		return nil, nil
	}
	last := img.Pages[len(img.Pages)-1]
	size := roundUp(uintptr(last.MemOffset)+link.DataPageSize, pageSize)
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
	c := &cowImage{fd: fd, size: size}
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
