package wasi

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadPointers gives every pointer-taking function, one pointer at a
// time, an address past the end of memory (and one whose range wraps in 32
// bits), and expects EFAULT with no panic and no side effect.
func TestBadPointers(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644)
	os.Symlink("f", filepath.Join(dir, "l"))
	var out strings.Builder
	h := newHarness(t, Config{Args: []string{"a"}, Env: []string{"E=1"}, Stdin: strings.NewReader("in"), Stdout: &out,
		Preopens: []Preopen{{HostPath: dir, GuestPath: "/d"}}})
	file, e := h.open(3, false, "f", 0, fileRW, 0, 0)
	if e != 0 {
		t.Fatal(e)
	}
	ok := uint64(h.alloc(256)) // a valid scratch buffer for the other pointers
	pf, pfl := h.str("f")
	pl, pll := h.str("l")
	pn, pnl := h.str("newname")
	iv, ivc, _ := h.iov(make([]byte, 4))
	// An iovec array that is in bounds but whose single buffer is not.
	badIov := uint64(h.alloc(8))
	binary.LittleEndian.PutUint32(h.mem.b[badIov:], memSize-2)
	binary.LittleEndian.PutUint32(h.mem.b[badIov+4:], 4)
	f := uint64(file)
	const B = badPtr
	const wrap = 0xFFFF_FFFF // ptr+len wraps past 2^32

	cases := []struct {
		name string
		args []uint64
	}{
		{"args_get", []uint64{B, ok}}, {"args_get", []uint64{ok, B}},
		{"args_sizes_get", []uint64{B, ok}}, {"args_sizes_get", []uint64{ok, B}},
		{"environ_get", []uint64{B, ok}}, {"environ_get", []uint64{ok, B}},
		{"environ_sizes_get", []uint64{B, ok}}, {"environ_sizes_get", []uint64{ok, B}},
		{"clock_res_get", []uint64{1, B}}, {"clock_time_get", []uint64{1, 0, B}},
		{"fd_fdstat_get", []uint64{f, B}}, {"fd_filestat_get", []uint64{f, B}},
		{"fd_pread", []uint64{f, B, 1, 0, ok}}, {"fd_pread", []uint64{f, iv, ivc, 0, B}}, {"fd_pread", []uint64{f, badIov, 1, 0, ok}},
		{"fd_pwrite", []uint64{f, B, 1, 0, ok}}, {"fd_pwrite", []uint64{f, iv, ivc, 0, B}}, {"fd_pwrite", []uint64{f, badIov, 1, 0, ok}},
		{"fd_read", []uint64{f, B, 1, ok}}, {"fd_read", []uint64{f, iv, ivc, B}}, {"fd_read", []uint64{f, badIov, 1, ok}},
		{"fd_read", []uint64{0, badIov, 1, ok}}, {"fd_read", []uint64{f, wrap, 2, ok}},
		{"fd_write", []uint64{1, B, 1, ok}}, {"fd_write", []uint64{1, iv, ivc, B}}, {"fd_write", []uint64{1, badIov, 1, ok}},
		{"fd_write", []uint64{f, badIov, 1, ok}},
		{"fd_prestat_get", []uint64{3, B}}, {"fd_prestat_dir_name", []uint64{3, B, 2}}, {"fd_prestat_dir_name", []uint64{3, wrap, 2}},
		{"fd_readdir", []uint64{3, B, 64, 0, ok}}, {"fd_readdir", []uint64{3, ok, 64, 0, B}},
		{"fd_seek", []uint64{f, 0, 0, B}}, {"fd_tell", []uint64{f, B}},
		{"path_create_directory", []uint64{3, B, 3}},
		{"path_filestat_get", []uint64{3, 0, B, 1, ok}}, {"path_filestat_get", []uint64{3, 0, pf, pfl, B}},
		{"path_filestat_set_times", []uint64{3, 0, B, 1, 0, 0, 0}},
		{"path_link", []uint64{3, 0, B, 1, 3, pn, pnl}}, {"path_link", []uint64{3, 0, pf, pfl, 3, B, 3}},
		{"path_open", []uint64{3, 0, B, 1, 0, 0, 0, 0, ok}}, {"path_open", []uint64{3, 0, pf, pfl, 0, 0, 0, 0, B}},
		{"path_readlink", []uint64{3, B, 1, ok, 16, ok + 64}}, {"path_readlink", []uint64{3, pl, pll, B, 16, ok}},
		{"path_readlink", []uint64{3, pl, pll, ok, 16, B}},
		{"path_remove_directory", []uint64{3, B, 1}},
		{"path_rename", []uint64{3, B, 1, 3, pn, pnl}}, {"path_rename", []uint64{3, pf, pfl, 3, B, 3}},
		{"path_symlink", []uint64{B, 1, 3, pn, pnl}}, {"path_symlink", []uint64{pf, pfl, 3, B, 3}},
		{"path_unlink_file", []uint64{3, B, 1}},
		{"poll_oneoff", []uint64{B, ok, 1, ok}}, {"poll_oneoff", []uint64{ok, B, 1, ok}}, {"poll_oneoff", []uint64{ok, ok, 1, B}},
		{"random_get", []uint64{B, 1}}, {"random_get", []uint64{wrap, 2}},
	}
	for _, c := range cases {
		// path args get the length of the string they replace so that
		// only the pointer is wrong.
		args := append([]uint64(nil), c.args...)
		for i, a := range args {
			if a == B && i+1 < len(args) && args[i+1] == 1 && strings.HasPrefix(c.name, "path_") {
				args[i+1] = 3
			}
		}
		if e := h.call(c.name, args...); e != ErrnoFault {
			t.Errorf("%s%v: errno %d, want EFAULT", c.name, c.args, e)
		}
	}
	if out.Len() != 0 {
		t.Errorf("a faulting fd_write wrote %q", out.String())
	}
	for _, n := range []string{"newname"} {
		if exists(filepath.Join(dir, n)) {
			t.Errorf("a faulting call created %s", n)
		}
	}
	// Memory-less call (nil Memory) faults cleanly too.
	stack := []uint64{0, 0}
	if err := h.funcs["args_sizes_get"].Call(nil, stack); err != nil || Errno(stack[0]) != ErrnoFault {
		t.Errorf("nil memory: %v %d", err, stack[0])
	}
}

// TestHostileCounts: counts that would make a naive host allocate gigabytes
// are bounded by guest memory first and capped after that.
func TestHostileCounts(t *testing.T) {
	var out strings.Builder
	h := newHarness(t, Config{Stdout: &out})
	n := uint64(h.alloc(4))
	// 2^32-1 iovecs cannot fit in 64 KiB: EFAULT, nothing allocated.
	h.expect(ErrnoFault, "fd_write", 1, 0, 0xFFFF_FFFF, n)
	h.expect(ErrnoFault, "fd_read", 0, 0, 0xFFFF_FFFF, n)
	// 4000 valid (empty-but-one) iovecs: only the first maxIovecs are used,
	// a legal short write.
	arr := h.alloc(4000 * 8)
	data := h.alloc(4000)
	for i := uint32(0); i < 4000; i++ {
		h.mem.b[data+i] = 'x'
		binary.LittleEndian.PutUint32(h.mem.b[arr+i*8:], data+i)
		binary.LittleEndian.PutUint32(h.mem.b[arr+i*8+4:], 1)
	}
	h.must("fd_write", 1, uint64(arr), 4000, n)
	if h.u32(uint32(n)) != maxIovecs || out.Len() != maxIovecs {
		t.Errorf("wrote %d (%d bytes), want a short write of %d", h.u32(uint32(n)), out.Len(), maxIovecs)
	}
	// readdir/readlink/random sizes are guest-memory bounded: a length
	// past the end is EFAULT before any work.
	h.expect(ErrnoFault, "random_get", 0, memSize+1)
}
