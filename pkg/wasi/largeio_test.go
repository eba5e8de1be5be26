package wasi

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// stopOnAsk is a Canceler whose Done is closed the first time anyone asks
// for it: a stop that arrives as soon as a call looks.
type stopOnAsk struct {
	*fakeMem
	done  chan struct{}
	asked int
}

func (c *stopOnAsk) Done() <-chan struct{} {
	if c.asked++; c.asked == 1 {
		close(c.done)
	}
	return c.done
}

func (c *stopOnAsk) Err() error { return errStopped }

// A guest may ask one fd_read or fd_write to move gigabytes; a single
// system call that size runs for seconds where no stop reaches it. Such a
// call moves at most ioChunk bytes per system call and looks at its
// Canceler between chunks: stopped at the first look, it has moved one
// chunk, and it allocates nothing in proportion to what it was asked.
// Not stopped, chunking changes nothing a guest sees of a file.
func TestLargeIOCancel(t *testing.T) {
	const huge = 1 << 30
	dir := t.TempDir()
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Fatal(err)
	}
	defer zero.Close()
	null, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	// A sparse file of 1 GiB, for reads.
	if err := os.WriteFile(filepath.Join(dir, "big"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, "big"), huge); err != nil {
		t.Fatal(err)
	}

	h := newHarness(t, Config{Stdin: zero, Stdout: null, Preopens: []Preopen{{HostPath: dir, GuestPath: "/d"}}})
	// Guest memory of 1 GiB and a page: reserved, never touched but
	// for what the calls write.
	mem, err := unix.Mmap(-1, 0, huge+memSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	h.mem.b = mem
	// The iovec: the whole huge buffer, after the harness's own page.
	iovs := h.alloc(8)
	binary.LittleEndian.PutUint32(mem[iovs:], memSize)
	out := h.alloc(4)
	setIov := func(n uint32) { binary.LittleEndian.PutUint32(mem[iovs+4:], n) }

	bigFd, e := h.open(3, false, "big", 0, fileRW, 0, 0)
	if e != ErrnoSuccess {
		t.Fatalf("open big: %d", e)
	}
	outFd, e := h.open(3, false, "out", oflagCreat, fileRW, 0, 0)
	if e != ErrnoSuccess {
		t.Fatalf("open out: %d", e)
	}
	tests := []struct {
		name string
		fn   string
		fd   uint32
		size uint32
		off  uint64 // for fd_pread and fd_pwrite
		stop bool   // a Canceler that stops at the first look
		want uint32 // bytes moved (at most that, for a stream read)
	}{
		// A stream read is short, stopped or not (RWF_NOWAIT reads
		// /dev/zero a page at a time).
		{"read /dev/zero", "fd_read", 0, huge, 0, false, ioChunk},
		{"write /dev/null", "fd_write", 1, huge, 0, true, ioChunk},
		{"read file", "fd_read", bigFd, huge, 0, true, ioChunk},
		{"pread file", "fd_pread", bigFd, huge, 7, true, ioChunk},
		{"write file", "fd_write", outFd, huge, 0, true, ioChunk},
		{"pwrite file", "fd_pwrite", outFd, huge, 3, true, ioChunk},
		// Not stopped: a file read or write is whole.
		{"read file whole", "fd_read", bigFd, 3*ioChunk + 5, 0, false, 3*ioChunk + 5},
		{"pread file whole", "fd_pread", bigFd, 3*ioChunk + 5, huge - 2*ioChunk, false, 2 * ioChunk},
		{"write file whole", "fd_write", outFd, 3*ioChunk + 5, 0, false, 3*ioChunk + 5},
		{"pwrite file whole", "fd_pwrite", outFd, 2*ioChunk + 1, 9, false, 2*ioChunk + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			setIov(tc.size)
			var m Memory = h.via
			if tc.stop {
				m = &stopOnAsk{fakeMem: h.mem, done: make(chan struct{})}
			}
			stack := []uint64{uint64(tc.fd), uint64(iovs), 1, uint64(out)}
			if tc.fn == "fd_pread" || tc.fn == "fd_pwrite" {
				stack = []uint64{uint64(tc.fd), uint64(iovs), 1, tc.off, uint64(out)}
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := h.funcs[tc.fn].Call(m, stack)
			runtime.ReadMemStats(&after)
			if err != nil || Errno(stack[0]) != ErrnoSuccess {
				t.Fatalf("%s: %v, errno %d", tc.fn, err, stack[0])
			}
			if got := h.u32(out); got != tc.want && !(tc.fd == 0 && got > 0 && got <= tc.want) {
				t.Errorf("%s of %d bytes moved %d, want %d", tc.fn, tc.size, got, tc.want)
			}
			if a := after.TotalAlloc - before.TotalAlloc; a > 64<<10 {
				t.Errorf("%s of %d bytes allocated %d bytes", tc.fn, tc.size, a)
			}
		})
	}
	// random_get has no short count: stopped after its first chunk, it
	// ends the call, and the rest of the buffer was never written.
	t.Run("random_get", func(t *testing.T) {
		m := &stopOnAsk{fakeMem: h.mem, done: make(chan struct{})}
		stack := []uint64{memSize, huge}
		if err := h.funcs["random_get"].Call(m, stack); err != errStopped {
			t.Fatalf("random_get of 1 GiB stopped at the first look: %v (errno %d), want %v", err, stack[0], errStopped)
		}
		if bytes.Count(mem[memSize:memSize+ioChunk], []byte{0}) > ioChunk/64 {
			t.Errorf("the first chunk was not filled")
		}
		if bytes.IndexFunc(mem[memSize+ioChunk:memSize+2*ioChunk], func(r rune) bool { return r != 0 }) >= 0 {
			t.Errorf("random_get wrote past its first chunk after it was stopped")
		}
	})
	// The stopped fd_write moved the offset one chunk on, where the
	// whole one wrote after it; the fd_pwrites ended before that.
	fi, err := os.Stat(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(ioChunk + 3*ioChunk + 5); fi.Size() != want {
		t.Errorf("out is %d bytes, want %d", fi.Size(), want)
	}
}
