package wasi

import (
	"fmt"
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

// TestResolversAgreeCreate is TestResolversAgree for opens that may create:
// O_CREAT, O_CREAT|O_EXCL and O_CREAT|O_DIRECTORY on new names, existing
// files and directories, dangling and looping links, with and without a
// trailing slash. Each open runs in a fresh copy of the sandbox, and the
// two resolvers must agree on the errno, the type of what was opened and
// what, if anything, was created.
func TestResolversAgreeCreate(t *testing.T) {
	if !openat2Available() {
		t.Skip("kernel has no openat2")
	}
	root := t.TempDir()
	h := newHarness(t, Config{})
	n := 0
	// sandbox makes a fresh sandbox and returns an O_PATH fd on it.
	sandbox := func() (string, int) {
		n++
		sb := filepath.Join(root, fmt.Sprint(n))
		os.MkdirAll(filepath.Join(sb, "sub"), 0o755)
		os.WriteFile(filepath.Join(sb, "file"), []byte("x"), 0o644)
		for l, target := range map[string]string{
			"dang": "nowhere", "dangdir": "nowhere/", "fl": "file", "in": "sub",
			"loop": "loop", "up": "..", "subnew": "sub/new",
		} {
			os.Symlink(target, filepath.Join(sb, l))
		}
		fd, err := unix.Open(sb, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		return sb, fd
	}
	list := func(sb string) []string {
		var out []string
		filepath.Walk(sb, func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				out = append(out, strings.TrimPrefix(p, sb)+" "+fi.Mode().Type().String())
			}
			return nil
		})
		return out
	}
	sb0, fd0 := sandbox()
	unix.Close(fd0)
	made := map[string]bool{}
	for _, e := range list(sb0) {
		made[e] = true
	}
	// created lists what is in sb that sandbox did not make.
	created := func(sb string) string {
		var out []string
		for _, e := range list(sb) {
			if !made[e] {
				out = append(out, e)
			}
		}
		return strings.Join(out, ",")
	}
	type result struct {
		errno        Errno
		kind, listed string
	}
	open := func(walk bool, p string, flags int, follow bool) result {
		sb, dirfd := sandbox()
		defer os.RemoveAll(sb)
		defer unix.Close(dirfd)
		h.s.walk = walk
		fd, e := h.s.openBeneath(dirfd, p, flags, 0o644, follow)
		r := result{errno: e, listed: created(sb)}
		if e == ErrnoSuccess {
			var st unix.Stat_t
			unix.Fstat(fd, &st)
			unix.Close(fd)
			r.kind = fmt.Sprintf("%o", st.Mode&unix.S_IFMT)
		}
		return r
	}
	paths := []string{"new", "new/", "new/.", "new/x", "sub/new", "sub/new/", "file", "file/",
		"file/.", "sub", "sub/", ".", "sub/..", "dang", "dang/", "dangdir", "fl", "fl/",
		"in", "in/", "in/new", "loop", "loop/", "up", "up/new", "subnew", "subnew/", "nowhere/new"}
	flagSets := map[string]int{
		"O_CREAT":             unix.O_CREAT | unix.O_RDWR,
		"O_CREAT|O_EXCL":      unix.O_CREAT | unix.O_EXCL | unix.O_RDWR,
		"O_CREAT|O_DIRECTORY": unix.O_CREAT | unix.O_DIRECTORY | unix.O_RDONLY,
		"O_CREAT|O_WRONLY":    unix.O_CREAT | unix.O_WRONLY,
		"O_CREAT|O_TRUNC":     unix.O_CREAT | unix.O_TRUNC | unix.O_WRONLY,
	}
	for _, p := range paths {
		for name, flags := range flagSets {
			for _, follow := range []bool{true, false} {
				a, b := open(false, p, flags, follow), open(true, p, flags, follow)
				if a != b {
					t.Errorf("%q %s follow=%v: openat2 %+v, walk %+v", p, name, follow, a, b)
				}
			}
		}
	}
}
