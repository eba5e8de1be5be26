package main

import (
	"io"
	"os"
	"syscall"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/internal/sniff"
)

// offHeapMin is the smallest module read into memory outside the Go heap.
const offHeapMin = 1 << 20

// readInput reads the module. A large regular file is read into anonymous
// memory mapped with MAP_POPULATE, outside the Go heap: the kernel fills
// the pages in one call instead of one page fault each (on this
// project's machines a fault costs twice as much as populating a page),
// and the module's bytes, live until the object is written, no longer
// count toward the collector's heap goal, which would otherwise grow the
// heap by twice their size. lucetc compiles one module and exits, so the
// mapping is never unmapped. Anything else (standard input, a special
// file, a small module, an error) goes through cliflag.ReadInput, which
// also words the errors.
func readInput(path string, stdin io.Reader) (string, []byte, error) {
	if path != "-" {
		if b, ok := readOffHeap(path); ok {
			return path, b, nil
		}
	}
	return cliflag.ReadInput(path, stdin, 0)
}

// readOffHeap reads a regular file of at least offHeapMin bytes into
// populated anonymous memory; ok is false when it did not (the caller
// then reads the file the ordinary way).
func readOffHeap(path string) (b []byte, ok bool) {
	// Look before opening: opening a FIFO waits for its writer, and
	// opening it twice (here, then in ReadInput) would lose what the
	// writer sent to the first.
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() || st.Size() < offHeapMin {
		return nil, false
	}
	// Non-blocking, in case the path was replaced by a FIFO since.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < offHeapMin || st.Size() > sniff.WasmMax {
		return nil, false
	}
	// Only a .wasm module is read here: anything else (a 4 GiB file of
	// zeros, text) is left to ReadInput, which refuses it after its first
	// bytes or by its size rather than reading it all first.
	var magic [4]byte
	if n, err := f.ReadAt(magic[:], 0); n != len(magic) || err != nil || !sniff.IsWasm(magic[:]) {
		return nil, false
	}
	size := int(st.Size())
	// One byte more, to see the end of a file that grew since Stat.
	m, err := syscall.Mmap(-1, 0, size+1, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_POPULATE)
	if err != nil {
		return nil, false
	}
	n, err := io.ReadFull(f, m)
	if err != io.ErrUnexpectedEOF || n != size {
		// Shorter or longer than Stat said, or a read error: leave it to
		// the ordinary path, which reads to the end and reports errors.
		syscall.Munmap(m)
		return nil, false
	}
	return m[:size:size], true
}
