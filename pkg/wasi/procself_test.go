package wasi

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// A preopen that reaches /proc must not hand the guest the host process's
// own entry: before the check, a guest under --dir-ro=/proc read the
// host's memory through /proc/self/mem (other instances' included) and,
// under --dir, opened it for writing. Both resolvers, read-only and
// read-write preopens; other procfs files still open.
func TestOwnProcEntryRefused(t *testing.T) {
	if _, err := os.Stat("/proc/self/mem"); err != nil {
		t.Skipf("no procfs: %v", err)
	}
	pid := strconv.Itoa(os.Getpid())
	tid := strconv.Itoa(unix.Gettid())
	eachResolver(t, func(t *testing.T, walk bool) {
		for _, ro := range []bool{true, false} {
			h := newHarness(t, Config{Preopens: []Preopen{{HostPath: "/proc", GuestPath: "/proc", ReadOnly: ro}}})
			h.s.walk = walk
			for _, tc := range []struct {
				path  string
				rw    bool
				want  Errno
				check bool // the call must succeed
			}{
				{path: "self/mem", want: ErrnoAcces},
				{path: "self/mem", rw: true, want: ErrnoAcces},
				{path: "self/environ", want: ErrnoAcces},
				{path: "self/maps", want: ErrnoAcces},
				{path: "self/auxv", want: ErrnoAcces},
				{path: "self", want: ErrnoAcces},
				{path: "thread-self/mem", want: ErrnoAcces},
				{path: pid + "/mem", want: ErrnoAcces},
				{path: pid + "/task/" + tid + "/mem", want: ErrnoAcces},
				{path: tid + "/mem", want: ErrnoAcces},
				{path: "./self/../self/mem", want: ErrnoAcces},
				{path: "cpuinfo", check: true},
				{path: "sys/kernel/ostype", check: true},
			} {
				if tc.rw && ro {
					continue // refused as a write anyway
				}
				base := uint64(rightFdRead)
				if tc.rw {
					base = fileRW
				}
				fd, e := h.open(3, true, tc.path, 0, base, 0, 0)
				switch {
				case tc.check && e != ErrnoSuccess:
					t.Errorf("ro=%v open %s: errno %d, want success", ro, tc.path, e)
				case !tc.check && e != tc.want:
					t.Errorf("ro=%v open %s (rw %v): errno %d, want %d", ro, tc.path, tc.rw, e, tc.want)
				}
				if e == ErrnoSuccess {
					h.call("fd_close", uint64(fd))
				}
			}
			// Nor may its links be read: they name host files.
			for _, p := range []string{"self/exe", "self/cwd", "self/fd/0", "thread-self/root", pid + "/exe"} {
				if _, e := h.readlink(3, p, 256); e != ErrnoAcces {
					t.Errorf("ro=%v readlink %s: errno %d, want %d", ro, p, e, ErrnoAcces)
				}
			}
			if _, e := h.readlink(3, "self", 256); e != ErrnoSuccess {
				t.Errorf("readlink self: errno %d, want success (/proc itself is no process's)", e)
			}
		}
	})
}

func TestPidDirPath(t *testing.T) {
	for _, tc := range []struct {
		root, mp, x, want string
		ok                bool
	}{
		{"/", "/proc", "100", "/proc/100", true},
		{"/", "/", "100", "/100", true},
		{"/", "/srv/7/proc/", "100", "/srv/7/proc/100", true},
		{"/100", "/srv/x", "100", "/srv/x", true},
		{"/100/task", "/srv/x", "100", "", false},
		{"/200", "/srv/x", "100", "", false},
	} {
		got, ok := pidDirPath(tc.root, tc.mp, tc.x)
		if got != tc.want || ok != tc.ok {
			t.Errorf("pidDirPath(%q, %q, %q) = %q, %v; want %q, %v", tc.root, tc.mp, tc.x, got, ok, tc.want, tc.ok)
		}
	}
	for c, want := range map[string]bool{"1": true, "100": true, "0": false, "0100": false, "+1": false, "-1": false, "self": false, "": false} {
		if isPidName(c) != want {
			t.Errorf("isPidName(%q) = %v", c, !want)
		}
	}
	// The host's own directory is its own under any name, another's not.
	if isOtherProcess("/proc/self") {
		t.Error("isOtherProcess(/proc/self) = true")
	}
	if !isOtherProcess("/proc/1") && os.Getpid() != 1 {
		t.Error("isOtherProcess(/proc/1) = false")
	}
}

func TestProcRelPath(t *testing.T) {
	for _, tc := range []struct {
		path, root, mp, want string
		ok                   bool
	}{
		{"/proc/100/mem", "/", "/proc", "/100/mem", true},
		{"/srv/7/proc/100/mem", "/", "/srv/7/proc", "/100/mem", true},
		{"/srv/x/mem", "/100", "/srv/x", "/100/mem", true},
		{"/srv/x", "/100", "/srv/x", "/100", true},
		{"/100/mem", "/", "/", "/100/mem", true},
		{"/srv/xy/mem", "/100", "/srv/x", "", false},
		{"/elsewhere/mem", "/", "/proc", "", false},
	} {
		got, ok := procRelPath(tc.path, tc.root, tc.mp)
		if got != tc.want || ok != tc.ok {
			t.Errorf("procRelPath(%q, %q, %q) = %q, %v; want %q, %v", tc.path, tc.root, tc.mp, got, ok, tc.want, tc.ok)
		}
	}
	if got := unescapeMountinfo(`/a\040b\134c\0`); got != "/a b\\c\\0" {
		t.Errorf("unescapeMountinfo: %q", got)
	}
}
