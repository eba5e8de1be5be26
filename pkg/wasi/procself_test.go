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

func TestNamesOwnProcess(t *testing.T) {
	tasks := map[int]bool{101: true, 102: true}
	isTask := func(n int) bool { return tasks[n] }
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"/proc/100/mem", true},
		{"/proc/100", true},
		{"/proc/101/mem", true},
		{"/proc/100/task/101/mem", true},
		{"/hostproc/100/environ", true},
		{"/proc/1/status", false},
		{"/proc/cpuinfo", false},
		{"/proc/sys/kernel/ostype", false},
		{"/proc/200/task/100/mem", false},
		{"/proc/0100/mem", false},
		{"/", false},
		{"", false},
	} {
		if got := namesOwnProcess(tc.path, 100, isTask); got != tc.want {
			t.Errorf("namesOwnProcess(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
