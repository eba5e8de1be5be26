package wasi

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

type parsedDirent struct {
	next uint64
	ino  uint64
	typ  uint8
	name string
}

// parseDirents decodes a readdir buffer; a trailing partial entry is
// returned separately as truncated.
func parseDirents(b []byte) (out []parsedDirent, truncated bool) {
	for len(b) > 0 {
		if len(b) < sizeDirent {
			return out, true
		}
		n := int(le32(b, 16))
		if len(b) < sizeDirent+n {
			return out, true
		}
		out = append(out, parsedDirent{le64(b, 0), le64(b, 8), b[20], string(b[sizeDirent : sizeDirent+n])})
		b = b[sizeDirent+n:]
	}
	return out, false
}

func (h *harness) readdir(fd uint32, bufLen uint32, cookie uint64) ([]byte, Errno) {
	buf := h.alloc(bufLen)
	used := h.alloc(4)
	e := h.call("fd_readdir", uint64(fd), uint64(buf), uint64(bufLen), cookie, uint64(used))
	if e != 0 {
		return nil, e
	}
	return h.bytes(buf, h.u32(used)), 0
}

func TestReaddir(t *testing.T) {
	h, dir := newDirHarness(t)
	names := []string{"a", "bb", "ccc", "dddd-long-name"}
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink("a", filepath.Join(dir, "lnk"))
	all := append([]string{".", ".."}, append(names, "sub", "lnk")...)

	b, e := h.readdir(3, 4096, 0)
	if e != 0 {
		t.Fatal(e)
	}
	ents, trunc := parseDirents(b)
	if trunc || len(ents) != len(all) {
		t.Fatalf("got %d entries (trunc %v), want %d", len(ents), trunc, len(all))
	}
	if ents[0].name != "." || ents[1].name != ".." {
		t.Errorf("dot entries not first: %q %q", ents[0].name, ents[1].name)
	}
	var got []string
	types := map[string]uint8{}
	for i, d := range ents {
		if d.next != uint64(i+1) {
			t.Errorf("entry %d d_next = %d", i, d.next)
		}
		got = append(got, d.name)
		types[d.name] = d.typ
		if d.name == "a" {
			var st unix.Stat_t
			unix.Stat(filepath.Join(dir, "a"), &st)
			if d.ino != st.Ino {
				t.Errorf("ino %d, want %d", d.ino, st.Ino)
			}
		}
	}
	sort.Strings(got)
	want := append([]string(nil), all...)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("names %v, want %v", got, want)
	}
	if types["sub"] != filetypeDirectory || types["a"] != filetypeRegularFile || types["lnk"] != filetypeSymbolicLink || types["."] != filetypeDirectory {
		t.Errorf("types %v", types)
	}

	// Continue from each cookie: the listing from cookie k is the tail.
	for k := range ents {
		b, _ := h.readdir(3, 4096, uint64(k))
		tail, _ := parseDirents(b)
		if len(tail) != len(ents)-k || tail[0].name != ents[k].name {
			t.Fatalf("cookie %d: %d entries starting %q", k, len(tail), tail[0].name)
		}
	}
	b, _ = h.readdir(3, 4096, uint64(len(ents)))
	if len(b) != 0 {
		t.Errorf("cookie at end returned %d bytes", len(b))
	}
	b, _ = h.readdir(3, 4096, 1<<40)
	if len(b) != 0 {
		t.Errorf("cookie past end returned %d bytes", len(b))
	}

	// Small buffers: bufused == buf_len signals truncation; walking with
	// the last complete entry's d_next sees every name exactly once, the way
	// wasi-libc's readdir does it.
	for _, size := range []uint32{0, 1, 10, 24, 25, 30, 40, 64} {
		var seen []string
		cookie := uint64(0)
		bufLen := size
		for iter := 0; iter < 100; iter++ {
			b, e := h.readdir(3, bufLen, cookie)
			if e != 0 {
				t.Fatal(e)
			}
			ents, trunc := parseDirents(b)
			if trunc && uint32(len(b)) != bufLen {
				t.Fatalf("size %d: partial entry but bufused %d != %d", size, len(b), bufLen)
			}
			for _, d := range ents {
				seen = append(seen, d.name)
				cookie = d.next
			}
			if uint32(len(b)) < bufLen {
				break // end of directory
			}
			if len(ents) == 0 {
				bufLen *= 2 // one entry bigger than the buffer: grow, as libc does
				if bufLen == 0 {
					bufLen = 32
				}
			}
		}
		if len(seen) != len(all) {
			t.Errorf("size %d: saw %v", size, seen)
		}
	}
	// A zero-length buffer returns nothing and is not an error.
	if b, e := h.readdir(3, 0, 0); e != 0 || len(b) != 0 {
		t.Errorf("empty buffer: %d %d", len(b), e)
	}

	// New entries show up after a rewind to cookie 0.
	os.WriteFile(filepath.Join(dir, "late"), nil, 0o644)
	b, _ = h.readdir(3, 4096, 0)
	if ents, _ := parseDirents(b); len(ents) != len(all)+1 {
		t.Errorf("after adding a file: %d entries", len(ents))
	}

	// Errors.
	used := h.alloc(4)
	h.expect(ErrnoFault, "fd_readdir", 3, badPtr, 100, 0, uint64(used))
	h.expect(ErrnoFault, "fd_readdir", 3, memSize-10, 100, 0, uint64(used))
	h.expect(ErrnoFault, "fd_readdir", 3, uint64(used), 4, 0, badPtr)
	f, _ := h.open(3, false, "a", 0, rightFdRead|rightFdReaddir, 0, 0)
	h.expect(ErrnoNotdir, "fd_readdir", uint64(f), uint64(used), 4, 0, uint64(used))
	h.expect(ErrnoBadf, "fd_readdir", 99, uint64(used), 4, 0, uint64(used))
}

// TestDirectoryHasNoOffset: a directory fd carries neither fd_seek nor
// fd_tell, even when path_open asked for them, so seek and tell on it fail
// (wasi-testsuite directory_seek and dir_fd_op_failures; they accept
// EISDIR, EBADF or ENOTCAPABLE). Directories once carried fd_seek, and
// fd_seek on them moved the host offset.
func TestDirectoryHasNoOffset(t *testing.T) {
	h, dir := newDirHarness(t)
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	opened, e := h.open(3, false, "d", oflagDirectory, rightFdSeek|rightFdTell|rightFdReaddir, 0, 0)
	if e != 0 {
		t.Fatalf("open d with seek/tell rights: errno %d", e)
	}
	out := h.alloc(24)
	for _, fd := range []uint32{3, opened} {
		h.must("fd_fdstat_get", uint64(fd), uint64(out))
		if r := h.u64(out + 8); r&(rightFdSeek|rightFdTell) != 0 {
			t.Errorf("fd %d: directory rights %#x hold seek/tell", fd, r)
		}
		for _, c := range []struct {
			name string
			args []uint64
		}{
			{"fd_seek", []uint64{uint64(fd), 0, unix.SEEK_CUR, uint64(out)}},
			{"fd_seek", []uint64{uint64(fd), 0, unix.SEEK_SET, uint64(out)}},
			{"fd_seek", []uint64{uint64(fd), 0, unix.SEEK_END, uint64(out)}},
			{"fd_seek", []uint64{uint64(fd), 5, unix.SEEK_SET, uint64(out)}},
			{"fd_tell", []uint64{uint64(fd), uint64(out)}},
		} {
			if e := h.call(c.name, c.args...); e != ErrnoNotcapable {
				t.Errorf("fd %d: %s%v: errno %d, want ENOTCAPABLE", fd, c.name, c.args[1:], e)
			}
		}
	}
}

// TestReaddirLargeDir: fd_readdir once read the whole directory into a
// snapshot at every cookie 0, so a guest rewinding in a loop over a
// directory of a million entries made each call cost the whole listing in
// time and host memory, in the kernel where no stop reached it. A call now
// holds one getdents batch whatever the directory's size, a listing in
// small steps sees each entry once, and a call that must read far ahead
// looks at its Canceler between batches.
func TestReaddirLargeDir(t *testing.T) {
	const n = 20000
	h, dir := newDirHarness(t)
	for i := 0; i < n; i++ {
		name := filepath.Join(dir, fmt.Sprintf("entry-with-a-long-name-%06d", i))
		if err := os.WriteFile(name, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	buf, used := h.alloc(256), h.alloc(4)
	call := func(m Memory, cookie uint64) (Errno, error) {
		stack := []uint64{3, uint64(buf), 256, cookie, uint64(used)}
		err := h.funcs["fd_readdir"].Call(m, stack)
		return Errno(stack[0]), err
	}

	t.Run("rewind holds one batch", func(t *testing.T) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < 5; i++ {
			if e, err := call(h.via, 0); e != 0 || err != nil {
				t.Fatalf("cookie 0: errno %d, %v", e, err)
			}
		}
		runtime.ReadMemStats(&after)
		// The whole listing is n names of 28 bytes plus 40-byte entries,
		// over 1.3 MB per call; a batch is 32 KiB of records.
		if a := (after.TotalAlloc - before.TotalAlloc) / 5; a > 256<<10 {
			t.Errorf("fd_readdir at cookie 0 of a %d-entry directory allocated %d bytes per call", n, a)
		}
	})

	t.Run("sequential listing", func(t *testing.T) {
		seen := map[string]bool{}
		cookie := uint64(0)
		for {
			e, err := call(h.via, cookie)
			if e != 0 || err != nil {
				t.Fatalf("cookie %d: errno %d, %v", cookie, e, err)
			}
			b := h.bytes(buf, h.u32(used))
			ents, _ := parseDirents(b)
			for _, d := range ents {
				if seen[d.name] {
					t.Fatalf("%q listed twice", d.name)
				}
				seen[d.name] = true
				cookie = d.next
			}
			if len(b) < 256 {
				break
			}
		}
		if len(seen) != n+2 || !seen["."] || !seen[".."] {
			t.Errorf("listed %d entries, want %d", len(seen), n+2)
		}
	})

	t.Run("far cookie stops", func(t *testing.T) {
		m := &stopOnAsk{fakeMem: h.mem, done: make(chan struct{})}
		if _, err := call(h.via, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := call(m, 1<<40); err != errStopped {
			t.Fatalf("fd_readdir reading %d entries ahead, stopped at the first look: %v, want %v", n, err, errStopped)
		}
	})
}
