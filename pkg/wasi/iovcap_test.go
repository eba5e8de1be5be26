package wasi

import (
	"encoding/binary"
	"math"
	"testing"

	"golang.org/x/sys/unix"
)

// countWriter counts what it is given without reading it, so that gigabytes
// of untouched guest memory cost no RAM.
type countWriter struct{ n int64 }

func (w *countWriter) Write(b []byte) (int, error) { w.n += int64(len(b)); return len(b), nil }

// bigMem is a 4 GiB + 64 KiB guest memory, reserved and never touched
// beyond the iovec arrays the test writes at its start.
func bigMem(t *testing.T) []byte {
	t.Helper()
	b, err := unix.Mmap(-1, 0, 1<<32+1<<16, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		t.Skip("cannot reserve 4 GiB of address space here:", err)
	}
	t.Cleanup(func() { unix.Munmap(b) })
	return b
}

// TestTransferFitsU32: iovecs of a 4 GiB memory may add up to more than a
// u32 can count, but the count of one transfer comes back as a u32. Two 2
// GiB iovecs and one of 16 bytes were written whole, 4 GiB + 16 bytes, and
// fd_write told the guest it had written 16: a guest retrying the rest
// wrote most of it again. The transfer is now cut at 2^32-1 bytes, a short
// write the guest's count matches.
func TestTransferFitsU32(t *testing.T) {
	mem := bigMem(t)
	const arr = 0 // the iovec array; the buffers all start at 64 KiB
	for _, tc := range []struct {
		name string
		lens []uint32
		want []int // each iovec's length once resolved
	}{
		{"small", []uint32{16, 0, 32}, []int{16, 0, 32}},
		{"exactly the cap", []uint32{math.MaxUint32}, []int{math.MaxUint32}},
		{"cap then more", []uint32{math.MaxUint32, 16, 1}, []int{math.MaxUint32, 0, 0}},
		{"two halves and a tail", []uint32{1 << 31, 1 << 31, 16}, []int{1 << 31, 1<<31 - 1, 0}},
		{"many crossing", []uint32{3 << 30, 3 << 30, 3 << 30}, []int{3 << 30, 1<<30 - 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i, l := range tc.lens {
				binary.LittleEndian.PutUint32(mem[arr+8*i:], 1<<16)
				binary.LittleEndian.PutUint32(mem[arr+8*i+4:], l)
			}
			iov, errno := iovecs(nil, mem, arr, uint32(len(tc.lens)))
			if errno != ErrnoSuccess {
				t.Fatalf("errno %d", errno)
			}
			var got []int
			for _, b := range iov {
				got = append(got, len(b))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("lengths %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("lengths %v, want %v", got, tc.want)
				}
			}
		})
	}
	// Every iovec is still checked, those past the cap included.
	binary.LittleEndian.PutUint32(mem[arr:], 1<<16)
	binary.LittleEndian.PutUint32(mem[arr+4:], math.MaxUint32)
	binary.LittleEndian.PutUint32(mem[arr+8:], math.MaxUint32) // out of bounds
	binary.LittleEndian.PutUint32(mem[arr+12:], 1<<17)
	if _, errno := iovecs(nil, mem, arr, 2); errno != ErrnoFault {
		t.Errorf("a bad iovec past the cap: errno %d, want EFAULT", errno)
	}

	// End to end: fd_write to a stream the host gave (an io.Writer) and to
	// a character device, the guest's count matching what was written.
	out := &countWriter{}
	h := newHarness(t, Config{Stdout: out, Preopens: []Preopen{{HostPath: "/dev", GuestPath: "/dev"}}})
	h.mem.b = mem
	null, e := h.open(3, true, "null", 0, rightFdWrite, 0, 0)
	if e != ErrnoSuccess {
		t.Fatalf("open /dev/null: errno %d", e)
	}
	iovs := h.alloc(24)
	for i, l := range []uint32{1 << 31, 1 << 31, 16} {
		binary.LittleEndian.PutUint32(mem[iovs+8*uint32(i):], 1<<16)
		binary.LittleEndian.PutUint32(mem[iovs+8*uint32(i)+4:], l)
	}
	n := h.alloc(4)
	for _, fd := range []uint32{1, null} {
		h.must("fd_write", uint64(fd), uint64(iovs), 3, uint64(n))
		if got := h.u32(n); got != math.MaxUint32 {
			t.Errorf("fd %d: nwritten %d, want %d", fd, got, uint32(math.MaxUint32))
		}
	}
	if out.n != math.MaxUint32 {
		t.Errorf("stdout was given %d bytes, the guest told %d", out.n, uint32(math.MaxUint32))
	}
}
