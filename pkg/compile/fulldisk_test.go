package compile

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// padded returns n distinct modules (hello.wasm, each with a custom
// section of its own), written to files.
func padded(t *testing.T, n int) []string {
	hello := readWasm(t, "hello.wasm")
	var paths []string
	for i := range n {
		// A custom section makes each a different module (key).
		name := fmt.Sprintf("pad%d", i)
		sec := append([]byte{byte(len(name))}, name...)
		b := append(append([]byte(nil), hello...), 0)
		b = binary.AppendUvarint(b, uint64(len(sec)))
		b = append(b, sec...)
		paths = append(paths, writeFile(t, t.TempDir(), "h.wasm", b))
	}
	return paths
}

// smallTmpfs mounts a tmpfs of size bytes, or skips the test where it
// cannot (mounting needs root, CAP_SYS_ADMIN).
func smallTmpfs(t *testing.T, size string) string {
	mnt := t.TempDir()
	if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
	return mnt
}

// A cache on a disk that fills up before the cache reaches its bound
// makes room for a new entry: the least recently used entries go, and the
// write is tried again. On a 400 KiB tmpfs (room for four ~80 KiB
// objects), twelve modules compiled one after another are each found in
// the cache right after, with no warning; before, every module past the
// fourth was compiled without the cache for good.
func TestFullDiskMakesRoom(t *testing.T) {
	cdir := filepath.Join(smallTmpfs(t, "400k"), "cache")
	paths := padded(t, 12)
	for i, p := range paths {
		c, w := newCache(t, cdir)
		m, err := LoadFile(p, Options{}, c)
		if err != nil {
			t.Fatalf("module %d: %v", i, err)
		}
		m.Close()
		if w.String() != "" {
			t.Errorf("module %d: warning %q", i, w)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c, w = newCache(t, cdir)
		m, hit := c.Lookup(b, Options{})
		if !hit {
			t.Fatalf("module %d is not in the cache right after it was compiled (%q)", i, w)
		}
		m.Close()
	}
	// The most recent entries stayed; the first went.
	des, err := os.ReadDir(cdir)
	if err != nil {
		t.Fatal(err)
	}
	var entries int
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			t.Errorf("left %s behind", de.Name())
		}
		if strings.HasSuffix(de.Name(), ".so") {
			entries++
		}
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newCache(t, cdir)
	if m, hit := c.Lookup(b, Options{}); hit {
		m.Close()
		t.Error("the least recently used entry was kept")
	}
	if entries < 2 {
		t.Errorf("%d entries left on the disk, want the last few", entries)
	}
	t.Logf("%d entries left", entries)
}

// A cache on a full disk, written by many loaders at once (as by
// concurrent lucet-run processes: each write is a temporary file renamed
// into place, so goroutines race as processes do). On a 400 KiB tmpfs, a
// dozen distinct modules of ~80 KiB objects each, loaded by twelve
// loaders at once, three rounds: every load succeeds (entries make room
// for each other, and a write that still finds no room, its room taken
// by another writer, is compiled without the cache with a warning), the
// disk holds fewer entries than modules, no temporary file is left
// behind, and every entry the cache ends with loads without a warning in
// a fresh Cache. Mounting needs root (CAP_SYS_ADMIN); elsewhere the test
// is skipped.
func TestFullDiskConcurrentWriters(t *testing.T) {
	mnt := smallTmpfs(t, "400k")
	paths := padded(t, 12)
	cdir := filepath.Join(mnt, "cache")
	var full int
	for round := range 3 {
		var wg sync.WaitGroup
		errs := make([]error, len(paths))
		warns := make([]*warnings, len(paths))
		for i, p := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var c *Cache
				c, warns[i] = newCache(t, cdir)
				m, err := LoadFile(p, Options{}, c)
				if err == nil {
					if !hasExport(m, "_start") {
						err = fmt.Errorf("loaded a module without _start")
					}
					m.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, module %d: %v", round, i, err)
			}
			w := warns[i].String()
			if strings.Contains(w, "no space left") {
				full++
			} else if w != "" {
				t.Errorf("round %d, module %d: warning %q", round, i, w)
			}
		}
	}
	des, err := os.ReadDir(cdir)
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			t.Errorf("left %s behind", de.Name())
		}
	}
	for _, p := range paths {
		c, w := newCache(t, cdir)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m, hit := c.Lookup(b, Options{})
		if hit {
			hits++
			m.Close()
		}
		if w.String() != "" {
			t.Errorf("an entry left on the full disk is not trusted: %q", w)
		}
	}
	t.Logf("%d loads warned of the full disk; %d entries left, all whole", full, hits)
	if hits == 0 {
		t.Error("no entry fitted")
	}
	// Far below MaxBytes, only the full disk keeps or takes an entry out.
	if hits == len(paths) {
		t.Fatal("the cache never filled the disk: the test tests nothing")
	}
}
