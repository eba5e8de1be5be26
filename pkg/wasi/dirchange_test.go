package wasi

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A directory that changes while a guest lists it, call by call from the
// last d_next as wasi-libc does: between calls a file is created, one
// already listed and one not yet listed are removed. POSIX leaves open
// only whether an entry added or removed since the listing began shows:
// every entry present throughout is listed exactly once, no name twice,
// and the listing ends. On ext4 (hashed offsets) and tmpfs, and with a
// directory emptied and refilled halfway.
func TestReaddirChangingDirectory(t *testing.T) {
	roots := map[string]string{"tempdir": ""}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		roots["tmpfs"] = "/dev/shm"
	}
	for name, root := range roots {
		for _, refill := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/refill=%v", name, refill), func(t *testing.T) {
				dir, err := os.MkdirTemp(root, "readdir")
				if err != nil {
					t.Skip(err)
				}
				t.Cleanup(func() { os.RemoveAll(dir) })
				listChanging(t, dir, refill)
			})
		}
	}
}

func listChanging(t *testing.T, dir string, refill bool) {
	const files = 2500 // over two getdents batches
	touch := func(n string) {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(n string) {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	unseen := map[string]bool{}
	for i := range files {
		n := fmt.Sprintf("f%04d", i)
		touch(n)
		unseen[n] = true
	}
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir}}})
	const bufLen = 2048
	buf, used := h.alloc(bufLen), h.alloc(4)
	changed := map[string]bool{} // created or removed since the start
	seen := map[string]int{}
	var removedSeen []string
	cookie, calls, created := uint64(0), 0, 0
	for ; ; calls++ {
		if calls > 10*files {
			t.Fatalf("no end after %d calls", calls)
		}
		h.must("fd_readdir", 3, uint64(buf), bufLen, cookie, uint64(used))
		ents, truncated := parseDirents(h.bytes(buf, h.u32(used)))
		if len(ents) == 0 {
			if truncated {
				t.Fatalf("cookie %d: an entry larger than the buffer", cookie)
			}
			break
		}
		for _, d := range ents {
			if d.next != cookie+1 {
				t.Fatalf("cookie %d: entry %q has d_next %d", cookie, d.name, d.next)
			}
			cookie = d.next
			seen[d.name]++
			if unseen[d.name] {
				delete(unseen, d.name)
				removedSeen = append(removedSeen, d.name)
			}
		}
		// Change the directory before the next call.
		n := fmt.Sprintf("new%d", created)
		created++
		touch(n)
		changed[n] = true
		if len(removedSeen) > 0 {
			remove(removedSeen[0])
			changed[removedSeen[0]] = true
			removedSeen = removedSeen[1:]
		}
		for n := range unseen {
			remove(n)
			changed[n] = true
			delete(unseen, n)
			break
		}
		if refill && calls == 20 {
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				remove(e.Name())
				changed[e.Name()] = true
			}
			clear(unseen)
			removedSeen = nil
			for i := range 500 {
				n := fmt.Sprintf("refill%d", i)
				touch(n)
				changed[n] = true
			}
		}
	}
	if seen["."] != 1 || seen[".."] != 1 {
		t.Errorf(". listed %d times, .. %d times", seen["."], seen[".."])
	}
	for n, k := range seen {
		if k > 1 {
			t.Errorf("%q listed %d times", n, k)
		}
	}
	for n := range unseen {
		if !changed[n] {
			t.Errorf("%q, present throughout, never listed", n)
		}
	}
	t.Logf("%d calls, %d names listed, %d created", calls, len(seen), created)
}

// What directory fds keep between fd_readdir calls is bounded: 1,000 fds
// on a directory of 1,400 entries, each listed by one 64-byte call, grow
// the host's heap by a few MB (53 KiB a fd, 52 MB, before: a whole
// getdents batch each). Listings still come out whole: one of those fds
// listed on in 64-byte calls, and another fd jumping to cookie 1000 first
// (read forward with the full batch, then trimmed), give the same entries
// as a listing in 16 KiB calls.
func TestReaddirKeepsLittle(t *testing.T) {
	dir := t.TempDir()
	for i := range 1400 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir}}})
	var fds []uint32
	for range 1000 {
		next := h.next
		fd, e := h.open(3, false, ".", oflagDirectory, rightsDirBase, 0, 0)
		if e != ErrnoSuccess {
			t.Fatalf("open: errno %d", e)
		}
		h.next = next // the harness's bump allocator: the path again
		fds = append(fds, fd)
	}
	buf, used := h.alloc(64), h.alloc(4)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, fd := range fds {
		h.must("fd_readdir", uint64(fd), uint64(buf), 64, 0, uint64(used))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 16<<20 {
		t.Errorf("1,000 directory fds one call into a listing hold %d MB of heap", grew>>20)
	}
	big := h.alloc(16 << 10)
	listFrom := func(fd uint32, cookie uint64, buf, bufLen uint32) []string {
		var names []string
		for calls := 0; ; calls++ {
			if calls > 10000 {
				t.Fatal("listing does not end")
			}
			h.must("fd_readdir", uint64(fd), uint64(buf), uint64(bufLen), cookie, uint64(used))
			ents, _ := parseDirents(h.bytes(buf, h.u32(used)))
			if len(ents) == 0 {
				return names
			}
			for _, d := range ents {
				names = append(names, d.name)
				cookie = d.next
			}
		}
	}
	// For reference, the listing in 16 KiB calls on another fd.
	ref := listFrom(3, 0, big, 16<<10)
	if len(ref) != 1402 {
		t.Fatalf("reference listing: %d entries", len(ref))
	}
	check := func(what string, got []string, from int) {
		if len(got) != len(ref)-from {
			t.Fatalf("%s: %d entries, want %d", what, len(got), len(ref)-from)
		}
		for i, n := range got {
			if n != ref[from+i] {
				t.Fatalf("%s: entry %d is %q, want %q", what, from+i, n, ref[from+i])
			}
		}
	}
	check("small calls", listFrom(fds[0], 0, buf, 64), 0)
	check("from cookie 1000", listFrom(fds[1], 1000, buf, 64), 1000)
}
