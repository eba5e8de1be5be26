package wasi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// eachResolver runs f once with openat2 and once with the fallback walk
// (f sets System.walk on the Systems it makes).
func eachResolver(t *testing.T, f func(t *testing.T, walk bool)) {
	for _, walk := range []bool{false, true} {
		name := "openat2"
		if walk {
			name = "walk"
		}
		t.Run(name, func(t *testing.T) {
			if !walk && !openat2Available() {
				t.Skip("kernel has no openat2")
			}
			f(t, walk)
		})
	}
}

// forEachResolver is eachResolver with a harness over a fresh directory.
func forEachResolver(t *testing.T, f func(t *testing.T, h *harness, dir string)) {
	eachResolver(t, func(t *testing.T, walk bool) {
		h, dir := newDirHarness(t)
		h.s.walk = walk
		f(t, h, dir)
	})
}

// p1 calls a (fd, path, path_len) function.
func (h *harness) p1(name string, fd uint32, path string) Errno {
	pp, pl := h.str(path)
	return h.call(name, uint64(fd), pp, pl)
}

func (h *harness) stat(fd uint32, follow bool, path string) ([]byte, Errno) {
	pp, pl := h.str(path)
	out := h.alloc(64)
	fl := uint64(0)
	if follow {
		fl = lookupSymFollow
	}
	e := h.call("path_filestat_get", uint64(fd), fl, pp, pl, uint64(out))
	return h.bytes(out, 64), e
}

func (h *harness) rename(fd uint32, from string, nfd uint32, to string) Errno {
	a, al := h.str(from)
	b, bl := h.str(to)
	return h.call("path_rename", uint64(fd), a, al, uint64(nfd), b, bl)
}

func (h *harness) link(fd uint32, follow bool, from string, nfd uint32, to string) Errno {
	a, al := h.str(from)
	b, bl := h.str(to)
	fl := uint64(0)
	if follow {
		fl = lookupSymFollow
	}
	return h.call("path_link", uint64(fd), fl, a, al, uint64(nfd), b, bl)
}

func (h *harness) symlink(target string, fd uint32, path string) Errno {
	a, al := h.str(target)
	b, bl := h.str(path)
	return h.call("path_symlink", a, al, uint64(fd), b, bl)
}

func (h *harness) readlink(fd uint32, path string, bufLen uint32) (string, Errno) {
	pp, pl := h.str(path)
	buf, used := h.alloc(bufLen), h.alloc(4)
	e := h.call("path_readlink", uint64(fd), pp, pl, uint64(buf), uint64(bufLen), uint64(used))
	return string(h.bytes(buf, h.u32(used))), e
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

func TestPathOps(t *testing.T) {
	forEachResolver(t, func(t *testing.T, h *harness, dir string) {
		// create_directory, nested, existing, trailing slash.
		if e := h.p1("path_create_directory", 3, "d"); e != 0 {
			t.Fatal(e)
		}
		if e := h.p1("path_create_directory", 3, "d/e/"); e != 0 {
			t.Fatal(e)
		}
		if !exists(filepath.Join(dir, "d/e")) {
			t.Fatal("d/e not created")
		}
		if e := h.p1("path_create_directory", 3, "d"); e != ErrnoExist {
			t.Errorf("mkdir existing: %d", e)
		}
		if e := h.p1("path_create_directory", 3, "nope/x"); e != ErrnoNoent {
			t.Errorf("mkdir in missing parent: %d", e)
		}

		os.WriteFile(filepath.Join(dir, "d/file"), []byte("12345"), 0o644)
		st, e := h.stat(3, false, "d/./e/../file")
		if e != 0 || st[16] != filetypeRegularFile || le64(st, 32) != 5 {
			t.Fatalf("stat d/file: %d % x", e, st)
		}

		// symlink + readlink + stat with and without follow.
		if e := h.symlink("file", 3, "d/sl"); e != 0 {
			t.Fatal(e)
		}
		if tgt, _ := os.Readlink(filepath.Join(dir, "d/sl")); tgt != "file" {
			t.Fatalf("host readlink %q", tgt)
		}
		if st, _ := h.stat(3, false, "d/sl"); st[16] != filetypeSymbolicLink {
			t.Errorf("nofollow type %d", st[16])
		}
		if st, _ := h.stat(3, true, "d/sl"); st[16] != filetypeRegularFile || le64(st, 32) != 5 {
			t.Errorf("follow stat % x", st)
		}
		if got, e := h.readlink(3, "d/sl", 64); e != 0 || got != "file" {
			t.Errorf("readlink = %q %d", got, e)
		}
		if got, e := h.readlink(3, "d/sl", 2); e != 0 || got != "fi" {
			t.Errorf("short readlink = %q %d (want truncation)", got, e)
		}
		if _, e := h.readlink(3, "d/file", 64); e != ErrnoInval {
			t.Errorf("readlink of a file: %d", e)
		}
		if e := h.symlink("file", 3, "d/sl"); e != ErrnoExist {
			t.Errorf("symlink over existing: %d", e)
		}
		if e := h.symlink("x", 3, "d/new/"); e != ErrnoNoent {
			t.Errorf("symlink with trailing slash: %d", e)
		}
		// Opening a symlink without follow is ELOOP; with follow, the file.
		if _, e := h.open(3, false, "d/sl", 0, rightFdRead, 0, 0); e != ErrnoLoop {
			t.Errorf("open link nofollow: %d", e)
		}
		if fd, e := h.open(3, true, "d/sl", 0, rightFdRead, 0, 0); e != 0 || string(h.read(fd, 10)) != "12345" {
			t.Errorf("open link follow: %d", e)
		}

		// set_times through a symlink (follow) touches the target only.
		when := uint64(time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
		pp, pl := h.str("d/sl")
		h.must("path_filestat_set_times", 3, lookupSymFollow, pp, pl, when, when, fstAtim|fstMtim)
		if fi, _ := os.Stat(filepath.Join(dir, "d/file")); fi.ModTime().UnixNano() != int64(when) {
			t.Errorf("target mtime %v", fi.ModTime())
		}
		h.must("path_filestat_set_times", 3, 0, pp, pl, 0, when+5, fstMtim)
		if fi, _ := os.Lstat(filepath.Join(dir, "d/sl")); fi.ModTime().UnixNano() != int64(when+5) {
			t.Errorf("link mtime %v", fi.ModTime())
		}
		h.expect(ErrnoInval, "path_filestat_set_times", 3, 0, pp, pl, 0, 0, fstMtim|fstMtimNow)

		// link: plain, via symlink with follow, and without (links the link).
		if e := h.link(3, false, "d/file", 3, "hard"); e != 0 {
			t.Fatal(e)
		}
		if st, _ := h.stat(3, false, "hard"); le64(st, 24) != 2 {
			t.Errorf("nlink after link = %d", le64(st, 24))
		}
		if e := h.link(3, true, "d/sl", 3, "hard2"); e != 0 {
			t.Fatal(e)
		}
		if st, _ := h.stat(3, false, "hard2"); st[16] != filetypeRegularFile {
			t.Errorf("follow link made a %d", st[16])
		}
		if e := h.link(3, false, "d/sl", 3, "hardlink-to-link"); e != 0 {
			t.Fatal(e)
		}
		if st, _ := h.stat(3, false, "hardlink-to-link"); st[16] != filetypeSymbolicLink {
			t.Errorf("nofollow link made a %d", st[16])
		}
		if e := h.link(3, false, "d/file", 3, "hard"); e != ErrnoExist {
			t.Errorf("link over existing: %d", e)
		}
		if e := h.link(3, false, "d", 3, "dirlink"); e != ErrnoPerm {
			t.Errorf("hard link to a dir: %d", e)
		}
		if e := h.link(3, false, "d/file/", 3, "x"); e != ErrnoNotdir {
			t.Errorf("link file/: %d", e)
		}

		// rename: file, dir, trailing slash rules, into missing parent.
		if e := h.rename(3, "hard2", 3, "d/e/moved"); e != 0 {
			t.Fatal(e)
		}
		if !exists(filepath.Join(dir, "d/e/moved")) || exists(filepath.Join(dir, "hard2")) {
			t.Error("rename did not move")
		}
		if e := h.rename(3, "d/e", 3, "e2/"); e != 0 {
			t.Errorf("rename dir with trailing slash: %d", e)
		}
		if e := h.rename(3, "hard/", 3, "x"); e != ErrnoNotdir {
			t.Errorf("rename file/: %d", e)
		}
		if e := h.rename(3, "missing", 3, "x"); e != ErrnoNoent {
			t.Errorf("rename missing: %d", e)
		}

		// unlink_file and remove_directory.
		if e := h.p1("path_unlink_file", 3, "hard/"); e != ErrnoNotdir {
			t.Errorf("unlink file/: %d", e)
		}
		if e := h.p1("path_unlink_file", 3, "d"); e != ErrnoIsdir {
			t.Errorf("unlink dir: %d", e)
		}
		if e := h.p1("path_unlink_file", 3, "e2/"); e != ErrnoIsdir {
			t.Errorf("unlink dir/: %d", e)
		}
		if e := h.p1("path_unlink_file", 3, "hard"); e != 0 || exists(filepath.Join(dir, "hard")) {
			t.Errorf("unlink: %d", e)
		}
		if e := h.p1("path_unlink_file", 3, "d/sl"); e != 0 || !exists(filepath.Join(dir, "d/file")) {
			t.Errorf("unlink symlink: %d (target must stay)", e)
		}
		if e := h.p1("path_remove_directory", 3, "e2"); e != ErrnoNotempty {
			t.Errorf("rmdir non-empty: %d", e)
		}
		h.p1("path_unlink_file", 3, "e2/moved")
		if e := h.p1("path_remove_directory", 3, "e2/"); e != 0 || exists(filepath.Join(dir, "e2")) {
			t.Errorf("rmdir: %d", e)
		}
		if e := h.p1("path_remove_directory", 3, "d/file"); e != ErrnoNotdir {
			t.Errorf("rmdir file: %d", e)
		}
		if e := h.p1("path_remove_directory", 3, "."); e != ErrnoInval {
			t.Errorf("rmdir .: %d", e)
		}
		if e := h.p1("path_remove_directory", 3, "d/.."); e == 0 || !exists(dir) {
			t.Errorf("rmdir d/..: %d", e)
		}

		// Path argument validation.
		if e := h.p1("path_create_directory", 3, ""); e != ErrnoNoent {
			t.Errorf("empty path: %d", e)
		}
		if e := h.p1("path_create_directory", 3, "bad\xff"); e != ErrnoIlseq {
			t.Errorf("invalid UTF-8: %d", e)
		}
		if e := h.p1("path_create_directory", 3, strings.Repeat("a", maxPathLen+1)); e != ErrnoNametoolong {
			t.Errorf("path longer than PATH_MAX: %d", e)
		}
		if e := h.p1("path_create_directory", 3, "nul\x00x"); e != ErrnoInval {
			t.Errorf("NUL in path: %d", e)
		}
		// The base of a path op must be an open directory.
		f, _ := h.open(3, false, "d/file", 0, rightFdRead, 0, 0)
		if e := h.p1("path_create_directory", f, "x"); e != ErrnoNotdir {
			t.Errorf("mkdir relative to a file fd: %d", e)
		}
		if e := h.p1("path_create_directory", 1, "x"); e != ErrnoNotdir {
			t.Errorf("mkdir relative to stdout: %d", e)
		}
		if e := h.p1("path_create_directory", 42, "x"); e != ErrnoBadf {
			t.Errorf("mkdir relative to a closed fd: %d", e)
		}
	})
}

func TestPathOpenFlags(t *testing.T) {
	forEachResolver(t, func(t *testing.T, h *harness, dir string) {
		os.WriteFile(filepath.Join(dir, "f"), []byte("content"), 0o644)
		// trunc
		fd, e := h.open(3, false, "f", oflagTrunc, fileRW, 0, 0)
		if e != 0 {
			t.Fatal(e)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "f")); len(b) != 0 {
			t.Errorf("O_TRUNC left %q", b)
		}
		h.write(fd, []byte("abc"))
		// directory flag on a file
		if _, e := h.open(3, false, "f", oflagDirectory, 0, 0, 0); e != ErrnoNotdir {
			t.Errorf("O_DIRECTORY on a file: %d", e)
		}
		// missing file without creat
		if _, e := h.open(3, false, "missing", 0, rightFdRead, 0, 0); e != ErrnoNoent {
			t.Errorf("open missing: %d", e)
		}
		// creat in a subdirectory via a symlinked directory (inside)
		os.Mkdir(filepath.Join(dir, "sub"), 0o755)
		os.Symlink("sub", filepath.Join(dir, "sublink"))
		if _, e := h.open(3, true, "sublink/new", oflagCreat, fileRW, 0, 0); e != 0 {
			t.Errorf("create through inside symlink: %d", e)
		}
		if !exists(filepath.Join(dir, "sub/new")) {
			t.Error("file not created in sub")
		}
		// sync flags and nonblock are accepted and reported back.
		for _, fl := range []uint32{fdflagDsync, fdflagRsync, fdflagSync, fdflagNonblock, fdflagAppend} {
			fd, e := h.open(3, false, "f", 0, fileRW, 0, fl)
			if e != 0 {
				t.Fatalf("fdflags %#x: %d", fl, e)
			}
			st := h.alloc(24)
			h.must("fd_fdstat_get", uint64(fd), uint64(st))
			if h.u16(st+2) != uint16(fl) {
				t.Errorf("fdflags %#x reported as %#x", fl, h.u16(st+2))
			}
			h.must("fd_close", uint64(fd))
		}
		// Opened directory fds work as bases and are listed as directories.
		dfd, e := h.open(3, false, "sub", oflagDirectory, rightsDirBase, rightsAll, 0)
		if e != 0 {
			t.Fatal(e)
		}
		if _, e := h.open(dfd, false, "new", 0, rightFdRead, 0, 0); e != 0 {
			t.Errorf("open relative to opened dir: %d", e)
		}
		// bad flag bits
		if _, e := h.open(3, false, "f", 1<<4, 0, 0, 0); e != ErrnoInval {
			t.Errorf("bad oflags: %d", e)
		}
		if _, e := h.open(3, false, "f", 0, 0, 0, 1<<5); e != ErrnoInval {
			t.Errorf("bad fdflags: %d", e)
		}
		// fd_ptr and path pointers are checked before anything is created.
		pp, pl := h.str("created-anyway")
		h.expect(ErrnoFault, "path_open", 3, 0, pp, pl, oflagCreat, fileRW, 0, 0, badPtr)
		if exists(filepath.Join(dir, "created-anyway")) {
			t.Error("path_open created a file before failing on fd_ptr")
		}
		h.expect(ErrnoFault, "path_open", 3, 0, badPtr, 4, 0, 0, 0, 0, uint64(h.alloc(4)))
	})
}

// TestPathOpenTruncWithoutWriteRight: oflags::trunc truncates even when the
// new fd asks for no write right, or no right at all (wasi-testsuite
// truncation_rights; wasmtime and Linux's O_RDONLY|O_TRUNC do the same). The
// fd keeps exactly the rights asked for: no writing through it. It used to
// be EINVAL.
func TestPathOpenTruncWithoutWriteRight(t *testing.T) {
	forEachResolver(t, func(t *testing.T, h *harness, dir string) {
		for _, c := range []struct {
			name string
			base uint64
		}{
			{"no rights", 0},
			{"read only", rightFdRead | rightFdSeek | rightFdTell},
		} {
			p := filepath.Join(dir, "f")
			if err := os.WriteFile(p, []byte("content"), 0o644); err != nil {
				t.Fatal(err)
			}
			fd, e := h.open(3, false, "f", oflagTrunc, c.base, 0, 0)
			if e != 0 {
				t.Fatalf("%s: O_TRUNC: errno %d", c.name, e)
			}
			if b, _ := os.ReadFile(p); len(b) != 0 {
				t.Errorf("%s: O_TRUNC left %q", c.name, b)
			}
			st := h.alloc(24)
			h.must("fd_fdstat_get", uint64(fd), uint64(st))
			if r := h.u64(st + 8); r != c.base {
				t.Errorf("%s: rights %#x, want %#x", c.name, r, c.base)
			}
			ip, ic, _ := h.iov([]byte("x"))
			h.expect(ErrnoNotcapable, "fd_write", uint64(fd), ip, ic, uint64(h.alloc(4)))
			h.must("fd_close", uint64(fd))
		}
		if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, e := h.open(3, false, "d", oflagTrunc, 0, 0, 0); e != ErrnoIsdir {
			t.Errorf("O_TRUNC on a directory: errno %d, want EISDIR", e)
		}
	})
}

// TestDirectoriesLackPathFilestatSetSize: no directory holds
// path_filestat_set_size, not even when path_open or fd_fdstat_set_rights
// asks for it, because oflags::trunc is not gated on it (see pathOpen).
// Directories used to hold it, and dropping it changed nothing, which
// wasi-testsuite truncation_rights caught.
func TestDirectoriesLackPathFilestatSetSize(t *testing.T) {
	h, dir := newDirHarness(t)
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "d", "f"), []byte("content"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Every right but the write rights, which are EISDIR on a directory.
	sub, e := h.open(3, false, "d", oflagDirectory, rightsAll&^rightsWrite, rightsAll, 0)
	if e != 0 {
		t.Fatalf("open d asking for every non-write right: errno %d", e)
	}
	st := h.alloc(24)
	for _, fd := range []uint32{3, sub} {
		h.must("fd_fdstat_get", uint64(fd), uint64(st))
		if r := h.u64(st + 8); r&rightPathFilestatSetSize != 0 {
			t.Errorf("fd %d: directory rights %#x hold path_filestat_set_size", fd, r)
		}
	}
	h.must("fd_fdstat_get", uint64(sub), uint64(st))
	h.expect(ErrnoNotcapable, "fd_fdstat_set_rights", uint64(sub), h.u64(st+8)|rightPathFilestatSetSize, h.u64(st+16))
	// Truncation needs only path_open on the directory.
	h.must("fd_fdstat_set_rights", uint64(sub), rightPathOpen, rightsAll)
	if _, e := h.open(sub, false, "f", oflagTrunc, 0, 0, 0); e != 0 {
		t.Errorf("O_TRUNC through a directory with only path_open: errno %d", e)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "d", "f")); len(b) != 0 {
		t.Errorf("O_TRUNC left %q", b)
	}
}
