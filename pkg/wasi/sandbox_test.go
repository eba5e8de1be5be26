package wasi

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// snapshot records every name, mode, size, mtime and content under dir, so
// a test can prove nothing outside the sandbox was touched.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		v := fi.Mode().String() + " " + fi.ModTime().Format(time.RFC3339Nano)
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			v += " " + string(b)
		}
		out[rel] = v
		return nil
	})
	return out
}

// TestSandboxEscapes drives every path-taking function at targets outside
// the preopen by every route we know, under both resolvers, and checks the
// call is refused and the outside tree is byte-for-byte unchanged.
func TestSandboxEscapes(t *testing.T) {
	eachResolver(t, func(t *testing.T, walk bool) {
		root := t.TempDir()
		outside := filepath.Join(root, "outside")
		sb := filepath.Join(root, "sb")
		os.MkdirAll(filepath.Join(outside, "odir"), 0o755)
		os.WriteFile(filepath.Join(outside, "secret"), []byte("top secret"), 0o644)
		os.MkdirAll(filepath.Join(sb, "sub", "deeper"), 0o755)
		os.WriteFile(filepath.Join(sb, "file"), []byte("inside"), 0o644)
		links := map[string]string{
			"toroot":       "/",
			"toparent":     "..",
			"tosecret":     "../outside/secret",
			"abs":          filepath.Join(outside, "secret"),
			"absdir":       outside,
			"c1":           "c2",
			"c2":           "sub/c3",
			"sub/c3":       "../../outside/secret",
			"loop1":        "loop2",
			"loop2":        "loop1",
			"dangle":       "../outside/created-by-link",
			"sub/up":       "..",
			"sub/up2":      "../..",
			"okdir":        "sub",
			"sub/deeper/x": "../../../outside",
		}
		for l, target := range links {
			if err := os.Symlink(target, filepath.Join(sb, l)); err != nil {
				t.Fatal(err)
			}
		}
		before := snapshot(t, outside)
		rootBefore, _ := os.ReadDir(root)

		h := newHarness(t, Config{Preopens: []Preopen{{HostPath: sb, GuestPath: "/"}}})
		h.s.walk = walk

		type tc struct {
			name string
			run  func() Errno
			want []Errno // any of
		}
		perm := []Errno{errnoEscape}
		open := func(path string, follow bool, oflags uint32, base uint64) func() Errno {
			return func() Errno { _, e := h.open(3, follow, path, oflags, base, 0, 0); return e }
		}
		stat := func(path string, follow bool) func() Errno {
			return func() Errno { _, e := h.stat(3, follow, path); return e }
		}
		cases := []tc{
			{"open ../x", open("../outside/secret", true, 0, rightFdRead), perm},
			{"open a/../../x", open("sub/../../outside/secret", true, 0, rightFdRead), perm},
			{"open ..", open("..", true, oflagDirectory, 0), perm},
			{"open absolute", open("/etc/passwd", true, 0, rightFdRead), perm},
			{"open absolute inside name", open(filepath.Join(sb, "file"), true, 0, rightFdRead), perm},
			{"open via link to /", open("toroot/etc/passwd", true, 0, rightFdRead), perm},
			{"open via link to ..", open("toparent/outside/secret", true, 0, rightFdRead), perm},
			{"open link to outside file, follow", open("tosecret", true, 0, rightFdRead), perm},
			{"open link to outside file, nofollow", open("tosecret", false, 0, rightFdRead), []Errno{ErrnoLoop}},
			{"open absolute link", open("abs", true, 0, rightFdRead), perm},
			{"open through absolute dir link", open("absdir/secret", true, 0, rightFdRead), perm},
			{"open symlink chain out", open("c1", true, 0, rightFdRead), perm},
			{"open symlink loop", open("loop1", true, 0, rightFdRead), []Errno{ErrnoLoop}},
			{"open sub/up2 (../..)", open("sub/up2/outside/secret", true, 0, rightFdRead), perm},
			{"open nested dir link out", open("sub/deeper/x/secret", true, 0, rightFdRead), perm},
			{"create ../new", open("../outside/new", true, oflagCreat, fileRW), perm},
			{"create via dangling link", open("dangle", true, oflagCreat, fileRW), perm},
			{"create via dangling link nofollow", open("dangle", false, oflagCreat, fileRW), []Errno{ErrnoLoop}},
			{"trunc via link", open("tosecret", true, oflagTrunc, fileRW), perm},
			{"mkdir ../x", func() Errno { return h.p1("path_create_directory", 3, "../outside/newdir") }, perm},
			{"mkdir via link", func() Errno { return h.p1("path_create_directory", 3, "toparent/outside/newdir") }, perm},
			{"mkdir absolute", func() Errno { return h.p1("path_create_directory", 3, "/tmp/x") }, perm},
			{"unlink ../x", func() Errno { return h.p1("path_unlink_file", 3, "../outside/secret") }, perm},
			{"unlink via dir link", func() Errno { return h.p1("path_unlink_file", 3, "absdir/secret") }, perm},
			{"unlink via .. link", func() Errno { return h.p1("path_unlink_file", 3, "sub/up2/outside/secret") }, perm},
			{"rmdir ..", func() Errno { return h.p1("path_remove_directory", 3, "..") }, perm},
			{"rmdir sub/../..", func() Errno { return h.p1("path_remove_directory", 3, "sub/../..") }, perm},
			{"rmdir ../outside/odir", func() Errno { return h.p1("path_remove_directory", 3, "../outside/odir") }, perm},
			{"rmdir via link", func() Errno { return h.p1("path_remove_directory", 3, "toparent/outside/odir") }, perm},
			{"rename in to out", func() Errno { return h.rename(3, "file", 3, "../outside/moved") }, perm},
			{"rename out to in", func() Errno { return h.rename(3, "../outside/secret", 3, "stolen") }, perm},
			{"rename via link dir", func() Errno { return h.rename(3, "absdir/secret", 3, "stolen") }, perm},
			{"rename over outside via link", func() Errno { return h.rename(3, "file", 3, "toparent/outside/secret") }, perm},
			{"hard link outside file in", func() Errno { return h.link(3, false, "../outside/secret", 3, "hl") }, perm},
			{"hard link via followed link", func() Errno { return h.link(3, true, "tosecret", 3, "hl") }, perm},
			{"hard link via absolute link", func() Errno { return h.link(3, true, "abs", 3, "hl") }, perm},
			{"hard link out", func() Errno { return h.link(3, false, "file", 3, "../outside/hl") }, perm},
			{"hard link through dir link", func() Errno { return h.link(3, false, "absdir/secret", 3, "hl") }, perm},
			{"symlink absolute target", func() Errno { return h.symlink("/etc/passwd", 3, "newlink") }, perm},
			{"symlink placed outside", func() Errno { return h.symlink("file", 3, "../outside/lnk") }, perm},
			{"stat ../x", stat("../outside/secret", false), perm},
			{"stat ..", stat("..", false), perm},
			{"stat link to / (follow)", stat("toroot", true), perm},
			{"stat link to / with slash", stat("toroot/", false), perm},
			{"stat link out (follow)", stat("tosecret", true), perm},
			{"stat chain (follow)", stat("c1", true), perm},
			{"stat loop (follow)", stat("loop1", true), []Errno{ErrnoLoop}},
			{"set_times via link", func() Errno {
				pp, pl := h.str("tosecret")
				return h.call("path_filestat_set_times", 3, lookupSymFollow, pp, pl, 0, 0, fstMtimNow|fstAtimNow)
			}, perm},
			{"set_times link to dir with slash", func() Errno {
				pp, pl := h.str("absdir/")
				return h.call("path_filestat_set_times", 3, 0, pp, pl, 0, 0, fstMtimNow)
			}, perm},
			{"readlink ../x", func() Errno { _, e := h.readlink(3, "../outside/x", 64); return e }, perm},
			{"readlink via link dir", func() Errno { _, e := h.readlink(3, "toparent/sb/abs", 64); return e }, perm},
		}
		for _, c := range cases {
			got := c.run()
			ok := false
			for _, w := range c.want {
				ok = ok || got == w
			}
			if !ok {
				t.Errorf("%s: errno %d, want one of %v", c.name, got, c.want)
			}
		}

		// Relative to an opened subdirectory, its parent is out of reach
		// too: every dir fd is its own capability.
		sub, e := h.open(3, false, "sub", oflagDirectory, rightsDirBase, rightsAll, 0)
		if e != 0 {
			t.Fatal(e)
		}
		if _, e := h.open(sub, false, "../file", 0, rightFdRead, 0, 0); e != errnoEscape {
			t.Errorf("../ from a sub-dir fd: %d", e)
		}
		if _, e := h.open(sub, true, "up/file", 0, rightFdRead, 0, 0); e != errnoEscape {
			t.Errorf("link to .. from a sub-dir fd: %d", e)
		}

		// Things that stay inside must keep working.
		for _, p := range []string{"sub/up/file", "okdir/../file", "sub/deeper/../../file", "./sub/./../file"} {
			if fd, e := h.open(3, true, p, 0, rightFdRead, 0, 0); e != 0 {
				t.Errorf("inside path %q: %d", p, e)
			} else if got := string(h.read(fd, 16)); got != "inside" {
				t.Errorf("inside path %q read %q", p, got)
			}
		}
		if st, e := h.stat(3, false, "toroot"); e != 0 || st[16] != filetypeSymbolicLink {
			t.Errorf("lstat of an escaping link itself: %d", e)
		}
		if got, e := h.readlink(3, "abs", 256); e != 0 || got != links["abs"] {
			t.Errorf("readlink of an escaping link: %q %d", got, e)
		}
		if e := h.p1("path_unlink_file", 3, "tosecret"); e != 0 {
			t.Errorf("unlinking an escaping link itself: %d", e)
		}
		// readdir of the preopen lists only its own entries (plus . and ..).
		b, _ := h.readdir(3, 8192, 0)
		ents, _ := parseDirents(b)
		var names []string
		for _, d := range ents {
			names = append(names, d.name)
		}
		sort.Strings(names)
		for _, n := range names {
			if n == "outside" || n == "secret" {
				t.Errorf("readdir leaked %q", n)
			}
		}

		after := snapshot(t, outside)
		if len(after) != len(before) {
			t.Errorf("outside tree changed: %v -> %v", before, after)
		}
		for k, v := range before {
			if after[k] != v {
				t.Errorf("outside %s changed: %q -> %q", k, v, after[k])
			}
		}
		rootAfter, _ := os.ReadDir(root)
		if len(rootAfter) != len(rootBefore) {
			t.Errorf("parent of sandbox changed: %v", rootAfter)
		}
	})
}

// TestWalkIsUsedWhenForced makes sure the walk switch really bypasses
// openat2: with walk set, an escape is caught by the walk's own ".." check.
func TestWalkIsUsedWhenForced(t *testing.T) {
	dir := t.TempDir()
	fd, errno := walkOpen(-100 /* AT_FDCWD is not beneath-anything */, "..", 0, 0)
	if errno != errnoEscape || fd != -1 {
		t.Fatalf("walkOpen(..) = %d, %d", fd, errno)
	}
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "."}}})
	h.s.walk = true
	if _, e := h.open(3, false, "a/../..", 0, 0, 0, 0); e != ErrnoNoent && e != errnoEscape {
		t.Errorf("walk a/../..: %d", e)
	}
	os.Mkdir(filepath.Join(dir, "a"), 0o755)
	if _, e := h.open(3, false, "a/../..", 0, 0, 0, 0); e != errnoEscape {
		t.Errorf("walk a/../.. with a present: %d", e)
	}
}

// TestWalkDepthBound: the walk refuses to hold more than maxWalkDepth
// directory fds for one resolution.
func TestWalkDepthBound(t *testing.T) {
	dir := t.TempDir()
	deep := strings.Repeat("d/", maxWalkDepth+2)
	if err := os.MkdirAll(filepath.Join(dir, deep), 0o755); err != nil {
		t.Skip("cannot build a deep tree here:", err)
	}
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "."}}})
	h.s.walk = true
	if _, e := h.open(3, false, deep, 0, 0, 0, 0); e != ErrnoNametoolong {
		t.Errorf("deep walk: %d, want ENAMETOOLONG", e)
	}
	if _, e := h.open(3, false, strings.Repeat("d/", 100), 0, 0, 0, 0); e != 0 {
		t.Errorf("100 levels: %d", e)
	}
}
