package wasi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestResolversAgree opens every path built from a small alphabet of
// components under both resolvers and requires the same outcome: the same
// errno, or the same inode. The alphabet mixes "..", ".", empty components,
// links inside, links out, absolute links and loops.
func TestResolversAgree(t *testing.T) {
	if !openat2Available() {
		t.Skip("kernel has no openat2")
	}
	root := t.TempDir()
	sb := filepath.Join(root, "sb")
	os.MkdirAll(filepath.Join(sb, "sub", "deeper"), 0o755)
	os.MkdirAll(filepath.Join(root, "outside"), 0o755)
	os.WriteFile(filepath.Join(sb, "file"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(sb, "sub", "file"), []byte("y"), 0o644)
	for l, target := range map[string]string{
		"up": "..", "in": "sub", "deep": "sub/deeper", "subup": "sub/..", "abs": "/",
		"loop": "loop", "fl": "file", "dang": "nowhere", "out": "../outside",
		"sub/back": "../file", "sub/esc": "../../outside",
	} {
		os.Symlink(target, filepath.Join(sb, l))
	}
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: sb, GuestPath: "/"}}})
	d, _ := h.s.getDir(3, 0)

	alphabet := []string{".", "..", "", "sub", "file", "up", "in", "deep", "subup", "abs", "loop", "fl", "dang", "out", "back", "esc", "deeper"}
	var paths []string
	for _, a := range alphabet {
		paths = append(paths, a)
		for _, b := range alphabet {
			paths = append(paths, a+"/"+b)
			for _, c := range []string{"..", "file", "", "back", "sub"} {
				paths = append(paths, a+"/"+b+"/"+c)
			}
		}
	}
	type result struct {
		errno Errno
		ino   uint64
	}
	open := func(walk bool, p string, follow bool) result {
		h.s.walk = walk
		fd, e := h.s.openBeneath(d.fd, p, unix.O_PATH, 0, follow)
		if e != ErrnoSuccess {
			return result{errno: e}
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		unix.Fstat(fd, &st)
		return result{ino: st.Ino}
	}
	mismatches := 0
	for _, p := range paths {
		if strings.HasPrefix(p, "/") {
			continue
		}
		for _, follow := range []bool{true, false} {
			a, b := open(false, p, follow), open(true, p, follow)
			if a != b {
				mismatches++
				if mismatches <= 20 {
					t.Errorf("%q follow=%v: openat2 %+v, walk %+v", p, follow, a, b)
				}
			}
		}
	}
	t.Logf("%d paths compared", len(paths)*2)
}
