package wasi

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const fileRW = rightFdRead | rightFdWrite | rightFdSeek | rightFdTell | rightFdFilestatGet |
	rightFdFilestatSetSize | rightFdFilestatSetTimes | rightFdAdvise | rightFdAllocate |
	rightFdSync | rightFdDatasync | rightFdFdstatSetFlags | rightPollFdReadwrite

// newDirHarness preopens a fresh temp dir as fd 3 under guest name "/sandbox".
func newDirHarness(t *testing.T) (*harness, string) {
	dir := t.TempDir()
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "/sandbox"}}})
	return h, dir
}

func TestPrestat(t *testing.T) {
	h, _ := newDirHarness(t)
	p := h.alloc(8)
	h.must("fd_prestat_get", 3, uint64(p))
	if h.mem.b[p] != preopentypeDir || h.u32(p+4) != uint32(len("/sandbox")) {
		t.Fatalf("prestat = % x", h.bytes(p, 8))
	}
	name := h.alloc(16)
	h.must("fd_prestat_dir_name", 3, uint64(name), 8)
	if got := string(h.bytes(name, 8)); got != "/sandbox" {
		t.Errorf("dir name %q", got)
	}
	h.expect(ErrnoNametoolong, "fd_prestat_dir_name", 3, uint64(name), 4)
	h.expect(ErrnoBadf, "fd_prestat_get", 4, uint64(p)) // end of preopens: wasi-libc stops here
	h.expect(ErrnoBadf, "fd_prestat_get", 1, uint64(p)) // not a preopen
	h.expect(ErrnoFault, "fd_prestat_get", 3, badPtr)
	h.expect(ErrnoFault, "fd_prestat_dir_name", 3, badPtr, 8)
	h.expect(ErrnoFault, "fd_prestat_dir_name", 3, memSize-4, 8)

	st := h.alloc(24)
	h.must("fd_fdstat_get", 3, uint64(st))
	if h.mem.b[st] != filetypeDirectory || h.u64(st+8) != rightsDirBase || h.u64(st+16) != rightsAll {
		t.Errorf("preopen fdstat = % x", h.bytes(st, 24))
	}
	// wasi-testsuite path_open_preopen: reopen with the same rights, with
	// none, with O_DIRECTORY + read; O_DIRECTORY + read/write is EISDIR.
	if _, e := h.open(3, false, ".", 0, h.u64(st+8), h.u64(st+16), 0); e != 0 {
		t.Errorf("reopen with same rights: %d", e)
	}
	if _, e := h.open(3, false, ".", 0, 0, 0, 0); e != 0 {
		t.Errorf("reopen with no rights: %d", e)
	}
	if _, e := h.open(3, false, ".", oflagDirectory, rightFdRead, 0, 0); e != 0 {
		t.Errorf("reopen dir+read: %d", e)
	}
	if _, e := h.open(3, false, ".", oflagDirectory, rightFdRead|rightFdWrite, 0, 0); e != ErrnoIsdir {
		t.Errorf("reopen dir+rw: %d, want EISDIR", e)
	}
	// I/O on a directory fd.
	ip, ic, _ := h.iov(make([]byte, 4))
	n := h.alloc(4)
	h.expect(ErrnoIsdir, "fd_read", 3, ip, ic, uint64(n))
	h.expect(ErrnoIsdir, "fd_pread", 3, ip, ic, 0, uint64(n))
	h.expect(ErrnoBadf, "fd_write", 3, ip, ic, uint64(n))
}

func TestFileReadWriteSeek(t *testing.T) {
	h, dir := newDirHarness(t)
	fd, e := h.open(3, false, "f.txt", oflagCreat|oflagExcl, fileRW, 0, 0)
	if e != 0 {
		t.Fatalf("create: %d", e)
	}
	if _, e := h.open(3, false, "f.txt", oflagCreat|oflagExcl, fileRW, 0, 0); e != ErrnoExist {
		t.Errorf("O_EXCL on existing: %d", e)
	}
	if n := h.write(fd, []byte("hello "), []byte("world")); n != 11 {
		t.Fatalf("wrote %d", n)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "f.txt")); string(got) != "hello world" {
		t.Fatalf("host sees %q", got)
	}
	off := h.alloc(8)
	h.must("fd_tell", uint64(fd), uint64(off))
	if h.u64(off) != 11 {
		t.Errorf("tell = %d", h.u64(off))
	}
	for _, tc := range []struct {
		off    int64
		whence uint64
		want   uint64
	}{{0, 0, 0}, {6, 0, 6}, {-5, 2, 6}, {2, 1, 8}, {0, 1, 8}} {
		h.must("fd_seek", uint64(fd), uint64(tc.off), tc.whence, uint64(off))
		if h.u64(off) != tc.want {
			t.Errorf("seek(%d,%d) = %d, want %d", tc.off, tc.whence, h.u64(off), tc.want)
		}
	}
	h.expect(ErrnoInval, "fd_seek", uint64(fd), uint64(1<<64-100), 0, uint64(off)) // negative result
	h.expect(ErrnoInval, "fd_seek", uint64(fd), 0, 3, uint64(off))                 // bad whence
	h.expect(ErrnoFault, "fd_seek", uint64(fd), 0, 0, badPtr)
	h.expect(ErrnoFault, "fd_tell", uint64(fd), memSize-4)

	h.must("fd_seek", uint64(fd), 0, 0, uint64(off))
	// Scatter read across two iovecs.
	ip, ic, ptrs := h.iov(make([]byte, 3), make([]byte, 20))
	n := h.alloc(4)
	h.must("fd_read", uint64(fd), ip, ic, uint64(n))
	if h.u32(n) != 11 || string(h.bytes(ptrs[0], 3)) != "hel" || string(h.bytes(ptrs[1], 8)) != "lo world" {
		t.Errorf("readv: n=%d %q %q", h.u32(n), h.bytes(ptrs[0], 3), h.bytes(ptrs[1], 8))
	}
	// pread/pwrite don't move the offset.
	ip, ic, ptrs = h.iov(make([]byte, 5))
	h.must("fd_pread", uint64(fd), ip, ic, 6, uint64(n))
	if string(h.bytes(ptrs[0], h.u32(n))) != "world" {
		t.Errorf("pread = %q", h.bytes(ptrs[0], h.u32(n)))
	}
	ip, ic, _ = h.iov([]byte("W"))
	h.must("fd_pwrite", uint64(fd), ip, ic, 6, uint64(n))
	h.must("fd_tell", uint64(fd), uint64(off))
	if h.u64(off) != 11 {
		t.Errorf("offset moved by pread/pwrite: %d", h.u64(off))
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "f.txt")); string(got) != "hello World" {
		t.Errorf("after pwrite host sees %q", got)
	}
	h.expect(ErrnoInval, "fd_pread", uint64(fd), ip, ic, 1<<63, uint64(n))

	// filestat, set_size, set_times.
	fs := h.alloc(64)
	h.must("fd_filestat_get", uint64(fd), uint64(fs))
	if h.mem.b[fs+16] != filetypeRegularFile || h.u64(fs+32) != 11 || h.u64(fs+24) != 1 {
		t.Errorf("filestat = % x", h.bytes(fs, 64))
	}
	h.must("fd_filestat_set_size", uint64(fd), 4)
	h.must("fd_filestat_get", uint64(fd), uint64(fs))
	if h.u64(fs+32) != 4 {
		t.Errorf("size after truncate %d", h.u64(fs+32))
	}
	when := uint64(time.Date(2001, 2, 3, 4, 5, 6, 7000, time.UTC).UnixNano())
	h.must("fd_filestat_set_times", uint64(fd), when, when+1000, fstAtim|fstMtim)
	h.must("fd_filestat_get", uint64(fd), uint64(fs))
	if h.u64(fs+40) != when || h.u64(fs+48) != when+1000 {
		t.Errorf("times = %d %d, want %d %d", h.u64(fs+40), h.u64(fs+48), when, when+1000)
	}
	h.must("fd_filestat_set_times", uint64(fd), 0, 0, fstMtimNow)
	h.must("fd_filestat_get", uint64(fd), uint64(fs))
	if h.u64(fs+40) != when || h.u64(fs+48) < uint64(time.Now().Add(-time.Minute).UnixNano()) {
		t.Errorf("after MTIM_NOW: atim %d mtim %d", h.u64(fs+40), h.u64(fs+48))
	}
	h.expect(ErrnoInval, "fd_filestat_set_times", uint64(fd), 0, 0, fstAtim|fstAtimNow)
	h.expect(ErrnoInval, "fd_filestat_set_times", uint64(fd), 0, 0, 1<<4)
	h.expect(ErrnoFault, "fd_filestat_get", uint64(fd), memSize-63)

	// allocate extends, advise/sync/datasync succeed.
	h.must("fd_allocate", uint64(fd), 0, 100)
	h.must("fd_filestat_get", uint64(fd), uint64(fs))
	if h.u64(fs+32) != 100 {
		t.Errorf("size after allocate %d", h.u64(fs+32))
	}
	for adv := uint64(0); adv <= 5; adv++ {
		h.must("fd_advise", uint64(fd), 0, 10, adv)
	}
	h.expect(ErrnoInval, "fd_advise", uint64(fd), 0, 10, 6)
	h.must("fd_sync", uint64(fd))
	h.must("fd_datasync", uint64(fd))

	// Renumber onto stdin, then close.
	h.must("fd_renumber", uint64(fd), 0)
	h.expect(ErrnoBadf, "fd_tell", uint64(fd), uint64(off))
	h.must("fd_tell", 0, uint64(off))
	h.expect(ErrnoBadf, "fd_renumber", 0, 99)
	h.must("fd_close", 0)
	h.expect(ErrnoBadf, "fd_close", 0)
}

func TestFdFlagsAndRights(t *testing.T) {
	h, dir := newDirHarness(t)
	os.WriteFile(filepath.Join(dir, "log"), []byte("start\n"), 0o644)
	fd, e := h.open(3, false, "log", 0, fileRW, 0, fdflagAppend)
	if e != 0 {
		t.Fatal(e)
	}
	st := h.alloc(24)
	h.must("fd_fdstat_get", uint64(fd), uint64(st))
	if h.mem.b[st] != filetypeRegularFile || h.u16(st+2) != fdflagAppend || h.u64(st+8) != fileRW || h.u64(st+16) != 0 {
		t.Errorf("fdstat = % x", h.bytes(st, 24))
	}
	off := h.alloc(8)
	h.must("fd_seek", uint64(fd), 0, 0, uint64(off))
	h.write(fd, []byte("appended\n"))
	// Turn append off; now writes go at the offset.
	h.must("fd_fdstat_set_flags", uint64(fd), 0)
	h.must("fd_seek", uint64(fd), 0, 0, uint64(off))
	h.write(fd, []byte("S"))
	if got, _ := os.ReadFile(filepath.Join(dir, "log")); string(got) != "Start\nappended\n" {
		t.Errorf("file = %q", got)
	}
	h.must("fd_fdstat_set_flags", uint64(fd), fdflagNonblock)
	h.must("fd_fdstat_get", uint64(fd), uint64(st))
	if h.u16(st+2) != fdflagNonblock {
		t.Errorf("flags after set = %#x", h.u16(st+2))
	}
	h.expect(ErrnoInval, "fd_fdstat_set_flags", uint64(fd), fdflagSync) // Linux can't change O_SYNC
	h.expect(ErrnoInval, "fd_fdstat_set_flags", uint64(fd), 1<<5)

	// Rights only shrink.
	h.must("fd_fdstat_set_rights", uint64(fd), rightFdRead|rightFdSeek, 0)
	h.expect(ErrnoNotcapable, "fd_fdstat_set_rights", uint64(fd), fileRW, 0)
	ip, ic, _ := h.iov([]byte("x"))
	n := h.alloc(4)
	h.expect(ErrnoNotcapable, "fd_write", uint64(fd), ip, ic, uint64(n))
	h.must("fd_tell", uint64(fd), uint64(off)) // fd_seek implies fd_tell
	h.must("fd_fdstat_set_rights", uint64(fd), rightFdRead, 0)
	h.expect(ErrnoNotcapable, "fd_tell", uint64(fd), uint64(off))

	// Read-only open: host access mode enforces it too.
	ro, e := h.open(3, false, "log", 0, rightFdRead, 0, 0)
	if e != 0 {
		t.Fatal(e)
	}
	h.expect(ErrnoNotcapable, "fd_write", uint64(ro), ip, ic, uint64(n))
	// Asking for more than the parent passes on.
	sub, e := h.open(3, false, ".", oflagDirectory, rightFdReaddir|rightPathOpen, rightFdRead, 0)
	if e != 0 {
		t.Fatal(e)
	}
	if _, e := h.open(sub, false, "log", 0, rightFdWrite, 0, 0); e != ErrnoNotcapable {
		t.Errorf("exceeding inheriting rights: %d", e)
	}
	if _, e := h.open(sub, false, "log", 0, rightFdRead, 0, 0); e != 0 {
		t.Errorf("within inheriting rights: %d", e)
	}
	// A dir fd without path_create_file can't create.
	if _, e := h.open(sub, false, "new", oflagCreat, rightFdRead, 0, 0); e != ErrnoNotcapable {
		t.Errorf("create without right: %d", e)
	}
	h.expect(ErrnoFault, "fd_fdstat_get", uint64(fd), badPtr)
}

func (h *harness) u16(p uint32) uint16 { return uint16(h.mem.b[p]) | uint16(h.mem.b[p+1])<<8 }

// TestCloseWhileInUse: fd_close from one guest thread while another call
// still uses the fd must not close the host fd under that call (the number
// could be reused by another System's open); the last user closes it.
func TestCloseWhileInUse(t *testing.T) {
	h, dir := newDirHarness(t)
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	fd, e := h.open(3, false, "f", 0, rightFdRead, 0, 0)
	if e != 0 {
		t.Fatal(e)
	}
	ent, errno := h.s.get(fd, 0) // an in-flight call
	if errno != 0 {
		t.Fatal(errno)
	}
	hostFd := ent.fd
	h.must("fd_close", uint64(fd))
	h.expect(ErrnoBadf, "fd_close", uint64(fd))
	if _, err := unix.FcntlInt(uintptr(hostFd), unix.F_GETFD, 0); err != nil {
		t.Fatalf("host fd closed under an in-flight call: %v", err)
	}
	h.s.release(ent)
	if _, err := unix.FcntlInt(uintptr(hostFd), unix.F_GETFD, 0); err != unix.EBADF {
		t.Fatalf("host fd still open after the last release: %v", err)
	}
	// Renumbering over a busy fd defers its close the same way.
	a, _ := h.open(3, false, "f", 0, rightFdRead, 0, 0)
	b, _ := h.open(3, false, "f", 0, rightFdRead, 0, 0)
	ent, _ = h.s.get(b, 0)
	hostFd = ent.fd
	h.must("fd_renumber", uint64(a), uint64(b))
	if _, err := unix.FcntlInt(uintptr(hostFd), unix.F_GETFD, 0); err != nil {
		t.Fatalf("renumber closed a busy fd: %v", err)
	}
	h.s.release(ent)
	if _, err := unix.FcntlInt(uintptr(hostFd), unix.F_GETFD, 0); err != unix.EBADF {
		t.Fatalf("renumbered-over fd still open: %v", err)
	}
	if got := string(h.read(b, 4)); got != "x" {
		t.Errorf("fd %d after renumber reads %q", b, got)
	}
}

// TestSetTimesIgnoresUnsetTimestamp: a timestamp whose SET flag is absent
// is not looked at. Go's Utimensat (root.Chtimes with a zero atime) passes
// its UTIME_OMIT timespec through TimespecToNsec, which leaves a negative
// number in the unused argument; that used to be EINVAL.
func TestSetTimesIgnoresUnsetTimestamp(t *testing.T) {
	h, dir := newDirHarness(t)
	p := filepath.Join(dir, "f")
	os.WriteFile(p, nil, 0o644)
	fd, e := h.open(3, false, "f", 0, fileRW, 0, 0)
	if e != 0 {
		t.Fatal(e)
	}
	pp, pl := h.str("f")
	omitNsec := int64(-2)*1e9 - 2 // TimespecToNsec({Sec: -2, Nsec: UTIME_OMIT})
	goOmit := uint64(omitNsec)
	base := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	when := uint64(time.Date(2010, 5, 6, 7, 8, 9, 0, time.UTC).UnixNano())
	cases := []struct {
		name       string
		atim, mtim uint64
		fst        uint32
		want       Errno
		wantA      uint64 // 0: unchanged
		wantM      uint64
	}{
		{"mtime only, junk atime", goOmit, when, fstMtim, ErrnoSuccess, 0, when},
		{"atime only, junk mtime", when, goOmit, fstAtim, ErrnoSuccess, when, 0},
		{"atime now, junk mtime", 0, goOmit, fstAtimNow, ErrnoSuccess, 0, 0},
		{"set mtime out of range", 0, 1 << 63, fstMtim, ErrnoInval, 0, 0},
		{"set atime out of range", 1 << 63, when, fstAtim | fstMtim, ErrnoInval, 0, 0},
	}
	for _, via := range []string{"fd", "path"} {
		for _, c := range cases {
			if err := os.Chtimes(p, base, base); err != nil {
				t.Fatal(err)
			}
			var e Errno
			if via == "fd" {
				e = h.call("fd_filestat_set_times", uint64(fd), c.atim, c.mtim, uint64(c.fst))
			} else {
				e = h.call("path_filestat_set_times", 3, 0, pp, pl, c.atim, c.mtim, uint64(c.fst))
			}
			if e != c.want {
				t.Errorf("%s %s: errno %d, want %d", via, c.name, e, c.want)
				continue
			}
			var st unix.Stat_t
			if err := unix.Stat(p, &st); err != nil {
				t.Fatal(err)
			}
			wantA, wantM := uint64(base.UnixNano()), uint64(base.UnixNano())
			if c.wantA != 0 {
				wantA = c.wantA
			}
			if c.wantM != 0 {
				wantM = c.wantM
			}
			if c.fst&fstAtimNow != 0 {
				wantA = uint64(st.Atim.Nano()) // checked below only for moving forward
				if st.Atim.Nano() <= base.UnixNano() {
					t.Errorf("%s %s: ATIM_NOW left atime at %d", via, c.name, st.Atim.Nano())
				}
			}
			if got := uint64(st.Atim.Nano()); got != wantA {
				t.Errorf("%s %s: atime %d, want %d", via, c.name, got, wantA)
			}
			if got := uint64(st.Mtim.Nano()); got != wantM {
				t.Errorf("%s %s: mtime %d, want %d", via, c.name, got, wantM)
			}
		}
	}
}
