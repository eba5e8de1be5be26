package wasi

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSandboxSymlinkRace flips symlinks between a target inside the
// preopen and one outside it, from another goroutine, while the guest
// resolves paths through them with every path-taking call, under both
// resolvers. However the flips interleave with a resolution, nothing
// outside may be read, created, changed or removed: a call either acts
// inside or is refused.
func TestSandboxSymlinkRace(t *testing.T) {
	if testing.Short() {
		t.Skip("a timed race: -short skips it")
	}
	eachResolver(t, func(t *testing.T, walk bool) {
		root := t.TempDir()
		outside, sb := filepath.Join(root, "outside"), filepath.Join(root, "sb")
		for _, d := range []string{outside, filepath.Join(outside, "odir"), filepath.Join(sb, "in", "idir")} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for p, s := range map[string]string{
			"outside/secret": "top secret", "outside/victim": "v",
			"sb/in/secret": "inside", "sb/in/victim": "v",
		} {
			if err := os.WriteFile(filepath.Join(root, p), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		before := snapshot(t, outside)
		h := newHarness(t, Config{Preopens: []Preopen{{HostPath: sb, GuestPath: "/"}}})
		h.s.walk = walk

		// dlink flips between a directory inside and one outside; flink
		// between a file inside and one outside. Each flip is a rename of
		// a fresh link over the old, so the name always exists.
		var stop atomic.Bool
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			targets := [][2]string{{"in", "../outside"}, {"in/secret", "../outside/secret"}}
			for i := 0; !stop.Load(); i++ {
				for j, name := range []string{"dlink", "flink"} {
					tmp := filepath.Join(sb, name+".tmp")
					os.Remove(tmp)
					if os.Symlink(targets[j][i%2], tmp) == nil {
						os.Rename(tmp, filepath.Join(sb, name))
					}
				}
			}
		}()

		str := func(s string) (uint64, uint64) { return h.str(s) }
		buf := h.alloc(64)
		outcomes := map[Errno]int{} // of opening dlink/secret
		// The inside secret is put back each round (the trunc call empties it).
		restore := func() { os.WriteFile(filepath.Join(sb, "in", "secret"), []byte("inside"), 0o644) }
		calls := []func(){
			restore,
			func() {
				fd, e := h.open(3, true, "dlink/secret", 0, rightFdRead, 0, 0)
				outcomes[e]++
				if e == ErrnoSuccess {
					if got := string(h.read(fd, 32)); got == "top secret" {
						t.Errorf("read %q through dlink", got)
					}
					h.call("fd_close", uint64(fd))
				}
			},
			func() {
				fd, e := h.open(3, true, "flink", 0, rightFdRead, 0, 0)
				if e == ErrnoSuccess {
					if got := string(h.read(fd, 32)); got == "top secret" {
						t.Errorf("read %q through flink", got)
					}
					h.call("fd_close", uint64(fd))
				}
			},
			func() {
				fd, e := h.open(3, true, "dlink/created", oflagCreat, fileRW, 0, 0)
				if e == ErrnoSuccess {
					h.call("fd_close", uint64(fd))
				}
			},
			func() { h.open(3, true, "flink", oflagTrunc, fileRW, 0, 0) },
			func() { h.p1("path_create_directory", 3, "dlink/newdir") },
			func() { h.p1("path_remove_directory", 3, "dlink/newdir") },
			func() { h.p1("path_unlink_file", 3, "dlink/victim") },
			func() { h.p1("path_unlink_file", 3, "dlink/created") },
			func() { h.symlink("x", 3, "dlink/sym") },
			func() { h.p1("path_unlink_file", 3, "dlink/sym") },
			func() {
				p, l := str("flink")
				h.call("path_filestat_set_times", 3, lookupSymFollow, p, l, 0, 0, fstMtimNow)
			},
			func() {
				p, l := str("dlink/secret")
				h.call("path_filestat_set_times", 3, 0, p, l, 0, 0, fstMtimNow)
			},
			func() { h.link(3, true, "flink", 3, "hl"); h.p1("path_unlink_file", 3, "hl") },
			func() { h.link(3, false, "dlink/secret", 3, "hl2"); h.p1("path_unlink_file", 3, "hl2") },
			func() {
				if h.rename(3, "dlink/victim", 3, "in/victim2") == ErrnoSuccess {
					h.rename(3, "in/victim2", 3, "in/victim")
				}
			},
			func() { h.rename(3, "in/idir", 3, "dlink/odir") },
			func() {
				if h.rename(3, "in/idir", 3, "dlink/idir2") == ErrnoSuccess {
					h.rename(3, "in/idir2", 3, "in/idir")
				}
			},
			func() {
				if s, e := h.readlink(3, "dlink/secret", 64); e == ErrnoSuccess {
					t.Errorf("readlink of a file succeeded: %q", s)
				}
			},
			func() {
				p, l := str("flink")
				h.call("path_filestat_get", 3, lookupSymFollow, p, l, uint64(buf))
			},
		}
		// A second, and on a loaded machine on until both sides of the
		// flip have been seen (at most 30 s).
		start := time.Now()
		n, mark := 0, h.next
		for d := time.Since(start); d < time.Second || d < 30*time.Second &&
			(outcomes[ErrnoSuccess] == 0 || outcomes[errnoEscape] == 0); d = time.Since(start) {
			for _, c := range calls {
				h.next = mark // nothing in guest memory outlives a call
				c()
				n++
			}
		}
		stop.Store(true)
		wg.Wait()
		after := snapshot(t, outside)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("outside %s changed: %q -> %q", k, v, after[k])
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok {
				t.Errorf("outside %s created", k)
			}
		}
		// Both sides of the flip were seen, or the test proved nothing.
		if outcomes[ErrnoSuccess] == 0 || outcomes[errnoEscape] == 0 {
			t.Errorf("opens through dlink: %v; want some inside (0) and some refused (%d)", outcomes, errnoEscape)
		}
		t.Logf("%d calls; opens through dlink %v", n, outcomes)
	})
}
