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

// A cache on a full disk, written by many loaders at once (as by
// concurrent lucet-run processes: each write is a temporary file renamed
// into place, so goroutines race as processes do). On a 400 KiB tmpfs, a
// dozen distinct modules of ~80 KiB objects each, loaded by twelve
// loaders at once, three rounds: every load succeeds (compiled without
// the cache where it is full, with a warning), no temporary file is left
// behind, and every entry the cache ends with loads without a warning in
// a fresh Cache. Mounting needs root (CAP_SYS_ADMIN); elsewhere the test
// is skipped.
func TestFullDiskConcurrentWriters(t *testing.T) {
	mnt := t.TempDir()
	if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size=400k"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { unix.Unmount(mnt, unix.MNT_DETACH) })
	hello := readWasm(t, "hello.wasm")
	var paths []string
	for i := range 12 {
		// A custom section makes each a different module (key).
		name := fmt.Sprintf("pad%d", i)
		sec := append([]byte{byte(len(name))}, name...)
		b := append(append([]byte(nil), hello...), 0)
		b = binary.AppendUvarint(b, uint64(len(sec)))
		b = append(b, sec...)
		paths = append(paths, writeFile(t, t.TempDir(), "h.wasm", b))
	}
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
	if full == 0 {
		t.Fatal("the cache never filled the disk: the test tests nothing")
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
}
