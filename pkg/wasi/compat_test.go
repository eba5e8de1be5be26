package wasi

import (
	"os"
	"path/filepath"
	"testing"
)

// Rights masks as guest libraries send them: Go's syscall/fs_wasip1.go
// (fileRights, writeRights, readRights, dirRights) and wasi-libc's openat,
// which asks for every right the directory would pass on and lets path_open
// narrow.
const (
	goFileRights = rightFdDatasync | rightFdRead | rightFdSeek | rightFdFdstatSetFlags |
		rightFdSync | rightFdTell | rightFdWrite | rightFdAdvise | rightFdAllocate |
		rightPathCreateDirectory | rightPathCreateFile | rightPathLinkSource |
		rightPathLinkTarget | rightPathOpen | rightFdReaddir | rightPathReadlink |
		rightPathRenameSource | rightPathRenameTarget | rightPathFilestatGet |
		rightPathFilestatSetSize | rightPathFilestatSetTimes | rightFdFilestatGet |
		rightFdFilestatSetSize | rightFdFilestatSetTimes | rightPathSymlink |
		rightPathRemoveDirectory | rightPathUnlinkFile | rightPollFdReadwrite
	goWriteRights = rightFdDatasync | rightFdWrite | rightFdAllocate | rightPathFilestatSetSize
	goReadRights  = rightFdRead | rightFdReaddir
	goDirRights   = rightFdSeek | rightFdFdstatSetFlags | rightFdSync | rightPathCreateDirectory |
		rightPathCreateFile | rightPathLinkSource | rightPathLinkTarget | rightPathOpen |
		rightFdReaddir | rightPathReadlink | rightPathRenameSource | rightPathRenameTarget |
		rightPathFilestatGet | rightPathFilestatSetSize | rightPathFilestatSetTimes |
		rightFdFilestatGet | rightFdFilestatSetTimes | rightPathSymlink |
		rightPathRemoveDirectory | rightPathUnlinkFile
)

func TestGuestLibraryConventions(t *testing.T) {
	h, dir := newDirHarness(t)
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	os.WriteFile(filepath.Join(dir, "d", "x"), []byte("x"), 0o644)

	// Go os.Open on a directory: its "read-only" rights still hold
	// fd_filestat_set_size, a write right for path_open (wasi-common and
	// uvwasi split read/write the same way), so the first try is EISDIR and
	// Go retries with O_DIRECTORY and its dirRights.
	if _, e := h.open(3, true, "d", 0, goFileRights&^goWriteRights, goFileRights, 0); e != ErrnoIsdir {
		t.Fatalf("Go-style first open of a directory: %d, want EISDIR", e)
	}
	fd, e := h.open(3, true, "d", oflagDirectory, (goFileRights&^goWriteRights)&goDirRights, goFileRights, 0)
	if e != 0 {
		t.Fatalf("Go-style directory retry: %d", e)
	}
	st := h.alloc(24)
	h.must("fd_fdstat_get", uint64(fd), uint64(st))
	if h.mem.b[st] != filetypeDirectory {
		t.Fatalf("filetype %d", h.mem.b[st])
	}
	if b, e := h.readdir(fd, 1024, 0); e != 0 || len(b) == 0 {
		t.Errorf("readdir on Go-opened dir: %d", e)
	}
	// Go asked for fd_seek; path_open dropped it (Go rewinds a directory
	// by resetting its readdir cookie, never through fd_seek).
	if h.u64(st+8)&rightFdSeek != 0 {
		t.Errorf("Go-opened directory kept fd_seek: rights %#x", h.u64(st+8))
	}
	// Path ops relative to it (Go's os.DirFS-style usage).
	if _, e := h.open(fd, true, "x", 0, goFileRights&^goWriteRights, goFileRights, 0); e != 0 {
		t.Errorf("open relative to Go-opened dir: %d", e)
	}
	// Go os.Create: O_RDWR|O_CREAT|O_TRUNC.
	if _, e := h.open(3, true, "new", oflagCreat|oflagTrunc, goFileRights, goFileRights, 0); e != 0 {
		t.Errorf("Go-style create: %d", e)
	}
	// Go os.OpenFile(O_WRONLY|O_APPEND).
	if _, e := h.open(3, true, "new", 0, goFileRights&^goReadRights, goFileRights, fdflagAppend); e != 0 {
		t.Errorf("Go-style append open: %d", e)
	}
	// Go os.Open on a file reads it.
	if f, e := h.open(3, true, "d/x", 0, goFileRights&^goWriteRights, goFileRights, 0); e != 0 || string(h.read(f, 4)) != "x" {
		t.Errorf("Go-style open of a file: %d", e)
	}
	// wasi-libc: base = everything the parent passes on (incl. bits above
	// the defined ones from its ~mask), inheriting = parent's inheriting.
	wl := ^uint64(rightsWrite) // open(O_RDONLY): all but write rights, undefined high bits set
	if _, e := h.open(3, true, "d/x", 0, wl, rightsAll, 0); e != 0 {
		t.Errorf("wasi-libc-style open: %d", e)
	}
	if _, e := h.open(3, true, "d", oflagDirectory, wl, rightsAll, 0); e != 0 {
		t.Errorf("wasi-libc-style opendir: %d", e)
	}
}

// TestGoRootConventions replays what Go's os.Root does on wasip1
// (os/root_unix.go over syscall/fs_wasip1.go): it opens the root and every
// directory on the way read-only, which strips path_filestat_set_size (a
// "write right" to Go) from the directory, then opens each last component
// itself with O_NOFOLLOW and expects ELOOP (or ENOTDIR) for a symlink so it
// can readlink and resolve the link on its own. Before the fix every
// Create/WriteFile in a Root failed with ENOTCAPABLE, because path_open
// demanded path_filestat_set_size on the directory for oflags::trunc.
func TestGoRootConventions(t *testing.T) {
	const (
		goRead   = goFileRights &^ goWriteRights
		goWrite  = goFileRights &^ goReadRights
		goDirOpn = goRead & goDirRights // O_RDONLY|O_DIRECTORY: Go's rights & dirRights
	)
	eachResolver(t, func(t *testing.T, walk bool) {
		top := t.TempDir()
		sb := filepath.Join(top, "sb")
		root := filepath.Join(sb, "ROOT")
		secret := filepath.Join(top, "secret")
		os.MkdirAll(filepath.Join(root, "dir"), 0o755)
		os.WriteFile(secret, []byte("top secret"), 0o644)
		for name, content := range map[string]string{"existing": "old", "rdonly-trunc": "old"} {
			os.WriteFile(filepath.Join(root, name), []byte(content), 0o644)
		}
		for l, target := range map[string]string{
			"target":  "../ROOT/s_target", // TestRootMultiWriteFile's link
			"dirlink": "dir",
			"out":     "../../secret",
		} {
			if err := os.Symlink(target, filepath.Join(root, l)); err != nil {
				t.Fatal(err)
			}
		}
		h := newHarness(t, Config{Preopens: []Preopen{{HostPath: sb, GuestPath: "/"}}})
		h.s.walk = walk

		// os.OpenRoot: O_RDONLY first (EISDIR, see
		// TestGuestLibraryConventions), then the O_DIRECTORY retry.
		rfd, e := h.open(3, true, "ROOT", oflagDirectory, goDirOpn, goFileRights, 0)
		if e != 0 {
			t.Fatalf("open root: %d", e)
		}
		cases := []struct {
			name    string
			path    string
			follow  bool
			oflags  uint32
			base    uint64
			fdflags uint32
			want    Errno
		}{
			{"WriteFile (O_WRONLY|O_CREATE|O_TRUNC)", "new", false, oflagCreat | oflagTrunc, goWrite, 0, ErrnoSuccess},
			{"Create (O_RDWR|O_CREATE|O_TRUNC)", "created", false, oflagCreat | oflagTrunc, goFileRights, 0, ErrnoSuccess},
			{"truncate existing", "existing", false, oflagTrunc, goWrite, 0, ErrnoSuccess},
			{"append (O_WRONLY|O_CREATE|O_APPEND)", "log", false, oflagCreat, goWrite, fdflagAppend, ErrnoSuccess},
			{"O_NOFOLLOW on a symlink is ELOOP", "target", false, oflagCreat | oflagTrunc, goWrite, 0, ErrnoLoop},
			{"O_NOFOLLOW|O_DIRECTORY on a symlink", "dirlink", false, oflagDirectory, goDirOpn, 0, ErrnoNotdir},
			// Go's O_RDONLY|O_TRUNC: truncates, as on Linux and in wasmtime.
			{"O_TRUNC without any write right", "rdonly-trunc", false, oflagTrunc, goRead, 0, ErrnoSuccess},
			{"create through an escaping link", "out", true, oflagCreat | oflagTrunc, goWrite, 0, errnoEscape},
			{"truncate through an escaping link", "out", true, oflagTrunc, goWrite, 0, errnoEscape},
			{"O_NOFOLLOW on an escaping link", "out", false, oflagTrunc, goWrite, 0, ErrnoLoop},
			{"create via .. out of the preopen", "../../secret", false, oflagCreat | oflagTrunc, goWrite, 0, errnoEscape},
		}
		for _, c := range cases {
			fd, e := h.open(rfd, c.follow, c.path, c.oflags, c.base, goFileRights, c.fdflags)
			if e != c.want {
				t.Errorf("%s: errno %d, want %d", c.name, e, c.want)
				continue
			}
			if e == 0 {
				h.must("fd_close", uint64(fd))
			}
		}
		for _, name := range []string{"existing", "rdonly-trunc"} {
			if b, _ := os.ReadFile(filepath.Join(root, name)); len(b) != 0 {
				t.Errorf("%s not truncated: %q", name, b)
			}
		}
		if b, _ := os.ReadFile(secret); string(b) != "top secret" {
			t.Errorf("file outside the preopen changed: %q", b)
		}
		if _, err := os.Lstat(filepath.Join(root, "s_target")); err == nil {
			t.Error("O_NOFOLLOW create followed the link")
		}
	})
}
