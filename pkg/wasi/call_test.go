package wasi

import (
	"os"
	"path/filepath"
	"testing"
)

// openFDs counts the process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// Whatever step a call fails at, it releases what the steps before
// pinned: no entry stays pinned and no parent directory stays open.
func TestCallsReleaseWhatTheyPin(t *testing.T) {
	forEachResolver(t, func(t *testing.T, h *harness, dir string) {
		os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644)
		os.Mkdir(filepath.Join(dir, "d"), 0o755)
		os.Symlink("f", filepath.Join(dir, "l"))
		file, e := h.open(3, false, "f", 0, fileRW, 0, 0)
		if e != 0 {
			t.Fatal(e)
		}
		f := uint64(file)
		buf := uint64(h.alloc(64))
		before := openFDs(t)
		paths := []string{"f", "d", "l", "d/", "f/", "nonesuch", "../escape", "/abs", "d/../f", ""}
		for _, p := range paths {
			pp, pl := h.str(p)
			q, ql := h.str(p + "2")
			for _, c := range []struct {
				name string
				args []uint64
			}{
				{"path_open", []uint64{3, 1, pp, pl, 0, rightFdRead, 0, 0, buf}},
				{"path_open", []uint64{3, 1, pp, pl, 0, rightFdRead, 0, 0, badPtr}},
				{"path_open", []uint64{f, 1, pp, pl, 0, rightFdRead, 0, 0, buf}},
				{"path_create_directory", []uint64{3, q, ql}},
				{"path_filestat_get", []uint64{3, 1, pp, pl, buf}},
				{"path_filestat_get", []uint64{3, 0, pp, pl, badPtr}},
				{"path_filestat_set_times", []uint64{3, 1, pp, pl, 0, 0, fstMtimNow}},
				{"path_filestat_set_times", []uint64{3, 1, pp, pl, 0, 0, 0xFF}},
				{"path_link", []uint64{3, 0, pp, pl, 3, q, ql}},
				{"path_link", []uint64{3, 0, pp, pl, f, q, ql}},
				{"path_readlink", []uint64{3, pp, pl, buf, 16, buf + 32}},
				{"path_readlink", []uint64{3, pp, pl, buf, 16, badPtr}},
				{"path_rename", []uint64{3, pp, pl, 3, q, ql}},
				{"path_rename", []uint64{3, q, ql, 3, pp, pl}},
				{"path_rename", []uint64{3, pp, pl, f, q, ql}},
				{"path_symlink", []uint64{pp, pl, 3, q, ql}},
				{"path_unlink_file", []uint64{3, q, ql}},
				{"path_remove_directory", []uint64{3, q, ql}},
			} {
				h.call(c.name, c.args...)
			}
			for _, fd := range []uint64{3, f, 0, 99} {
				for _, name := range []string{"fd_datasync", "fd_sync"} {
					h.call(name, fd)
				}
				h.call("fd_filestat_get", fd, buf)
				h.call("fd_fdstat_get", fd, badPtr)
				h.call("fd_seek", fd, 0, 1, buf)
				h.call("fd_tell", fd, badPtr)
				h.call("fd_readdir", fd, buf, 64, 0, buf+48)
				h.call("fd_prestat_dir_name", fd, buf, 1)
				h.call("fd_filestat_set_times", fd, 0, 0, 0xFF)
				h.call("fd_advise", fd, 0, 0, 99)
				h.call("sock_shutdown", fd, 3)
			}
		}
		// Close what the opens above created, then compare.
		for fd := uint64(file + 1); fd < 64; fd++ {
			h.call("fd_close", fd)
		}
		h.s.mu.Lock()
		for n, e := range h.s.fds.all() {
			if e.refs != 0 {
				t.Errorf("fd %d still pinned %d times", n, e.refs)
			}
		}
		h.s.mu.Unlock()
		if after := openFDs(t); after != before {
			t.Errorf("%d host fds open before the calls, %d after", before, after)
		}
	})
}
