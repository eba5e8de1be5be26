package wasi

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/wasi/preview1"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFuncSignatures checks that the host functions are preview1's table, in
// its order (preview1's tests check the table against the witx).
func TestFuncSignatures(t *testing.T) {
	h := newHarness(t, Config{})
	funcs, want := h.s.Funcs(), preview1.Funcs()
	if len(funcs) != len(want) {
		t.Fatalf("got %d functions, want %d", len(funcs), len(want))
	}
	for i, f := range funcs {
		got := wasm.FuncType{Params: f.Params, Results: f.Results}
		if f.Name != want[i].Name || !got.Equal(want[i].Type) {
			t.Errorf("function %d: %s %s, want %s %s", i, f.Name, got, want[i].Name, want[i].Type)
		}
	}
	if ModuleName != "wasi_snapshot_preview1" {
		t.Errorf("ModuleName = %q", ModuleName)
	}
}

func TestArgsEnviron(t *testing.T) {
	args := []string{"prog", "", "héllo wörld"}
	env := []string{"A=1", "EMPTY="}
	h := newHarness(t, Config{Args: args, Env: env})
	for _, tc := range []struct {
		sizes, get string
		list       []string
	}{
		{"args_sizes_get", "args_get", args},
		{"environ_sizes_get", "environ_get", env},
	} {
		t.Run(tc.get, func(t *testing.T) {
			cnt, size := h.alloc(4), h.alloc(4)
			h.must(tc.sizes, uint64(cnt), uint64(size))
			wantSize := 0
			for _, s := range tc.list {
				wantSize += len(s) + 1
			}
			if h.u32(cnt) != uint32(len(tc.list)) || h.u32(size) != uint32(wantSize) {
				t.Fatalf("sizes = %d,%d want %d,%d", h.u32(cnt), h.u32(size), len(tc.list), wantSize)
			}
			ptrs, buf := h.alloc(4*uint32(len(tc.list))), h.alloc(uint32(wantSize))
			h.must(tc.get, uint64(ptrs), uint64(buf))
			for i, s := range tc.list {
				p := h.u32(ptrs + uint32(i)*4)
				if got := string(h.bytes(p, uint32(len(s)))); got != s || h.mem.b[p+uint32(len(s))] != 0 {
					t.Errorf("entry %d = %q, want %q NUL-terminated", i, got, s)
				}
			}
			if h.u32(ptrs) != buf {
				t.Errorf("first pointer %d, want start of buffer %d", h.u32(ptrs), buf)
			}
			// Bad pointers: each out-parameter on its own.
			h.expect(ErrnoFault, tc.sizes, badPtr, uint64(size))
			h.expect(ErrnoFault, tc.sizes, uint64(cnt), badPtr)
			h.expect(ErrnoFault, tc.get, badPtr, uint64(buf))
			h.expect(ErrnoFault, tc.get, uint64(ptrs), badPtr)
			h.expect(ErrnoFault, tc.get, uint64(ptrs), memSize-uint64(wantSize)+1)
		})
	}
}

func TestNewValidation(t *testing.T) {
	if _, err := New(Config{Args: []string{"a\x00b"}}); err == nil {
		t.Error("NUL in argv accepted")
	}
	if _, err := New(Config{Env: []string{"A=\x00"}}); err == nil {
		t.Error("NUL in env accepted")
	}
	_, err := New(Config{Preopens: []Preopen{{HostPath: t.TempDir() + "/missing", GuestPath: "/x"}}})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing preopen: err = %v", err)
	}
	var ee *ExitError
	if err := (&ExitError{Code: 3}); err.Error() != "exit status 3" || !errors.As(error(err), &ee) {
		t.Errorf("ExitError = %q", err.Error())
	}
}

func TestClocks(t *testing.T) {
	fixed := time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC)
	h := newHarness(t, Config{Now: func() time.Time { return fixed }})
	out := h.alloc(8)
	for id := uint64(0); id < 4; id++ {
		h.must("clock_res_get", id, uint64(out))
		if r := h.u64(out); r == 0 || r > uint64(time.Millisecond) {
			t.Errorf("clock %d resolution %d", id, r)
		}
		h.must("clock_time_get", id, 1, uint64(out))
		if h.u64(out) == 0 {
			t.Errorf("clock %d reads 0", id)
		}
		h.expect(ErrnoFault, "clock_res_get", id, badPtr)
		h.expect(ErrnoFault, "clock_time_get", id, 0, badPtr)
		h.expect(ErrnoFault, "clock_time_get", id, 0, memSize-4)
	}
	h.must("clock_time_get", 0, 0, uint64(out))
	if got := h.u64(out); got != uint64(fixed.UnixNano()) {
		t.Errorf("realtime = %d, want Config.Now %d", got, fixed.UnixNano())
	}
	h.must("clock_time_get", 1, 0, uint64(out))
	a := h.u64(out)
	time.Sleep(2 * time.Millisecond)
	h.must("clock_time_get", 1, 0, uint64(out))
	if b := h.u64(out); b-a < uint64(time.Millisecond) {
		t.Errorf("monotonic advanced %d ns over a 2ms sleep", b-a)
	}
	h.expect(ErrnoInval, "clock_res_get", 4, uint64(out))
	h.expect(ErrnoInval, "clock_time_get", 99, 0, uint64(out))
}

func TestRandom(t *testing.T) {
	h := newHarness(t, Config{Rand: bytes.NewReader([]byte("0123456789"))})
	p := h.alloc(8)
	h.must("random_get", uint64(p), 4)
	if got := string(h.bytes(p, 4)); got != "0123" {
		t.Errorf("random_get = %q", got)
	}
	h.must("random_get", uint64(p), 0)
	h.expect(ErrnoIo, "random_get", uint64(p), 8) // source runs dry
	h.expect(ErrnoFault, "random_get", badPtr, 16)
	h.expect(ErrnoFault, "random_get", memSize-2, 4)

	h2 := newHarness(t, Config{})
	big := h2.alloc(4096)
	h2.must("random_get", uint64(big), 4096)
	if bytes.Equal(h2.bytes(big, 4096), make([]byte, 4096)) {
		t.Error("crypto random_get left the buffer zero")
	}
}

func TestProcAndSched(t *testing.T) {
	h := newHarness(t, Config{})
	f := h.funcs["proc_exit"]
	stack := []uint64{7}
	err := f.Call(h.mem, stack)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 7 || err.Error() != "exit status 7" {
		t.Fatalf("proc_exit: %v", err)
	}
	h.expect(ErrnoNotsup, "proc_raise", 9)
	h.must("sched_yield")
}

func TestStdioStreams(t *testing.T) {
	var out, errOut bytes.Buffer
	h := newHarness(t, Config{Stdin: strings.NewReader("input data"), Stdout: &out, Stderr: &errOut})
	if n := h.write(1, []byte("hello, "), nil, []byte("world")); n != 12 || out.String() != "hello, world" {
		t.Errorf("fd_write stdout: n=%d %q", n, out.String())
	}
	h.write(2, []byte("oops"))
	if errOut.String() != "oops" {
		t.Errorf("stderr = %q", errOut.String())
	}
	if got := string(h.read(0, 5)); got != "input" {
		t.Errorf("fd_read stdin = %q", got)
	}
	if got := string(h.read(0, 100)); got != " data" {
		t.Errorf("fd_read stdin rest = %q", got)
	}
	if got := h.read(0, 100); len(got) != 0 {
		t.Errorf("read at EOF = %q", got)
	}
	// Reading stdout / writing stdin has no stream behind it.
	ip, ic, _ := h.iov(make([]byte, 4))
	n := h.alloc(4)
	h.expect(ErrnoBadf, "fd_read", 1, ip, ic, uint64(n))
	h.expect(ErrnoBadf, "fd_write", 0, ip, ic, uint64(n))
	// Positioned I/O and seeking on a stream.
	h.expect(ErrnoSpipe, "fd_seek", 1, 0, 0, uint64(h.alloc(8)))
	h.expect(ErrnoSpipe, "fd_tell", 1, uint64(h.alloc(8)))
	st := h.alloc(24)
	h.must("fd_fdstat_get", 1, uint64(st))
	if base := h.u64(st + 8); base&rightFdWrite == 0 || base&(rightFdSeek|rightFdTell) != 0 {
		t.Errorf("stdout rights %#x", base)
	}
	fs := h.alloc(64)
	h.must("fd_filestat_get", 1, uint64(fs))
	// Bad fds.
	h.expect(ErrnoBadf, "fd_write", 77, ip, ic, uint64(n))
	h.expect(ErrnoBadf, "fd_fdstat_get", 77, uint64(st))
	// fd_close on stdout, then it is gone.
	h.must("fd_close", 1)
	h.expect(ErrnoBadf, "fd_write", 1, ip, ic, uint64(n))
	h.expect(ErrnoBadf, "fd_close", 1)
}

// A stdio stream backed by an *os.File gets its file type, and the rights
// that go with it, when the guest first uses it (System skips the fstat
// of streams never used): fd_fdstat_get reports them as if found at
// set-up, and rights dropped before that first use stay dropped.
func TestStdioFileType(t *testing.T) {
	regular := func(t *testing.T) *os.File {
		f, err := os.CreateTemp(t.TempDir(), "stdout")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	pipe := func(t *testing.T) *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		return w
	}
	socket := func(t *testing.T) *os.File {
		g, peer := socketpair(t)
		t.Cleanup(func() { g.Close(); unix.Close(peer) })
		return g
	}
	for _, tc := range []struct {
		name  string
		file  func(*testing.T) *os.File
		ftype uint8
		has   uint64 // rights the type adds
		drop  bool   // drop every right but fd_write before the first use
	}{
		{"regular file", regular, filetypeRegularFile, rightFdFilestatGet | rightFdSync, false},
		{"regular file, rights dropped first", regular, filetypeRegularFile, 0, true},
		{"pipe", pipe, filetypeUnknown, 0, false},
		{"socket", socket, filetypeSocketStream, rightSockShutdown, false},
		{"socket, rights dropped first", socket, filetypeSocketStream, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{Stdout: tc.file(t)})
			if tc.drop {
				h.must("fd_fdstat_set_rights", 1, rightFdWrite, 0)
			}
			st := h.alloc(24)
			h.must("fd_fdstat_get", 1, uint64(st))
			if got := h.mem.b[st]; got != tc.ftype {
				t.Errorf("filetype %d, want %d", got, tc.ftype)
			}
			base := h.u64(st + 8)
			if base&tc.has != tc.has {
				t.Errorf("rights %#x lack %#x", base, tc.has)
			}
			if tc.drop && base != rightFdWrite {
				t.Errorf("rights %#x after dropping all but fd_write", base)
			}
			// The host's file may be written, never resized or
			// re-stamped: it lies outside every preopen.
			if lacks := uint64(rightFdAllocate | rightFdFilestatSetSize | rightFdFilestatSetTimes | rightFdSeek | rightFdTell); base&lacks != 0 {
				t.Errorf("rights %#x include %#x", base, base&lacks)
			}
			for _, c := range []struct {
				name string
				args []uint64
			}{
				{"fd_allocate", []uint64{1, 0, 1 << 30}},
				{"fd_filestat_set_size", []uint64{1, 1 << 40}},
				{"fd_filestat_set_times", []uint64{1, 0, 0, fstAtim | fstMtim}},
			} {
				if e := h.call(c.name, c.args...); e != ErrnoNotcapable && e != ErrnoBadf {
					t.Errorf("%s on stdout: errno %d, want ENOTCAPABLE", c.name, e)
				}
			}
		})
	}
}

// TestStdioNotPositionable: stdio redirected to a regular file is still a
// stream to the guest, as in wasmtime: fd_seek, fd_tell, fd_pread and
// fd_pwrite answer ESPIPE, and neither the file nor the host's offset in
// it changes. (Before, fd_pwrite at 0 on stdout overwrote what the host
// had written to the file, and fd_seek on stdin moved the offset the
// shell's next command reads from.)
func TestStdioNotPositionable(t *testing.T) {
	for _, tc := range []struct {
		name string
		fd   uint64
		cfg  func(f *os.File) Config
	}{
		{"stdin", 0, func(f *os.File) Config { return Config{Stdin: f} }},
		{"stdout", 1, func(f *os.File) Config { return Config{Stdout: f} }},
		{"stderr", 2, func(f *os.File) Config { return Config{Stderr: f} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.CreateTemp(t.TempDir(), "stdio")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("host data\n"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Seek(5, 0); err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, tc.cfg(f))
			fd := tc.fd
			if fd != 0 {
				// Renumbered (over stdin), it is still the host's
				// stream.
				h.must("fd_renumber", fd, 0)
				fd = 0
			}
			ip, ic, _ := h.iov([]byte("XXXX"))
			out := h.alloc(8)
			for _, c := range []struct {
				name string
				args []uint64
			}{
				{"fd_seek", []uint64{fd, 0, 0, uint64(out)}},
				{"fd_seek", []uint64{fd, 0, 1, uint64(out)}},
				{"fd_tell", []uint64{fd, uint64(out)}},
				{"fd_pwrite", []uint64{fd, ip, ic, 0, uint64(out)}},
				{"fd_pread", []uint64{fd, ip, ic, 0, uint64(out)}},
			} {
				if e := h.call(c.name, c.args...); e != ErrnoSpipe {
					t.Errorf("%s%v: errno %d, want ESPIPE", c.name, c.args, e)
				}
			}
			st := h.alloc(24)
			h.must("fd_fdstat_get", fd, uint64(st))
			if base := h.u64(st + 8); base&(rightFdSeek|rightFdTell) != 0 {
				t.Errorf("rights %#x include seek or tell", base)
			}
			if b, _ := os.ReadFile(f.Name()); string(b) != "host data\n" {
				t.Errorf("file now %q", b)
			}
			if off, _ := f.Seek(0, 1); off != 5 {
				t.Errorf("host offset %d, want 5", off)
			}
		})
	}
}
