package wasi

import (
	"fmt"
	"os"
	"path/filepath"
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
