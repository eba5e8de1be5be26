package wasi

import (
	"encoding/binary"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// fakeMem is a guest memory backed by a plain slice.
type fakeMem struct{ b []byte }

func (m *fakeMem) Bytes() []byte { return m.b }

const memSize = 1 << 16

// badPtr is a pointer no 64 KiB test memory contains, close enough to 2^32
// that ptr+len would wrap in 32-bit arithmetic.
const badPtr = 0xFFFF_FFF0

// harness drives a System through Func.Call only, like the runtime does:
// with a memory that is also a Canceler (never cancelled), so calls on
// streams take the cancellable path the runtime's calls take.
type harness struct {
	t     *testing.T
	s     *System
	mem   *fakeMem
	via   Memory // what call passes: mem as a Canceler
	funcs map[string]Func
	next  uint32 // bump allocator over mem
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	h := &harness{t: t, s: s, mem: &fakeMem{b: make([]byte, memSize)}, funcs: map[string]Func{}, next: 64}
	h.via = newCancelMem(t, h.mem, -1, nil)
	for _, f := range s.Funcs() {
		h.funcs[f.Name] = f
	}
	return h
}

// call invokes a function by name and returns its errno; any Go error fails
// the test.
func (h *harness) call(name string, args ...uint64) Errno {
	h.t.Helper()
	f, ok := h.funcs[name]
	if !ok {
		h.t.Fatalf("no function %s", name)
	}
	if len(args) != len(f.Params) {
		h.t.Fatalf("%s: %d args for %d params", name, len(args), len(f.Params))
	}
	stack := make([]uint64, max(len(args), len(f.Results), 1))
	for i, a := range args {
		if f.Params[i] == wasm.I32 {
			a = uint64(uint32(a))
		}
		stack[i] = a
	}
	if err := f.Call(h.via, stack); err != nil {
		h.t.Fatalf("%s: host error %v", name, err)
	}
	return Errno(stack[0])
}

// must calls and requires success.
func (h *harness) must(name string, args ...uint64) {
	h.t.Helper()
	if e := h.call(name, args...); e != ErrnoSuccess {
		h.t.Fatalf("%s%v: errno %d", name, args, e)
	}
}

func (h *harness) expect(want Errno, name string, args ...uint64) {
	h.t.Helper()
	if e := h.call(name, args...); e != want {
		h.t.Fatalf("%s%v: errno %d, want %d", name, args, e, want)
	}
}

// alloc reserves n bytes of guest memory, 8-aligned.
func (h *harness) alloc(n uint32) uint32 {
	p := (h.next + 7) &^ 7
	h.next = p + n
	if h.next > uint32(len(h.mem.b)) {
		h.t.Fatal("test memory exhausted")
	}
	return p
}

// str places s in guest memory and returns (ptr, len) as call args.
func (h *harness) str(s string) (uint64, uint64) {
	p := h.alloc(uint32(len(s)) + 1)
	copy(h.mem.b[p:], s)
	return uint64(p), uint64(len(s))
}

// iov places the buffers' iovec array (buffers allocated in guest memory,
// filled with data) and returns (iovs ptr, count) plus each buffer's ptr.
func (h *harness) iov(bufs ...[]byte) (uint64, uint64, []uint32) {
	arr := h.alloc(uint32(8 * len(bufs)))
	ptrs := make([]uint32, len(bufs))
	for i, b := range bufs {
		p := h.alloc(uint32(len(b)))
		copy(h.mem.b[p:], b)
		ptrs[i] = p
		binary.LittleEndian.PutUint32(h.mem.b[arr+uint32(i)*8:], p)
		binary.LittleEndian.PutUint32(h.mem.b[arr+uint32(i)*8+4:], uint32(len(b)))
	}
	return uint64(arr), uint64(len(bufs)), ptrs
}

func (h *harness) u32(p uint32) uint32 { return binary.LittleEndian.Uint32(h.mem.b[p:]) }
func (h *harness) u64(p uint32) uint64 { return binary.LittleEndian.Uint64(h.mem.b[p:]) }
func (h *harness) bytes(p, n uint32) []byte {
	return append([]byte(nil), h.mem.b[p:p+n]...)
}

// open is path_open with everything spelled out; it returns the new fd.
func (h *harness) open(dirfd uint32, follow bool, path string, oflags uint32, base, inh uint64, fdflags uint32) (uint32, Errno) {
	h.t.Helper()
	pp, pl := h.str(path)
	out := h.alloc(4)
	df := uint64(0)
	if follow {
		df = lookupSymFollow
	}
	e := h.call("path_open", uint64(dirfd), df, pp, pl, uint64(oflags), base, inh, uint64(fdflags), uint64(out))
	return h.u32(out), e
}

// writeAll writes data through fd_write.
func (h *harness) write(fd uint32, data ...[]byte) uint32 {
	h.t.Helper()
	ip, ic, _ := h.iov(data...)
	out := h.alloc(4)
	h.must("fd_write", uint64(fd), ip, ic, uint64(out))
	return h.u32(out)
}

// read reads up to n bytes through fd_read.
func (h *harness) read(fd uint32, n int) []byte {
	h.t.Helper()
	ip, ic, ptrs := h.iov(make([]byte, n))
	out := h.alloc(4)
	h.must("fd_read", uint64(fd), ip, ic, uint64(out))
	return h.bytes(ptrs[0], h.u32(out))
}
