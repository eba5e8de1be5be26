package wasi

import (
	"os"
	"path/filepath"
	"testing"
)

// Rights masks as guest libraries send them: Go's syscall/fs_wasip1.go
// (fileRights, dirRights, writeRights) and wasi-libc's openat, which asks
// for every right the directory would pass on and lets path_open narrow.
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
	goDirRights := rightsDirBase // Go's dirRights is exactly our directory base set
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
	h.must("fd_seek", uint64(fd), 0, 0, uint64(h.alloc(8))) // Go rewinds directories
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
